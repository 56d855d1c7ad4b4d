/**
 * Turns the bytes an agent writes to `events.jsonl` into events, one per
 * line. A line that is not a valid event becomes an `error` event carrying
 * the raw text, so nothing is dropped silently.
 *
 * @module
 */

import { LogEvent } from "./log_event.ts";

/** The longest raw text an error event carries. */
export const MAX_RAW_CHARS = 4096;

const NEWLINE = 10;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder();

/**
 * The error event recorded for a line that is not a valid event.
 *
 * @param raw the line as written (cut to {@linkcode MAX_RAW_CHARS})
 * @param reason why it was refused
 */
export function malformedLineEvent(raw: string, reason: string): LogEvent {
  const cut = raw.length > MAX_RAW_CHARS;
  return LogEvent.withData("error", `malformed line in events.jsonl: ${reason}`, {
    raw: cut ? raw.slice(0, MAX_RAW_CHARS) : raw,
    ...(cut ? { raw_truncated: true, raw_length: raw.length } : {}),
  });
}

/**
 * Splits written bytes into lines and each line into an event. Blank lines
 * are skipped; a trailing `\r` is ignored. A line longer than
 * `maxLineBytes` is recorded as malformed as soon as it passes the limit,
 * and the rest of it is skipped.
 */
export class EventLineReader {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #skipping = false;
  #maxLineBytes: number;
  #emit: (event: LogEvent) => void;

  constructor(maxLineBytes: number, emit: (event: LogEvent) => void) {
    this.#maxLineBytes = maxLineBytes;
    this.#emit = emit;
  }

  /** Takes more bytes; complete lines become events at once. */
  write(bytes: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(NEWLINE, start);
      const piece = bytes.subarray(start, nl === -1 ? bytes.length : nl);
      this.#hold(piece);
      if (nl === -1) return;
      this.#endLine();
      start = nl + 1;
    }
  }

  /** Ends the input: a last line without a newline still counts. */
  end(): void {
    this.#endLine();
  }

  #hold(piece: Uint8Array): void {
    if (this.#skipping || piece.length === 0) return;
    this.#pending.push(piece.slice());
    this.#pendingBytes += piece.length;
    if (this.#pendingBytes > this.#maxLineBytes) {
      const raw = lossyUtf8.decode(this.#take());
      this.#emit(malformedLineEvent(raw, `line longer than ${this.#maxLineBytes} bytes`));
      this.#skipping = true;
    }
  }

  #take(): Uint8Array {
    const out = new Uint8Array(this.#pendingBytes);
    let at = 0;
    for (const p of this.#pending) {
      out.set(p, at);
      at += p.length;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    return out;
  }

  #endLine(): void {
    if (this.#skipping) {
      this.#skipping = false;
      return;
    }
    const bytes = this.#take();
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      this.#emit(malformedLineEvent(lossyUtf8.decode(bytes), "not valid UTF-8"));
      return;
    }
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return;
    let event: LogEvent;
    try {
      event = LogEvent.parse(text);
    } catch (e) {
      const reason = e instanceof SyntaxError ? `not JSON (${e.message})` : (e as Error).message;
      this.#emit(malformedLineEvent(text, reason));
      return;
    }
    this.#emit(event);
  }
}
