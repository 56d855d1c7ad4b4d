/**
 * The transcript format (`cap.jsonl`): JSON Lines, a header, one line per
 * exchange with the outside world in the order it happened, and an end
 * line. docs/capabilities.md ("Record and replay") describes every field.
 *
 * ```text
 * {"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T12:00:00.000Z"}
 * {"seq":1,"kind":"http","method":"GET","url":"https://api.example.com/a","headers":{},"body":{"size":0,"sha256":"e3b0..."},"response":{...}}
 * {"seq":2,"kind":"ws","conn":1,"event":"connect","url":"wss://feed.example.com/"}
 * {"seq":3,"kind":"ws","conn":1,"event":"open"}
 * {"seq":4,"kind":"ws","conn":1,"event":"receive","frame":{"binary":false,"size":5,"text":"hello"}}
 * {"seq":5,"kind":"end"}
 * ```
 *
 * @module
 */

import type { HttpErrorKind } from "../../capabilities/http/http_types.ts";

/**
 * The format name in a transcript's header.
 *
 * @example
 * ```ts
 * import { TRANSCRIPT_FORMAT } from "./transcript_format.ts";
 * console.log(TRANSCRIPT_FORMAT); // "oanix-cap-transcript"
 * ```
 */
export const TRANSCRIPT_FORMAT = "oanix-cap-transcript";

/**
 * The format version this build writes and reads.
 *
 * @example
 * ```ts
 * import { TRANSCRIPT_VERSION } from "./transcript_format.ts";
 * console.log(TRANSCRIPT_VERSION); // 1
 * ```
 */
export const TRANSCRIPT_VERSION = 1;

/**
 * Where bodies too large to inline are kept, beside the transcript file:
 * `cap-bodies/<sha256>` (content-addressed, so a body is stored once).
 *
 * @example
 * ```ts
 * import { BODIES_DIR } from "./transcript_format.ts";
 * console.log(BODIES_DIR); // "cap-bodies"
 * ```
 */
export const BODIES_DIR = "cap-bodies";

/**
 * Bodies and frames up to this size are written in the line itself
 * (text when they are UTF-8, base64 otherwise); larger ones go to
 * {@linkcode BODIES_DIR}.
 *
 * @example
 * ```ts
 * import { DEFAULT_INLINE_BYTES } from "./transcript_format.ts";
 * console.log(DEFAULT_INLINE_BYTES); // 65536
 * ```
 */
export const DEFAULT_INLINE_BYTES = 64 * 1024;

/**
 * The first line of a transcript.
 *
 * @example
 * ```ts
 * import type { TranscriptHeader } from "./transcript_format.ts";
 * const h: TranscriptHeader = {
 *   format: "oanix-cap-transcript", version: 1, created: "2025-06-01T12:00:00.000Z",
 * };
 * ```
 */
export interface TranscriptHeader {
  /** Always {@linkcode TRANSCRIPT_FORMAT}. */
  format: string;
  /** The format version, {@linkcode TRANSCRIPT_VERSION}. */
  version: number;
  /** When the recording started (ISO 8601); a replay's transcript keeps its source's. */
  created: string;
}

/**
 * Bytes as a transcript holds them: inline as UTF-8 `text`, inline as
 * `base64`, or only their `sha256`, the bytes being in
 * `cap-bodies/<sha256>`. `size` is always there.
 *
 * @example
 * ```ts
 * import type { Payload } from "./transcript_format.ts";
 * const small: Payload = { size: 2, text: "hi" };
 * const large: Payload = { size: 1048576, sha256: "ab".repeat(32) };
 * ```
 */
export type Payload =
  | { size: number; text: string }
  | { size: number; base64: string }
  | { size: number; sha256: string };

/**
 * A WebSocket frame: its kind and its bytes.
 *
 * @example
 * ```ts
 * import type { Frame } from "./transcript_format.ts";
 * const f: Frame = { binary: false, size: 5, text: "hello" };
 * ```
 */
export type Frame = { binary: boolean } & Payload;

/**
 * What the server answered, as the agent saw it (credentials redacted).
 *
 * @example
 * ```ts
 * import type { RecordedResponse } from "./transcript_format.ts";
 * const r: RecordedResponse = {
 *   status: 200, statusText: "OK", headers: {}, body: { size: 2, text: "ok" },
 *   url: "https://example.com/", redirects: 0, attempts: 1, durationMs: 12, completedAt: 0,
 * };
 * ```
 */
export interface RecordedResponse {
  /** The HTTP status. */
  status: number;
  /** The status text. */
  statusText: string;
  /** The response headers (lower-case names). */
  headers: Record<string, string>;
  /** The body. */
  body: Payload;
  /** The final URL, after redirects. */
  url: string;
  /** Redirects followed. */
  redirects: number;
  /** Attempts made. */
  attempts: number;
  /** Time from the first attempt to the answer, in milliseconds (data, never a sleep). */
  durationMs: number;
  /** When it completed (ms since the epoch). */
  completedAt: number;
}

/**
 * A request that got no HTTP response (a timeout, a network error, a
 * refusal by the address guard or a secret rule, a body too large...).
 *
 * @example
 * ```ts
 * import type { RecordedFailure } from "./transcript_format.ts";
 * const f: RecordedFailure = {
 *   error: "timed out after 100 ms", errorKind: "timeout", attempts: 1, durationMs: 100,
 *   completedAt: 0,
 * };
 * ```
 */
export interface RecordedFailure {
  /** The message the agent read. */
  error: string;
  /** The kind of failure. */
  errorKind: HttpErrorKind;
  /** For "forbidden": the rule that refused. */
  rule?: string;
  /** Attempts made. */
  attempts: number;
  /** Time until the failure, in milliseconds. */
  durationMs: number;
  /** When it failed (ms since the epoch). */
  completedAt: number;
}

/**
 * One HTTP request and its outcome. The request is as the agent wrote it:
 * secret placeholders stay placeholders, and headers the host adds on
 * the wire are not there. It is replayed for the same method, URL and
 * body digest, the n-th time for the n-th such request.
 *
 * @example
 * ```ts
 * import type { HttpExchange } from "./transcript_format.ts";
 * import { EMPTY_SHA256 } from "./sha256.ts";
 * const x: HttpExchange = {
 *   kind: "http", method: "GET", url: "https://example.com/", headers: {},
 *   body: { size: 0, sha256: EMPTY_SHA256 },
 *   failure: { error: "boom", errorKind: "network", attempts: 1, durationMs: 3, completedAt: 0 },
 * };
 * ```
 */
export interface HttpExchange {
  /** "http". */
  kind: "http";
  /** The method. */
  method: string;
  /** The URL as written. */
  url: string;
  /** The request headers as written. */
  headers: Record<string, string>;
  /** The request body's size and SHA-256 (of no bytes, without a body). */
  body: { size: number; sha256: string };
  /** The response, or... */
  response?: RecordedResponse;
  /** ...the failure. */
  failure?: RecordedFailure;
}

/**
 * Which connector a socket event belongs to.
 *
 * @example
 * ```ts
 * import type { SocketKind } from "./transcript_format.ts";
 * const k: SocketKind = "nostr";
 * ```
 */
export type SocketKind = "ws" | "nostr";

/**
 * One event of one socket (`conn` numbers the sockets of a transcript
 * from 1). `connect`, `send` and `closeRequest` are ours; `open`,
 * `receive` and `close` are the world's answers, which replay delivers
 * in their recorded order.
 *
 * @example
 * ```ts
 * import type { SocketEvent } from "./transcript_format.ts";
 * const e: SocketEvent = {
 *   kind: "ws", conn: 1, event: "receive", frame: { binary: false, size: 2, text: "hi" },
 * };
 * ```
 */
export type SocketEvent =
  & { kind: SocketKind; conn: number }
  & (
    | { event: "connect"; url: string }
    | { event: "open" }
    | { event: "send" | "receive"; frame: Frame }
    | { event: "closeRequest"; code: number; reason: string }
    | {
      event: "close";
      code: number;
      reason: string;
      opened: boolean;
      timedOut: boolean;
      error?: string;
    }
  );

/**
 * A DNS answer the address guard of a socket connector used.
 *
 * @example
 * ```ts
 * import type { DnsAnswer } from "./transcript_format.ts";
 * const d: DnsAnswer = { kind: "dns", host: "relay.example.com", addresses: ["93.184.216.34"] };
 * ```
 */
export type DnsAnswer =
  | { kind: "dns"; host: string; addresses: string[] }
  | { kind: "dns"; host: string; error: string };

/**
 * A reading of a named clock (NostrFs's, for events without `created_at`).
 *
 * @example
 * ```ts
 * import type { ClockReading } from "./transcript_format.ts";
 * const c: ClockReading = { kind: "clock", of: "nostr", ms: 1700000000000 };
 * ```
 */
export interface ClockReading {
  /** "clock". */
  kind: "clock";
  /** The clock's name. */
  of: string;
  /** The reading, in ms since the epoch. */
  ms: number;
}

/**
 * The public key of a NostrFs the run signed with (replay needs the same key).
 *
 * @example
 * ```ts
 * import type { NostrIdentity } from "./transcript_format.ts";
 * const i: NostrIdentity = { kind: "identity", pubkey: "ab".repeat(32) };
 * ```
 */
export interface NostrIdentity {
  /** "identity". */
  kind: "identity";
  /** The public key, hex. */
  pubkey: string;
}

/**
 * An entry of a transcript (a line, without its `seq`).
 *
 * @example
 * ```ts
 * import type { TranscriptEntry } from "./transcript_format.ts";
 * function isHttp(e: TranscriptEntry) {
 *   return e.kind === "http";
 * }
 * ```
 */
export type TranscriptEntry =
  | HttpExchange
  | SocketEvent
  | DnsAnswer
  | ClockReading
  | NostrIdentity;

/**
 * A transcript that cannot be read: `line` (1-based) says where, the
 * message what is wrong.
 *
 * @example
 * ```ts
 * import { TranscriptError } from "./transcript_format.ts";
 * const e = new TranscriptError(3, 'field "status" must be an integer');
 * console.log(e.message); // 'cap.jsonl line 3: field "status" must be an integer'
 * ```
 */
export class TranscriptError extends Error {
  /** The line, 1-based (0: the transcript as a whole). */
  readonly line: number;

  /**
   * Makes the error.
   *
   * @param line where (1-based; 0 for the whole transcript)
   * @param reason what is wrong
   */
  constructor(line: number, reason: string) {
    super(line > 0 ? `cap.jsonl line ${line}: ${reason}` : `cap.jsonl: ${reason}`);
    this.name = "TranscriptError";
    this.line = line;
  }
}
