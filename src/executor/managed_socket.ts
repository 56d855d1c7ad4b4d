/**
 * A WebSocket with a connect timeout and a `closed` promise, so that the
 * connectors can always await the end of every socket they opened.
 *
 * @module
 */

import type { Resolver } from "./dns_guard.ts";

/**
 * What a {@linkcode ManagedSocket} reports.
 *
 * @example
 * ```ts
 * import type { SocketHandlers } from "./managed_socket.ts";
 * const h: SocketHandlers = {
 *   onOpen: () => {},
 *   onMessage: (data) => console.log(data),
 *   onClose: (info) => console.log(info.code, info.opened),
 * };
 * ```
 */
export interface SocketHandlers {
  /** The handshake completed. */
  onOpen(): void;
  /** A message arrived: a string for a text frame, bytes for a binary frame. */
  onMessage(data: string | Uint8Array): void;
  /** The socket is closed (called exactly once). */
  onClose(info: {
    code: number;
    reason: string;
    /** Whether the handshake had completed. */
    opened: boolean;
    /** Whether the connect timeout closed it. */
    timedOut: boolean;
    /** The error reported before the close, if any. */
    error?: string;
  }): void;
}

/**
 * What the connectors need of a socket: {@linkcode ManagedSocket} is the
 * real one; a transcript records one or stands in for one (see
 * `record/`).
 *
 * @example
 * ```ts
 * import type { TransportSocket } from "./managed_socket.ts";
 * function hello(s: TransportSocket) {
 *   if (s.isOpen) s.send("hello");
 * }
 * ```
 */
export interface TransportSocket {
  /** Resolves once the socket is closed and `onClose` has run. */
  readonly closed: Promise<void>;
  /** True while the socket is open. */
  readonly isOpen: boolean;
  /** Sends a text (string) or binary (bytes) message; false when not open. */
  send(data: string | Uint8Array): boolean;
  /** Starts closing (also while connecting); await `closed` for the end. */
  close(code?: number, reason?: string): void;
}

/**
 * Opens a socket: the connectors call it for every connection attempt.
 *
 * @example
 * ```ts
 * import { ManagedSocket, type SocketFactory } from "./managed_socket.ts";
 * const live: SocketFactory = (url, timeoutMs, handlers) =>
 *   new ManagedSocket(url, timeoutMs, handlers);
 * ```
 */
export type SocketFactory = (
  url: string,
  connectTimeoutMs: number,
  handlers: SocketHandlers,
) => TransportSocket;

/**
 * Options of the socket connectors (WsConnector, NostrRelayConnector).
 *
 * @example
 * ```ts
 * import { type ConnectorOptions, liveSockets } from "./managed_socket.ts";
 * const opts: ConnectorOptions = {
 *   resolve: () => Promise.resolve(["93.184.216.34"]),
 *   sockets: liveSockets,
 * };
 * ```
 */
export interface ConnectorOptions {
  /** How host names are resolved for the address guard (default `Deno.resolveDns`). */
  resolve?: Resolver;
  /** How sockets are opened (default: real WebSockets, {@linkcode liveSockets}). */
  sockets?: SocketFactory;
}

/**
 * The factory of real sockets.
 *
 * @example
 * ```ts
 * import { liveSockets } from "./managed_socket.ts";
 * // const s = liveSockets("wss://relay.example.com", 5000, handlers);
 * ```
 */
export function liveSockets(
  url: string,
  connectTimeoutMs: number,
  handlers: SocketHandlers,
): TransportSocket {
  return new ManagedSocket(url, connectTimeoutMs, handlers);
}

/**
 * A WebSocket that reports through {@linkcode SocketHandlers}.
 *
 * @example
 * ```ts
 * import { ManagedSocket } from "./managed_socket.ts";
 * const s = new ManagedSocket("wss://relay.example.com", 5000, {
 *   onOpen: () => s.send("hello"),
 *   onMessage: () => s.close(),
 *   onClose: () => {},
 * });
 * await s.closed;
 * ```
 */
export class ManagedSocket implements TransportSocket {
  /** Resolves once the socket is closed and `onClose` has run. */
  readonly closed: Promise<void>;
  #ws: WebSocket;
  #opened = false;
  #timedOut = false;
  #error: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Opens the socket at once.
   *
   * @param url the ws: or wss: URL
   * @param connectTimeoutMs how long the handshake may take
   * @param handlers where events go
   */
  constructor(url: string, connectTimeoutMs: number, handlers: SocketHandlers) {
    let done!: () => void;
    this.closed = new Promise<void>((r) => (done = r));
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this.#ws = undefined as unknown as WebSocket;
      queueMicrotask(() => {
        handlers.onClose({
          code: 1006,
          reason: "",
          opened: false,
          timedOut: false,
          error: String(e),
        });
        done();
      });
      return;
    }
    this.#ws = ws;
    ws.binaryType = "arraybuffer";
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      ws.close();
    }, connectTimeoutMs);
    ws.onopen = () => {
      clearTimeout(this.#timer);
      this.#opened = true;
      handlers.onOpen();
    };
    ws.onmessage = (e: MessageEvent) => {
      const d = e.data;
      handlers.onMessage(typeof d === "string" ? d : new Uint8Array(d as ArrayBuffer));
    };
    ws.onerror = (e: Event) => {
      this.#error = (e as ErrorEvent).message || "WebSocket error";
    };
    ws.onclose = (e: CloseEvent) => {
      clearTimeout(this.#timer);
      try {
        handlers.onClose({
          code: e.code,
          reason: e.reason,
          opened: this.#opened,
          timedOut: this.#timedOut,
          error: this.#error,
        });
      } finally {
        done();
      }
    };
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a text (string) or binary (bytes) message; false when not open. */
  send(data: string | Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(data as string | ArrayBufferView<ArrayBuffer>);
    return true;
  }

  /** Starts closing (also while connecting); await `closed` for the end. */
  close(code = 1000, reason = ""): void {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState >= WebSocket.CLOSING) return;
    try {
      if (ws.readyState === WebSocket.CONNECTING) ws.close();
      else ws.close(code, reason);
    } catch {
      ws.close();
    }
  }
}
