/**
 * The data types of WsFs: messages, connection states and what the
 * connection files show.
 *
 * @module
 */

/**
 * The life of a connection. `closed` and `failed` are final; a connection
 * in a final state no longer counts toward any limit.
 *
 * @example
 * ```ts
 * import type { WsState } from "@oanix/oanix";
 * const s: WsState = "open";
 * ```
 */
export type WsState = "connecting" | "open" | "reconnecting" | "closing" | "closed" | "failed";

/**
 * One WebSocket message: its bytes, and whether it is a binary frame (a
 * text frame's bytes are its UTF-8 encoding).
 *
 * @example
 * ```ts
 * import type { WsMessage } from "@oanix/oanix";
 * const m: WsMessage = { data: new TextEncoder().encode("hi"), binary: false };
 * ```
 */
export interface WsMessage {
  /** The payload. */
  data: Uint8Array;
  /** True for a binary frame, false for text. */
  binary: boolean;
}

/**
 * A connection as `/conns/{id}/status` shows it.
 *
 * @example
 * ```ts
 * import { WsFs } from "@oanix/oanix";
 * const ws = new WsFs();
 * const id = ws.openConnection("wss://relay.example.com");
 * console.log(ws.connection(id)?.state); // "connecting"
 * ```
 */
export interface WsConnectionInfo {
  /** The connection id. */
  id: string;
  /** The URL. */
  url: string;
  /** The state. */
  state: WsState;
  /** Whether the executor reconnects after an unexpected close. */
  reconnect: boolean;
  /** Messages received and not yet read. */
  inbox: number;
  /** Messages queued and not yet sent. */
  outbox: number;
  /** The kind of the next message to read: "text", "binary", or null when none. */
  next: "text" | "binary" | null;
  /** Messages sent so far. */
  sent: number;
  /** Messages received so far. */
  received: number;
  /** How many times it reconnected. */
  reconnects: number;
  /** Why it failed or closed, when known. */
  error?: string;
  /** The close code, once closed. */
  closeCode?: number;
  /** The close reason, once closed. */
  closeReason?: string;
}

/**
 * What WsFs tells its executor: a connection to open, messages to send, a
 * connection to close.
 *
 * @example
 * ```ts
 * import { WsFs } from "@oanix/oanix";
 * const ws = new WsFs();
 * ws.onEvent((e) => console.log(e.type, e.id));
 * ws.openConnection("wss://relay.example.com"); // logs "open conn-0"
 * ```
 */
export interface WsEvent {
  /** What to do. */
  type: "open" | "send" | "close";
  /** The connection. */
  id: string;
}
