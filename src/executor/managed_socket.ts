/**
 * A WebSocket with a connect timeout and a `closed` promise, so that the
 * connectors can always await the end of every socket they opened.
 *
 * @module
 */

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
export class ManagedSocket {
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
