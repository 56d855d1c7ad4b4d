/**
 * WsConnector: owns the sockets of a WsFs.
 *
 * Woken by WsFs events (open, send, close). Each connection gets a socket
 * with the `wsConnectTimeoutMs` handshake timeout; at most
 * `wsMaxConcurrent` sockets exist at once (a connection over the limit
 * fails with a reason naming it). Text and binary frames keep their kind
 * and bytes. A server close is reflected in the connection's status (code
 * and reason); a connection opened with `reconnect: true` reconnects per
 * `wsReconnect` instead. Closed sockets are reaped at once, so they stop
 * counting toward the limit.
 *
 * @module
 */

import type { WsFs } from "../../capabilities/ws/ws_fs.ts";
import type { WsEvent } from "../../capabilities/ws/ws_types.ts";
import { checkResolvedUrl, denoResolver, type Resolver } from "../dns_guard.ts";
import type { ExecutorConfig } from "../executor_config.ts";
import {
  type ConnectorOptions,
  liveSockets,
  type SocketFactory,
  type TransportSocket,
} from "../managed_socket.ts";

interface Live {
  socket?: TransportSocket;
  /** Between the event and the socket (address check). */
  starting: boolean;
  userClosed: boolean;
  attempts: number;
  timer?: ReturnType<typeof setTimeout>;
}

const decoder = new TextDecoder();

/**
 * Runs the connections of a WsFs. Usually made by ExecutorManager.attachWs.
 *
 * @example
 * ```ts
 * import { ExecutorConfig, WsConnector, WsFs } from "@oanix/oanix";
 * const ws = new WsFs();
 * const connector = new WsConnector(ws, ExecutorConfig.default());
 * connector.start();
 * // ... ws.openConnection(url); await ws.whenSettled(id); ...
 * await connector.shutdown();
 * ```
 */
export class WsConnector {
  readonly #ws: WsFs;
  readonly #config: ExecutorConfig;
  readonly #resolve: Resolver;
  readonly #sockets: SocketFactory;
  readonly #live = new Map<string, Live>();
  readonly #tasks = new Set<Promise<void>>();
  #off: (() => void) | undefined;
  #state: "idle" | "running" | "stopped" = "idle";

  /**
   * Makes a connector for `ws` (not started).
   *
   * @param ws the WsFs to serve (the mounted instance)
   * @param config connect timeout, limit and reconnect policy
   * @param options the resolver for the address guard, and the sockets
   * (live ones by default; a transcript records or replays them)
   */
  constructor(ws: WsFs, config: ExecutorConfig, options: ConnectorOptions = {}) {
    this.#ws = ws;
    this.#config = config;
    this.#resolve = options.resolve ?? denoResolver;
    this.#sockets = options.sockets ?? liveSockets;
  }

  /** Subscribes to WsFs events and serves the connections opened so far. */
  start(): void {
    if (this.#state !== "idle") throw new Error(`WsConnector.start: already ${this.#state}`);
    this.#state = "running";
    this.#off = this.#ws.onEvent((e) => this.#onEvent(e));
    this.sweep();
  }

  /** Sockets open or opening. */
  get socketCount(): number {
    let n = 0;
    for (const l of this.#live.values()) if (l.socket !== undefined || l.starting) n++;
    return n;
  }

  /** Picks up anything an event did not (the fallback sweep). */
  sweep(): void {
    if (this.#state !== "running") return;
    for (const c of this.#ws.connections()) {
      if (c.state === "connecting" && !this.#live.has(c.id)) this.#connect(c.id);
      else if (c.state === "closing") this.#close(c.id);
      else if (c.state === "open" && c.outbox > 0) this.#flush(c.id);
    }
  }

  #onEvent(e: WsEvent): void {
    if (this.#state !== "running") return;
    if (e.type === "open") this.#connect(e.id);
    else if (e.type === "send") this.#flush(e.id);
    else this.#close(e.id);
  }

  #track(p: Promise<void>): void {
    const t = p.catch(() => {}).finally(() => this.#tasks.delete(t));
    this.#tasks.add(t);
  }

  #connect(id: string): void {
    const info = this.#ws.connection(id);
    if (info === undefined || this.#state !== "running") return;
    const live = this.#live.get(id) ?? { starting: false, userClosed: false, attempts: 0 };
    if (live.socket !== undefined || live.starting) return;
    if (this.socketCount >= this.#config.wsMaxConcurrent) {
      this.#live.delete(id);
      this.#ws.setFailed(
        id,
        `too many open connections (wsMaxConcurrent=${this.#config.wsMaxConcurrent})`,
      );
      return;
    }
    live.starting = true;
    this.#live.set(id, live);
    this.#track((async () => {
      let refused: string | undefined;
      try {
        const d = await checkResolvedUrl(new URL(info.url), this.#ws.allowList, this.#resolve);
        if (!d.allowed) refused = `forbidden (${d.rule}): ${d.reason}`;
      } catch (e) {
        refused = `cannot resolve: ${(e as Error).message}`;
      }
      live.starting = false;
      if (refused !== undefined || live.userClosed || this.#state !== "running") {
        this.#live.delete(id);
        if (refused !== undefined) this.#ws.setFailed(id, refused);
        else this.#ws.setClosed(id, 1000, live.userClosed ? "closed" : "shutdown");
        return;
      }
      const socket = this.#sockets(info.url, this.#config.wsConnectTimeoutMs, {
        onOpen: () => {
          live.attempts = 0;
          this.#ws.setConnected(id);
          this.#flush(id);
        },
        onMessage: (data) => this.#ws.receiveMessage(id, data, typeof data !== "string"),
        onClose: (c) => {
          live.socket = undefined;
          this.#onClose(id, live, c);
        },
      });
      live.socket = socket;
      await socket.closed;
    })());
  }

  #onClose(
    id: string,
    live: Live,
    c: { code: number; reason: string; opened: boolean; timedOut: boolean; error?: string },
  ): void {
    const policy = this.#config.wsReconnect;
    const stopping = this.#state !== "running";
    if (c.timedOut) {
      this.#live.delete(id);
      this.#ws.setFailed(id, `connect timeout after ${this.#config.wsConnectTimeoutMs} ms`);
    } else if (live.userClosed || stopping) {
      this.#live.delete(id);
      this.#ws.setClosed(id, c.code, c.reason || (stopping ? "shutdown" : ""));
    } else if (this.#ws.connection(id)?.reconnect && live.attempts < policy.maxRetries) {
      live.attempts++;
      const why = c.opened
        ? `closed by server (${c.code} ${c.reason})`
        : c.error ?? "connect failed";
      this.#ws.setReconnecting(id, why);
      live.timer = setTimeout(() => {
        live.timer = undefined;
        this.#connect(id);
      }, policy.delayMs(live.attempts));
    } else {
      this.#live.delete(id);
      if (c.opened) this.#ws.setClosed(id, c.code, c.reason);
      else this.#ws.setFailed(id, c.error ?? `could not connect (code ${c.code})`);
    }
  }

  #flush(id: string): void {
    const socket = this.#live.get(id)?.socket;
    if (socket === undefined || !socket.isOpen) return;
    for (const m of this.#ws.drainOutbox(id)) {
      socket.send(m.binary ? m.data : decoder.decode(m.data));
    }
  }

  #close(id: string): void {
    const live = this.#live.get(id);
    if (live === undefined) {
      if (this.#ws.connection(id)?.state === "closing") this.#ws.setClosed(id, 1000, "closed");
      return;
    }
    live.userClosed = true;
    if (live.timer !== undefined) {
      clearTimeout(live.timer);
      live.timer = undefined;
      this.#live.delete(id);
      this.#ws.setClosed(id, 1000, "closed");
    }
    live.socket?.close(1000, "closed");
  }

  /** Closes every socket, cancels reconnects, and waits until all are closed. */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#off?.();
    for (const [id, live] of this.#live) {
      if (live.timer !== undefined) {
        clearTimeout(live.timer);
        this.#live.delete(id);
        this.#ws.setClosed(id, 1001, "shutdown");
      }
      live.socket?.close(1001, "shutdown");
    }
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }
}
