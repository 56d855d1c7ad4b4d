/**
 * The connection table behind WsFs: states, inboxes and outboxes, and the
 * host API a transport (WsConnector) drives. WsFs adds the files.
 *
 * @module
 */

import { AllowList } from "../allow_list.ts";
import { BoundedQueue, checkQueueBounds, type QueueBounds } from "../bounded_queue.ts";
import { FsError } from "../../fs/errors.ts";
import { isReportableCount, type OnLog } from "../log_hook.ts";
import { type Fail, hostFail, optBoolean, optId, optString } from "../json_fields.ts";
import { Listeners, Waiters } from "../notifier.ts";
import {
  DEFAULT_WS_INBOX,
  type WsConnectionInfo,
  type WsConnRecord,
  type WsEvent,
  type WsFsOptions,
  type WsMessage,
  type WsState,
} from "./ws_types.ts";

/**
 * True for the final states, closed and failed.
 *
 * @example
 * ```ts
 * import { isFinalWsState } from "./ws_connections.ts";
 * console.log(isFinalWsState("closed")); // true
 * ```
 */
export function isFinalWsState(s: WsState): boolean {
  return FINAL.has(s);
}

const FINAL: ReadonlySet<WsState> = new Set(["closed", "failed"]);

/**
 * The connection table and host API of {@linkcode WsFs}. Use WsFs; this
 * class exists to keep the files and the state apart.
 *
 * @example
 * ```ts
 * import { WsFs } from "@oanix/oanix";
 * const ws = new WsFs();
 * const id = ws.openConnection("wss://relay.example.com");
 * ws.setConnected(id); // by the transport
 * ws.sendMessage(id, "Hello WebSocket!");
 * const out = ws.drainOutbox(id); // the transport sends these
 * ws.receiveMessage(id, "Response");
 * console.log(new TextDecoder().decode(ws.readMessage(id)!.data)); // "Response"
 * ```
 */
export class WsConnections {
  /** Which URLs may be opened. */
  readonly allowList: AllowList;
  /** The most connections not yet closed. */
  readonly maxConnections: number;
  readonly #retainClosed: number;
  readonly #inboxBounds: QueueBounds;
  readonly #onLog: OnLog | undefined;
  #conns = new Map<string, WsConnRecord>();
  #finished: string[] = [];
  #nextId = 0;
  #events = new Listeners<WsEvent>();
  #waiters = new Waiters<string>();

  /**
   * Makes an empty connection table.
   *
   * @param options allow-list and limits */
  constructor(options: WsFsOptions = {}) {
    if (options.allowList !== undefined && !(options.allowList instanceof AllowList)) {
      throw new TypeError("WsFs: options.allowList must be an AllowList");
    }
    const max = options.maxConnections ?? 64;
    const retain = options.retainClosed ?? 16;
    if (!Number.isInteger(max) || max < 1) throw new TypeError("WsFs: maxConnections must be >= 1");
    if (!Number.isInteger(retain) || retain < 0) {
      throw new TypeError("WsFs: retainClosed must be >= 0");
    }
    this.allowList = options.allowList ?? AllowList.any();
    this.maxConnections = max;
    this.#retainClosed = retain;
    this.#inboxBounds = checkQueueBounds("WsFs", {
      maxItems: options.maxInboxMessages ?? DEFAULT_WS_INBOX.maxItems,
      maxBytes: options.maxInboxBytes ?? DEFAULT_WS_INBOX.maxBytes,
    });
    this.#onLog = options.onLog;
  }

  // ---- host API ----

  /**
   * Opens a connection (state "connecting") and returns its id.
   *
   * @throws {Error} for a bad or refused URL, a used id, or too many connections.
   */
  openConnection(url: string, options: { id?: string; reconnect?: boolean } = {}): string {
    return this.openFrom({ url, ...options }, hostFail("WsFs.openConnection"), "host");
  }

  /** Opens a connection from a parsed request; `from` is "host" or the file path. */
  protected openFrom(obj: Record<string, unknown>, fail: Fail, from: "host" | string): string {
    const url = optString(obj, "url", fail);
    if (url === undefined) fail(`missing field "url"`);
    let id = optId(obj, "id", fail);
    const reconnect = optBoolean(obj, "reconnect", fail) ?? false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      fail(`field "url" must be an absolute URL, got ${JSON.stringify(url)}`);
    }
    const decision = this.allowList.check(parsed, "GET", ["ws:", "wss:"]);
    if (!decision.allowed) {
      const reason = `forbidden (${decision.rule}): ${decision.reason}`;
      if (from === "host") throw new Error(`WsFs.openConnection: ${reason}`);
      throw new FsError(decision.rule === "scheme" ? "EINVAL" : "EACCES", from, reason);
    }
    if (id !== undefined && this.#conns.has(id)) fail(`id ${id} is already used`);
    if (this.activeCount() >= this.maxConnections) {
      const reason = `too many connections (maxConnections=${this.maxConnections})`;
      if (from === "host") throw new Error(`WsFs.openConnection: ${reason}`);
      throw new FsError("EMFILE", from, reason);
    }
    if (id === undefined) {
      do id = `conn-${this.#nextId++}`; while (this.#conns.has(id));
    }
    this.#conns.set(id, {
      info: {
        id,
        url: parsed.href,
        state: "connecting",
        reconnect,
        sent: 0,
        received: 0,
        reconnects: 0,
      },
      inbox: new BoundedQueue<WsMessage>(this.#inboxBounds, (m) => m.data.length),
      outbox: [],
    });
    this.#events.emit({ type: "open", id });
    return id;
  }

  #conn(id: string, fn: string): WsConnRecord {
    const c = typeof id === "string" ? this.#conns.get(id) : undefined;
    if (c === undefined) throw new Error(`WsFs.${fn}: unknown connection id ${id}`);
    return c;
  }

  #setState(c: WsConnRecord, state: WsState): void {
    if (FINAL.has(c.info.state)) return;
    c.info.state = state;
    if (FINAL.has(state)) {
      c.outbox.length = 0;
      this.#finished.push(c.info.id);
      while (this.#finished.length > this.#retainClosed) {
        const old = this.#finished.shift()!;
        this.#conns.delete(old);
        this.#waiters.wake(old);
      }
    }
    this.#waiters.wake(c.info.id);
  }

  /** Marks a connection open (by the transport). */
  setConnected(id: string): void {
    const c = this.#conn(id, "setConnected");
    if (c.info.state === "connecting" || c.info.state === "reconnecting") this.#setState(c, "open");
  }

  /** Marks a connection as waiting to reconnect (by the transport). */
  setReconnecting(id: string, error?: string): void {
    const c = this.#conn(id, "setReconnecting");
    if (FINAL.has(c.info.state) || c.info.state === "closing") return;
    c.info.reconnects++;
    if (error !== undefined) c.info.error = error;
    this.#setState(c, "reconnecting");
  }

  /** Marks a connection closed, with the close code and reason (by the transport). */
  setClosed(id: string, code?: number, reason?: string): void {
    const c = this.#conn(id, "setClosed");
    if (FINAL.has(c.info.state)) return;
    if (code !== undefined) c.info.closeCode = code;
    if (reason !== undefined) c.info.closeReason = reason;
    this.#setState(c, "closed");
  }

  /** Marks a connection failed (by the transport). */
  setFailed(id: string, error: string): void {
    const c = this.#conn(id, "setFailed");
    if (FINAL.has(c.info.state)) return;
    c.info.error = String(error);
    this.#setState(c, "failed");
  }

  /**
   * Asks for a connection to be closed (state "closing"); the transport
   * closes the socket and calls `setClosed`. Closing a finished connection
   * does nothing.
   */
  closeConnection(id: string): void {
    const c = this.#conn(id, "closeConnection");
    if (FINAL.has(c.info.state) || c.info.state === "closing") return;
    this.#setState(c, "closing");
    this.#events.emit({ type: "close", id });
  }

  /**
   * Queues a message to send: a string is a text frame, bytes are a binary
   * frame unless `binary` says otherwise.
   *
   * @throws {Error} when the connection is closing or finished.
   */
  sendMessage(id: string, data: Uint8Array | string, binary?: boolean): void {
    const c = this.#conn(id, "sendMessage");
    if (FINAL.has(c.info.state) || c.info.state === "closing") {
      throw new Error(`WsFs.sendMessage: connection ${id} is ${c.info.state}`);
    }
    c.outbox.push(toMessage(data, binary, "WsFs.sendMessage"));
    this.#events.emit({ type: "send", id });
  }

  /** Takes every queued outgoing message (by the transport). */
  drainOutbox(id: string): WsMessage[] {
    const c = this.#conn(id, "drainOutbox");
    const out = c.outbox;
    c.outbox = [];
    c.info.sent += out.length;
    return out;
  }

  /** Adds a received message (by the transport). */
  receiveMessage(id: string, data: Uint8Array | string, binary?: boolean): void {
    const c = this.#conn(id, "receiveMessage");
    if (FINAL.has(c.info.state)) return;
    const dropped = c.inbox.push(toMessage(data, binary, "WsFs.receiveMessage"));
    c.info.received++;
    if (dropped > 0) this.#reportDrops(c, dropped);
    this.#waiters.wake(id);
  }

  /** Reports drops when the count passes 1, 2, 4, 8...; `now` were dropped just now. */
  #reportDrops(c: WsConnRecord, now: number): void {
    const total = c.inbox.dropped;
    let report = false;
    for (let n = total - now + 1; n <= total && !report; n++) report = isReportableCount(n);
    if (!report) return;
    try {
      this.#onLog?.("warn", "WebSocket inbox full: dropped the oldest messages", {
        id: c.info.id,
        dropped: total,
        maxInboxMessages: this.#inboxBounds.maxItems,
        maxInboxBytes: this.#inboxBounds.maxBytes,
      });
    } catch { /* a faulty hook must not break the state machine */ }
  }

  /** Takes the oldest received message, or undefined when none is queued. */
  readMessage(id: string): WsMessage | undefined {
    return this.#conn(id, "readMessage").inbox.shift();
  }

  /**
   * Resolves with the next received message, or undefined once the
   * connection has finished and its inbox is empty.
   */
  async nextMessage(id: string, signal?: AbortSignal): Promise<WsMessage | undefined> {
    for (;;) {
      const c = this.#conns.get(id);
      if (c === undefined) return undefined;
      const m = c.inbox.shift();
      if (m !== undefined || FINAL.has(c.info.state)) return m;
      await this.#waiters.wait(id, signal);
    }
  }

  /** Resolves when a connection leaves "connecting"/"reconnecting" (or is gone). */
  async whenSettled(id: string, signal?: AbortSignal): Promise<WsState | undefined> {
    for (;;) {
      const s = this.#conns.get(id)?.info.state;
      if (s !== "connecting" && s !== "reconnecting") return s;
      await this.#waiters.wait(id, signal);
    }
  }

  /** A connection's info, or undefined. */
  connection(id: string): WsConnectionInfo | undefined {
    const c = this.#conns.get(id);
    if (c === undefined) return undefined;
    const head = c.inbox.peek();
    return {
      ...c.info,
      inbox: c.inbox.length,
      dropped: c.inbox.dropped,
      outbox: c.outbox.length,
      next: head === undefined ? null : head.binary ? "binary" : "text",
    };
  }

  /** Every listed connection. */
  connections(): WsConnectionInfo[] {
    return [...this.#conns.keys()].map((id) => this.connection(id)!);
  }

  /** How many connections are not finished. */
  activeCount(): number {
    let n = 0;
    for (const c of this.#conns.values()) if (!FINAL.has(c.info.state)) n++;
    return n;
  }

  /** Subscribes to open/send/close events; returns the unsubscribe function. */
  onEvent(listener: (event: WsEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** What `/status` shows. */
  status(): {
    active: number;
    maxConnections: number;
    connections: Pick<WsConnectionInfo, "id" | "url" | "state">[];
  } {
    return {
      active: this.activeCount(),
      maxConnections: this.maxConnections,
      connections: [...this.#conns.values()].map(({ info }) => ({
        id: info.id,
        url: info.url,
        state: info.state,
      })),
    };
  }

  /** The record of a listed connection (for WsFs's files). */
  protected record(id: string): WsConnRecord | undefined {
    return this.#conns.get(id);
  }

  /** The listed connection ids. */
  protected ids(): string[] {
    return [...this.#conns.keys()];
  }

  /** Resolves at the next change to connection `id` (state, inbox). */
  whenChanged(id: string, signal?: AbortSignal): Promise<void> {
    return this.#waiters.wait(id, signal);
  }
}

function toMessage(data: Uint8Array | string, binary: boolean | undefined, fn: string): WsMessage {
  if (typeof data === "string") {
    return { data: new TextEncoder().encode(data), binary: binary ?? false };
  }
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${fn}: data must be a string or Uint8Array`);
  }
  return { data: data.slice(), binary: binary ?? true };
}
