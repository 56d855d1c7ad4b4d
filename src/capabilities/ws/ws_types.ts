/**
 * The data types of WsFs: messages, connection states and what the
 * connection files show.
 *
 * @module
 */

import type { AllowList } from "../allow_list.ts";
import type { BoundedQueue, QueueBounds } from "../bounded_queue.ts";
import type { OnLog } from "../log_hook.ts";

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
  /** Messages dropped unread because the inbox was full (oldest first). */
  dropped: number;
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

/**
 * Options for {@linkcode WsFs}. Each connection's inbox is bounded: when a
 * message would pass `maxInboxMessages` or `maxInboxBytes`, the oldest
 * messages are dropped; the connection's `dropped` counts them, and
 * `onLog` hears of it (at the 1st, 2nd, 4th, 8th... drop).
 *
 * @example
 * ```ts
 * import { AllowList, WsFs } from "@oanix/oanix";
 * const ws = new WsFs({
 *   allowList: AllowList.of(["relay.example.com"]),
 *   maxConnections: 8,
 *   maxInboxMessages: 256,
 * });
 * ```
 */
export interface WsFsOptions {
  /** Which URLs may be opened (ws: and wss:); by default any public host. */
  allowList?: AllowList;
  /** The most connections not yet closed (default 64). */
  maxConnections?: number;
  /** How many finished connections stay listed (default 16). */
  retainClosed?: number;
  /** The most messages waiting to be read, per connection (default 1024). */
  maxInboxMessages?: number;
  /** The most bytes waiting to be read, per connection (default 16 MiB). */
  maxInboxBytes?: number;
  /** Hears of dropped messages. */
  onLog?: OnLog;
}

/**
 * The default inbox bounds of a WsFs connection.
 *
 * @example
 * ```ts
 * import { DEFAULT_WS_INBOX } from "@oanix/oanix";
 * console.log(DEFAULT_WS_INBOX.maxItems); // 1024
 * ```
 */
export const DEFAULT_WS_INBOX: Readonly<QueueBounds> = Object.freeze({
  maxItems: 1024,
  maxBytes: 16 * 1024 * 1024,
});

/**
 * One connection's record (for WsFs's file layer).
 *
 * @example
 * ```ts
 * import type { WsConnRecord } from "@oanix/oanix";
 * type Q = WsConnRecord["inbox"]; // BoundedQueue<WsMessage>
 * ```
 */
export interface WsConnRecord {
  /** The connection's info, without the counts derived from the queues. */
  info: Omit<WsConnectionInfo, "inbox" | "outbox" | "next" | "dropped">;
  /** Received, not yet read (bounded; the oldest are dropped). */
  inbox: BoundedQueue<WsMessage>;
  /** Queued, not yet sent. */
  outbox: WsMessage[];
}
