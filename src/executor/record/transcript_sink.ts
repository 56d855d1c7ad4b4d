/**
 * Where a transcript goes: a {@linkcode TranscriptSink} takes its lines in
 * order and its large bodies by digest. {@linkcode MemoryTranscriptSink}
 * keeps them in memory (tests, or a process that forwards them);
 * `DirectoryTranscriptSink` (transcript_files.ts) writes `cap.jsonl` and
 * `cap-bodies/` to disk.
 *
 * @module
 */

import { BODIES_DIR } from "./transcript_format.ts";
import { Transcript, type TranscriptParseOptions } from "./transcript.ts";

/**
 * Takes a transcript as it is written. Calls are made one at a time: the
 * next waits until the promise of the previous one (if any) has settled.
 *
 * @example
 * ```ts
 * import type { TranscriptSink } from "./transcript_sink.ts";
 * const lines: string[] = [];
 * const sink: TranscriptSink = {
 *   writeLine: (line) => void lines.push(line),
 *   writeBody: () => {},
 * };
 * ```
 */
export interface TranscriptSink {
  /** Appends one line (without its newline). */
  writeLine(line: string): void | Promise<void>;
  /**
   * Stores a body under its SHA-256 (called once per digest). The pieces
   * are the caller's: a sink that keeps them after the call must copy them.
   */
  writeBody(sha256: string, pieces: readonly Uint8Array[]): void | Promise<void>;
  /** Called once at the end, after every line and body. */
  close?(): void | Promise<void>;
}

/**
 * A sink that keeps the transcript in memory.
 *
 * @example
 * ```ts
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const sink = new MemoryTranscriptSink();
 * const recorder = new TranscriptRecorder(sink);
 * recorder.write({ kind: "clock", of: "demo", ms: 0 });
 * await recorder.close();
 * console.log(sink.text().split("\n").length); // 4: header, clock, end, and the last newline
 * ```
 */
export class MemoryTranscriptSink implements TranscriptSink {
  readonly #lines: string[] = [];
  readonly #bodies = new Map<string, Uint8Array>();
  #closed = false;

  /** Appends a line. */
  writeLine(line: string): void {
    this.#lines.push(line);
  }

  /** Keeps a copy of a body. */
  writeBody(sha256: string, pieces: readonly Uint8Array[]): void {
    let size = 0;
    for (const p of pieces) size += p.length;
    const copy = new Uint8Array(size);
    let at = 0;
    for (const p of pieces) {
      copy.set(p, at);
      at += p.length;
    }
    this.#bodies.set(sha256, copy);
  }

  /** Marks the transcript finished. */
  close(): void {
    this.#closed = true;
  }

  /** True once the recorder has closed it. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The transcript as `cap.jsonl` text (every line ends with a newline). */
  text(): string {
    return this.#lines.length === 0 ? "" : this.#lines.join("\n") + "\n";
  }

  /** The lines written so far. */
  lines(): readonly string[] {
    return this.#lines;
  }

  /** The body files, as `cap-bodies/<sha256>` would hold them. */
  bodies(): ReadonlyMap<string, Uint8Array> {
    return this.#bodies;
  }

  /**
   * The transcript parsed, its bodies read from this sink.
   *
   * @throws {TranscriptError} when it cannot be read (not closed yet, say).
   */
  transcript(options: Omit<TranscriptParseOptions, "bodies"> = {}): Transcript {
    return Transcript.parse(this.text(), {
      ...options,
      bodies: (sha256) => {
        const body = this.#bodies.get(sha256);
        if (body === undefined) {
          return Promise.reject(new Error(`no body ${BODIES_DIR}/${sha256}`));
        }
        // A copy, so a replay cannot change what the sink holds.
        return Promise.resolve(body.slice());
      },
    });
  }
}
