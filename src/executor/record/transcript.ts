/**
 * Transcript: a recorded `cap.jsonl`, parsed and checked, with access to
 * its body files. A replay serves a run from one (see replay_session.ts).
 *
 * @module
 */

import { inlinePayloadBytes, payloadSha256 } from "./payload.ts";
import { sha256HexOf } from "./sha256.ts";
import {
  BODIES_DIR,
  type Payload,
  type TranscriptEntry,
  type TranscriptHeader,
} from "./transcript_format.ts";
import { parseTranscriptText } from "./transcript_parse.ts";

/**
 * Reads a body file by its SHA-256 (`cap-bodies/<sha256>`).
 *
 * @example
 * ```ts
 * import type { BodySource } from "./transcript.ts";
 * const none: BodySource = (sha) => Promise.reject(new Error(`no body ${sha}`));
 * ```
 */
export type BodySource = (sha256: string) => Promise<Uint8Array>;

/**
 * Options for {@linkcode Transcript.parse}.
 *
 * @example
 * ```ts
 * import type { TranscriptParseOptions } from "./transcript.ts";
 * const o: TranscriptParseOptions = { allowUnfinished: true };
 * ```
 */
export interface TranscriptParseOptions {
  /** Where body files are read from (needed only if the transcript names some). */
  bodies?: BodySource;
  /**
   * Accept a transcript without its end line (a recording that stopped
   * early), read up to its last whole line. Off by default: such a file
   * is an error.
   */
  allowUnfinished?: boolean;
}

/**
 * A transcript, checked line by line.
 *
 * @example
 * ```ts
 * import { Transcript } from "./transcript.ts";
 * const t = Transcript.parse(
 *   '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *     '{"seq":1,"kind":"clock","of":"nostr","ms":1748736000000}\n' +
 *     '{"seq":2,"kind":"end"}\n',
 * );
 * console.log(t.entries.length, t.finished); // 1 true
 * ```
 */
export class Transcript {
  /** The header. */
  readonly header: Readonly<TranscriptHeader>;
  /** The entries in order (entry i has `seq` i + 1). */
  readonly entries: readonly TranscriptEntry[];
  /** Whether the end line was there. */
  readonly finished: boolean;
  /** `created` in ms since the epoch: the time a replay gives what the transcript does not date. */
  readonly createdMs: number;
  readonly #lines: readonly number[];
  readonly #bodies: BodySource | undefined;

  private constructor(
    parsed: ReturnType<typeof parseTranscriptText>,
    bodies: BodySource | undefined,
  ) {
    this.header = Object.freeze(parsed.header);
    this.entries = Object.freeze(parsed.entries);
    this.finished = parsed.finished;
    this.createdMs = Date.parse(parsed.header.created);
    this.#lines = parsed.lines;
    this.#bodies = bodies;
  }

  /**
   * Parses `cap.jsonl` text.
   *
   * @throws {TranscriptError} naming the line and what is wrong: a header
   * that is not a transcript's, a version this build does not read, a
   * line cut off, not JSON, out of sequence or malformed, no end line.
   */
  static parse(text: string, options: TranscriptParseOptions = {}): Transcript {
    return new Transcript(parseTranscriptText(text, options.allowUnfinished), options.bodies);
  }

  /** The line entry `index` came from (1-based). */
  lineOf(index: number): number {
    return this.#lines[index];
  }

  /** Every body file the transcript names: its size, and the first line naming it. */
  bodyFiles(): Map<string, { size: number; line: number }> {
    const out = new Map<string, { size: number; line: number }>();
    const add = (p: Payload | undefined, i: number) => {
      const sha = p === undefined ? undefined : payloadSha256(p);
      if (sha !== undefined && !out.has(sha)) out.set(sha, { size: p!.size, line: this.#lines[i] });
    };
    this.entries.forEach((e, i) => {
      if (e.kind === "http") add(e.response?.body, i);
      else if ((e.kind === "ws" || e.kind === "nostr") && "frame" in e) add(e.frame, i);
    });
    return out;
  }

  /**
   * The bytes of a payload: decoded when inline, else read from its body
   * file and checked against its digest and size.
   *
   * @throws {Error} (rejects) naming the body file, when it is missing or corrupt.
   */
  async bytes(p: Payload): Promise<Uint8Array> {
    const inline = inlinePayloadBytes(p);
    if (inline !== undefined) return inline;
    const sha = payloadSha256(p)!;
    const name = `${BODIES_DIR}/${sha}`;
    if (this.#bodies === undefined) throw new Error(`${name}: the transcript has no body source`);
    let bytes: Uint8Array;
    try {
      bytes = await this.#bodies(sha);
    } catch (e) {
      throw new Error(`${name} cannot be read: ${(e as Error).message}`);
    }
    if (bytes.length !== p.size) {
      throw new Error(`${name} is corrupt: ${bytes.length} bytes, expected ${p.size}`);
    }
    const got = await sha256HexOf(bytes);
    if (got !== sha) throw new Error(`${name} is corrupt: its bytes hash to ${got}`);
    return bytes;
  }
}
