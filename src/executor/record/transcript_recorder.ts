/**
 * TranscriptRecorder: writes a transcript (`cap.jsonl`) as a run talks to
 * the outside world, through a {@linkcode TranscriptSink}.
 *
 * Entries are written in the order their places were taken: an HTTP
 * exchange takes its place when the executor takes the request, and its
 * line waits there until the outcome is known; a socket event, a DNS
 * answer or a clock reading takes its place and is written at once. `seq`
 * numbers the lines written, from 1, with no gap.
 *
 * A write that fails stops the recording (nothing after it is written, so
 * the file has no end line and reads as unfinished), is reported through
 * `onLog`, and makes {@linkcode TranscriptRecorder.close} reject; the run
 * itself goes on.
 *
 * @module
 */

import type { OnLog } from "../../capabilities/log_hook.ts";
import { type EncodedPayload, encodeFrame, encodePayload } from "./payload.ts";
import {
  DEFAULT_INLINE_BYTES,
  type Frame,
  type Payload,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_VERSION,
  type TranscriptEntry,
  type TranscriptHeader,
} from "./transcript_format.ts";
import type { TranscriptSink } from "./transcript_sink.ts";

/**
 * Options for {@linkcode TranscriptRecorder}.
 *
 * @example
 * ```ts
 * import type { TranscriptRecorderOptions } from "./transcript_recorder.ts";
 * const o: TranscriptRecorderOptions = { inlineBytes: 16 * 1024, onLog: console.log };
 * ```
 */
export interface TranscriptRecorderOptions {
  /** The header's `created` (default: now). A replay's recorder takes its source's. */
  created?: Date | string;
  /** Bodies and frames up to this size are inline; larger ones go to body files (default 64 KiB). */
  inlineBytes?: number;
  /** Hears of a write that failed. */
  onLog?: OnLog;
}

/**
 * A place in the transcript's order, taken before the entry is known.
 *
 * @example
 * ```ts
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const recorder = new TranscriptRecorder(new MemoryTranscriptSink());
 * const slot = recorder.reserve();
 * recorder.write({ kind: "clock", of: "demo", ms: 2 }); // waits behind the slot
 * slot.fill({ kind: "clock", of: "demo", ms: 1 }); // both are written now, in order
 * ```
 */
export interface TranscriptSlot {
  /** Writes `entry` here; `redact` is applied to its line (to keep credentials out). */
  fill(entry: TranscriptEntry, redact?: (line: string) => string): void;
  /** Gives the place up: nothing is written for it. */
  cancel(): void;
}

interface Place {
  settled: boolean;
  entry?: TranscriptEntry;
  redact?: (line: string) => string;
}

/**
 * Records the exchanges of a run into a transcript.
 *
 * @example
 * ```ts
 * import { ExecutorManager, HttpFs } from "@oanix/oanix";
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const sink = new MemoryTranscriptSink();
 * const recorder = new TranscriptRecorder(sink);
 * const manager = new ExecutorManager(undefined, { record: recorder });
 * manager.attachHttp(new HttpFs()).start();
 * // ... the agent runs ...
 * await manager.shutdown();
 * await recorder.close(); // sink.text() is the cap.jsonl
 * ```
 */
export class TranscriptRecorder {
  /** The header's `created`. */
  readonly created: string;
  /** The largest inline body or frame, in bytes. */
  readonly inlineBytes: number;
  readonly #sink: TranscriptSink;
  readonly #onLog: OnLog | undefined;
  readonly #places: Place[] = [];
  readonly #stored = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #seq = 0;
  #connections = 0;
  #error: Error | undefined;
  #ended = false;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  /**
   * Starts a transcript: the header is written at once.
   *
   * @param sink where it goes
   * @param options created time, inline size, log hook
   */
  constructor(sink: TranscriptSink, options: TranscriptRecorderOptions = {}) {
    if (sink === null || typeof sink !== "object" || typeof sink.writeLine !== "function") {
      throw new TypeError("TranscriptRecorder: sink must be a TranscriptSink");
    }
    const created = options.created ?? new Date();
    const date = created instanceof Date ? created : new Date(created);
    if (Number.isNaN(date.getTime())) {
      throw new TypeError(`TranscriptRecorder: created is not a date: ${String(created)}`);
    }
    const inline = options.inlineBytes ?? DEFAULT_INLINE_BYTES;
    if (!Number.isSafeInteger(inline) || inline < 0) {
      throw new TypeError(`TranscriptRecorder: inlineBytes must be an integer >= 0, got ${inline}`);
    }
    this.#sink = sink;
    this.#onLog = options.onLog;
    this.created = date.toISOString();
    this.inlineBytes = inline;
    const header: TranscriptHeader = {
      format: TRANSCRIPT_FORMAT,
      version: TRANSCRIPT_VERSION,
      created: this.created,
    };
    this.#enqueue(() => sink.writeLine(JSON.stringify(header)));
  }

  /** Entries written so far (the `seq` of the last one). */
  get written(): number {
    return this.#seq;
  }

  /** The first write error, once one has stopped the recording. */
  get failed(): Error | undefined {
    return this.#error;
  }

  /** Takes the next place in the order; fill or cancel it. */
  reserve(): TranscriptSlot {
    if (this.#ended) {
      this.#log("error", "transcript: an exchange after the end was not recorded");
      return { fill: () => {}, cancel: () => {} };
    }
    const place: Place = { settled: false };
    this.#places.push(place);
    const settle = (entry?: TranscriptEntry, redact?: (line: string) => string) => {
      if (place.settled) return;
      place.settled = true;
      place.entry = entry;
      place.redact = redact;
      this.#flush();
    };
    return { fill: settle, cancel: () => settle() };
  }

  /** Writes an entry in the next place. */
  write(entry: TranscriptEntry): void {
    this.reserve().fill(entry);
  }

  /**
   * A payload for `pieces` (`size` bytes): inline, or a digest whose body
   * file is written now (once per digest). `text: false` keeps bytes that
   * happen to be UTF-8 in base64.
   */
  payload(pieces: readonly Uint8Array[], size: number, text = true): Payload {
    return this.#keep(encodePayload(pieces, size, this.inlineBytes, text)).payload as Payload;
  }

  /** A frame as the connectors pass it: a string is text, bytes are binary. */
  frame(data: string | Uint8Array): Frame {
    return this.#keep(encodeFrame(data, this.inlineBytes)).payload as Frame;
  }

  #keep<T extends EncodedPayload | { payload: Frame; store?: readonly Uint8Array[] }>(e: T): T {
    const sha = "sha256" in e.payload ? e.payload.sha256 : undefined;
    if (sha !== undefined && e.store !== undefined && !this.#stored.has(sha)) {
      this.#stored.add(sha);
      const pieces = e.store;
      this.#enqueue(() => this.#sink.writeBody(sha, pieces));
    }
    return e;
  }

  /** The number of the next socket (`conn`), from 1. */
  nextConnection(): number {
    return ++this.#connections;
  }

  /**
   * A clock named `name`: each reading of `now` is recorded, so a replay
   * gives the same readings back.
   */
  clock(name: string, now: () => number = Date.now): () => number {
    return () => {
      const ms = now();
      this.write({ kind: "clock", of: name, ms });
      return ms;
    };
  }

  #flush(): void {
    while (this.#places.length > 0 && this.#places[0].settled) {
      const { entry, redact } = this.#places.shift()!;
      if (entry === undefined) continue;
      const seq = ++this.#seq;
      const line = JSON.stringify({ seq, ...entry });
      this.#enqueue(() => this.#sink.writeLine(redact === undefined ? line : redact(line)));
    }
    if (this.#places.length === 0) this.#drained?.();
  }

  #enqueue(write: () => void | Promise<void>): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#error !== undefined) return;
      try {
        await write();
      } catch (e) {
        this.#error = e instanceof Error ? e : new Error(String(e));
        this.#log("error", "transcript: a write failed; the recording stopped", {
          error: this.#error.message,
        });
      }
    });
  }

  #log(level: "warn" | "error", message: string, data?: Record<string, unknown>): void {
    try {
      this.#onLog?.(level, message, data);
    } catch { /* a faulty hook must not stop the run */ }
  }

  /**
   * Waits for the places still open (an HTTP exchange finishing), writes
   * the end line and closes the sink. Call it after the manager's
   * `shutdown()`, which settles every exchange in flight. Calling it again
   * returns the same promise.
   *
   * @throws {Error} (rejects) with the first write error: the transcript
   * is then incomplete, and has no end line.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#places.length > 0) await new Promise<void>((r) => (this.#drained = r));
      this.#ended = true;
      const end = JSON.stringify({ seq: this.#seq + 1, kind: "end" });
      this.#enqueue(() => this.#sink.writeLine(end));
      this.#enqueue(() => this.#sink.close?.());
      await this.#chain;
      if (this.#error !== undefined) {
        throw new Error(`transcript: could not write: ${this.#error.message}`, {
          cause: this.#error,
        });
      }
    })();
    return this.#closing;
  }
}
