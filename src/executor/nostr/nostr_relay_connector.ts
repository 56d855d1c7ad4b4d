/**
 * NostrRelayConnector: keeps one WebSocket per relay of a NostrFs.
 *
 * - One connection per relay, never two, even while connecting.
 * - On (re)connect it sends every subscription (REQ) and every outbox
 *   event the relay has not yet answered (EVENT, as text frames).
 * - It records each relay's OK (accepted or refused, with the message) per
 *   event, and EOSE per subscription.
 * - A removed subscription is closed on every relay (CLOSE).
 * - Incoming EVENTs go to the NostrFs inbox, which verifies signatures and
 *   drops duplicates (the same event from two relays lands once).
 * - A relay that drops is reconnected per `nostrReconnect`; the handshake
 *   has `wsConnectTimeoutMs`.
 *
 * @module
 */

import type { NostrFs } from "../../capabilities/nostr/nostr_fs.ts";
import type { NostrChange } from "../../capabilities/nostr/nostr_relay_types.ts";
import { checkResolvedUrl, denoResolver, type Resolver } from "../dns_guard.ts";
import type { ExecutorConfig } from "../executor_config.ts";
import {
  type ConnectorOptions,
  liveSockets,
  type SocketFactory,
  type TransportSocket,
} from "../managed_socket.ts";

interface Relay {
  url: string;
  socket?: TransportSocket;
  starting: boolean;
  removed: boolean;
  attempts: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Connects a NostrFs to its relays. Usually made by ExecutorManager.attachNostr.
 *
 * @example
 * ```ts
 * import { ExecutorConfig, NostrFs, NostrRelayConnector } from "@oanix/oanix";
 * const nostr = NostrFs.generate();
 * const connector = new NostrRelayConnector(nostr, ExecutorConfig.default());
 * connector.start();
 * // nostr.addRelay("wss://relay.example.com"); nostr.submitEvent({ kind: 1, content: "hi" });
 * await connector.shutdown();
 * ```
 */
export class NostrRelayConnector {
  readonly #nostr: NostrFs;
  readonly #config: ExecutorConfig;
  readonly #resolve: Resolver;
  readonly #sockets: SocketFactory;
  readonly #relays = new Map<string, Relay>();
  readonly #tasks = new Set<Promise<void>>();
  #off: (() => void) | undefined;
  #state: "idle" | "running" | "stopped" = "idle";

  /**
   * Makes a connector for `nostr` (not started).
   *
   * @param nostr the NostrFs to serve (the mounted instance)
   * @param config connect timeout and reconnect policy
   * @param options the resolver for the address guard, and the sockets
   * (live ones by default; a transcript records or replays them)
   */
  constructor(nostr: NostrFs, config: ExecutorConfig, options: ConnectorOptions = {}) {
    this.#nostr = nostr;
    this.#config = config;
    this.#resolve = options.resolve ?? denoResolver;
    this.#sockets = options.sockets ?? liveSockets;
  }

  /** Subscribes to NostrFs changes and connects to its relays. */
  start(): void {
    if (this.#state !== "idle") {
      throw new Error(`NostrRelayConnector.start: already ${this.#state}`);
    }
    this.#state = "running";
    this.#off = this.#nostr.onChange((c) => this.#onChange(c));
    this.sweep();
  }

  /** The relays with a socket open or opening. */
  get connectionCount(): number {
    let n = 0;
    for (const r of this.#relays.values()) if (r.socket !== undefined || r.starting) n++;
    return n;
  }

  /** Picks up anything a change did not (the fallback sweep). */
  sweep(): void {
    if (this.#state !== "running") return;
    for (const r of this.#nostr.relays()) this.#ensure(r.url);
    for (const r of this.#relays.values()) {
      if (r.socket?.isOpen) this.#publishUnsent(r, "pending");
    }
  }

  #onChange(c: NostrChange): void {
    if (this.#state !== "running") return;
    switch (c.type) {
      case "relayAdded":
        return this.#ensure(c.url);
      case "relayRemoved":
        return this.#drop(c.url);
      case "publish": {
        const ev = this.#nostr.outboxEvent(c.id);
        if (ev === undefined) return;
        for (const r of this.#relays.values()) {
          if (this.#send(r, ["EVENT", ev])) {
            this.#nostr.recordPublish(ev.id, r.url, { state: "sent" });
          }
        }
        return;
      }
      case "subscribe": {
        const filters = this.#nostr.subscriptions()[c.id];
        if (filters === undefined) return;
        for (const r of this.#relays.values()) this.#send(r, ["REQ", c.id, ...filters]);
        return;
      }
      case "unsubscribe":
        for (const r of this.#relays.values()) this.#send(r, ["CLOSE", c.id]);
    }
  }

  #send(r: Relay, message: unknown[]): boolean {
    return r.socket?.send(JSON.stringify(message)) ?? false;
  }

  #publishUnsent(r: Relay, only?: "pending"): void {
    for (const ev of this.#nostr.unsentFor(r.url)) {
      if (only !== undefined && this.#nostr.publishResults(ev.id)?.[r.url]?.state !== only) {
        continue;
      }
      if (this.#send(r, ["EVENT", ev])) this.#nostr.recordPublish(ev.id, r.url, { state: "sent" });
    }
  }

  #track(p: Promise<void>): void {
    const t = p.catch(() => {}).finally(() => this.#tasks.delete(t));
    this.#tasks.add(t);
  }

  #ensure(url: string): void {
    if (this.#relays.has(url)) return;
    const r: Relay = { url, starting: false, removed: false, attempts: 0 };
    this.#relays.set(url, r);
    this.#connect(r);
  }

  #drop(url: string): void {
    const r = this.#relays.get(url);
    if (r === undefined) return;
    r.removed = true;
    this.#relays.delete(url);
    if (r.timer !== undefined) clearTimeout(r.timer);
    r.socket?.close(1000, "relay removed");
  }

  #connect(r: Relay): void {
    if (r.removed || this.#state !== "running" || r.socket !== undefined || r.starting) return;
    r.starting = true;
    this.#nostr.setRelayState(r.url, r.attempts > 0 ? "reconnecting" : "connecting");
    this.#track((async () => {
      let refused: string | undefined;
      try {
        const d = await checkResolvedUrl(new URL(r.url), this.#nostr.allowList, this.#resolve);
        if (!d.allowed) refused = `forbidden (${d.rule}): ${d.reason}`;
      } catch (e) {
        refused = `cannot resolve: ${(e as Error).message}`;
      }
      r.starting = false;
      if (r.removed || this.#state !== "running") return;
      if (refused !== undefined) {
        this.#nostr.setRelayState(r.url, "failed", refused);
        return;
      }
      const socket = this.#sockets(r.url, this.#config.wsConnectTimeoutMs, {
        onOpen: () => this.#onOpen(r),
        onMessage: (data) => this.#onMessage(r, data),
        onClose: (c) => {
          r.socket = undefined;
          this.#onClose(
            r,
            c.opened
              ? `closed (${c.code} ${c.reason})`
              : c.timedOut
              ? `connect timeout after ${this.#config.wsConnectTimeoutMs} ms`
              : c.error ?? "connect failed",
          );
        },
      });
      r.socket = socket;
      await socket.closed;
    })());
  }

  #onOpen(r: Relay): void {
    r.attempts = 0;
    this.#nostr.setRelayState(r.url, "connected");
    for (const [id, filters] of Object.entries(this.#nostr.subscriptions())) {
      this.#send(r, ["REQ", id, ...filters]);
    }
    this.#publishUnsent(r);
  }

  #onMessage(r: Relay, data: string | Uint8Array): void {
    let msg: unknown;
    try {
      msg = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      this.#nostr.log("warn", "relay sent a message that is not JSON", { relay: r.url });
      return;
    }
    if (!Array.isArray(msg)) return;
    const [type, a, b, c] = msg;
    if (type === "EVENT" && typeof a === "string") this.#nostr.receiveEvent(b, r.url);
    else if (type === "OK" && typeof a === "string" && typeof b === "boolean") {
      this.#nostr.recordPublish(a, r.url, {
        state: b ? "ok" : "failed",
        message: typeof c === "string" ? c : "",
      });
    } else if (type === "EOSE" && typeof a === "string") this.#nostr.recordEose(r.url, a);
    else if (type === "NOTICE") {
      this.#nostr.log("info", "relay notice", { relay: r.url, notice: a });
    } else if (type === "CLOSED") {
      this.#nostr.log("warn", "relay closed a subscription", {
        relay: r.url,
        subscription: a,
        message: b,
      });
    }
  }

  #onClose(r: Relay, why: string): void {
    if (r.removed || this.#state !== "running") return;
    const policy = this.#config.nostrReconnect;
    if (r.attempts >= policy.maxRetries) {
      this.#nostr.setRelayState(r.url, "failed", why);
      return;
    }
    r.attempts++;
    this.#nostr.setRelayState(r.url, "reconnecting", why);
    r.timer = setTimeout(() => {
      r.timer = undefined;
      this.#connect(r);
    }, policy.delayMs(r.attempts));
  }

  /** Closes every relay socket, cancels reconnects, and waits until all are closed. */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#off?.();
    for (const r of this.#relays.values()) {
      if (r.timer !== undefined) clearTimeout(r.timer);
      r.socket?.close(1000, "shutdown");
    }
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
    for (const r of this.#relays.values()) this.#nostr.setRelayState(r.url, "idle");
    this.#relays.clear();
  }
}
