/**
 * Replacing secrets in bytes that arrive in chunks: a secret split across
 * two chunks is still found, because the end of each chunk that could be
 * the start of a secret is held back until the next one.
 *
 * @module
 */

/**
 * One replacement: every occurrence of `needle` becomes `replacement`.
 *
 * @example
 * ```ts
 * import type { Redaction } from "./stream_redactor.ts";
 * const enc = new TextEncoder();
 * const r: Redaction = { needle: enc.encode("s3cret"), replacement: enc.encode("[REDACTED]") };
 * ```
 */
export interface Redaction {
  /** The bytes to find (not empty). */
  needle: Uint8Array;
  /** What they become. */
  replacement: Uint8Array;
}

/**
 * The next occurrence of any needle at or after `from`: the earliest, and
 * of those starting at the same place, the longest.
 */
function nextMatch(
  hay: Uint8Array,
  redactions: readonly Redaction[],
  from: number,
): { at: number; r: Redaction } | undefined {
  let best: { at: number; r: Redaction } | undefined;
  for (const r of redactions) {
    const at = indexOfBytes(hay, r.needle, from);
    if (at === -1) continue;
    if (
      best === undefined || at < best.at ||
      (at === best.at && r.needle.length > best.r.needle.length)
    ) {
      best = { at, r };
    }
  }
  return best;
}

/**
 * The first index of `needle` in `hay` at or after `from`, or -1.
 *
 * @example
 * ```ts
 * import { indexOfBytes } from "./stream_redactor.ts";
 * console.log(indexOfBytes(new Uint8Array([1, 2, 3, 2, 3]), new Uint8Array([2, 3]), 2)); // 3
 * ```
 */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Replaces every needle in `bytes` (returns `bytes` itself when none occurs).
 *
 * @example
 * ```ts
 * import { redactAll } from "./stream_redactor.ts";
 * const enc = new TextEncoder();
 * const out = redactAll(enc.encode("key=s3cret"), [
 *   { needle: enc.encode("s3cret"), replacement: enc.encode("***") },
 * ]);
 * console.log(new TextDecoder().decode(out)); // "key=***"
 * ```
 */
export function redactAll(bytes: Uint8Array, redactions: readonly Redaction[]): Uint8Array {
  if (redactions.length === 0) return bytes;
  const r = new StreamRedactor(redactions);
  const head = r.push(bytes);
  const tail = r.end();
  return r.replaced === 0 ? bytes : concat([head, tail]);
}

/**
 * A redactor for one stream of chunks: `push` each chunk and write out
 * what it returns, then write out what `end` returns.
 *
 * @example
 * ```ts
 * import { StreamRedactor } from "./stream_redactor.ts";
 * const enc = new TextEncoder();
 * const r = new StreamRedactor([{ needle: enc.encode("s3cret"), replacement: enc.encode("***") }]);
 * const out = [r.push(enc.encode("a s3")), r.push(enc.encode("cret b")), r.end()];
 * console.log(out.map((b) => new TextDecoder().decode(b)).join("")); // "a *** b"
 * ```
 */
export class StreamRedactor {
  readonly #redactions: readonly Redaction[];
  readonly #hold: number;
  #held: Uint8Array = new Uint8Array();
  #replaced = 0;

  /**
   * Makes a redactor.
   *
   * @param redactions what to replace (needles must not be empty)
   */
  constructor(redactions: readonly Redaction[]) {
    if (redactions.some((r) => r.needle.length === 0)) {
      throw new TypeError("StreamRedactor: a needle must not be empty");
    }
    this.#redactions = redactions;
    this.#hold = Math.max(0, ...redactions.map((r) => r.needle.length - 1));
  }

  /** How many replacements were made so far. */
  get replaced(): number {
    return this.#replaced;
  }

  /** Replaces the needles that start before `limit`; returns the parts and where they end. */
  #replace(buf: Uint8Array, limit: number): { parts: Uint8Array[]; from: number } {
    const parts: Uint8Array[] = [];
    let from = 0;
    for (
      let m = nextMatch(buf, this.#redactions, 0);
      m !== undefined && m.at < limit;
      m = nextMatch(buf, this.#redactions, from)
    ) {
      parts.push(buf.subarray(from, m.at), m.r.replacement);
      this.#replaced++;
      from = m.at + m.r.needle.length;
    }
    return { parts, from };
  }

  /** Takes the next chunk; returns the bytes that are safe to write out now. */
  push(chunk: Uint8Array): Uint8Array {
    const buf = this.#held.length === 0 ? chunk : concat([this.#held, chunk]);
    // A needle starting before `cut` lies wholly inside `buf`; later ones may not.
    const cut = Math.max(0, buf.length - this.#hold);
    const { parts, from } = this.#replace(buf, cut);
    const keep = Math.max(from, cut);
    parts.push(buf.subarray(from, keep));
    this.#held = buf.slice(keep);
    return concat(parts);
  }

  /** The bytes held back, with their replacements: the end of the stream. */
  end(): Uint8Array {
    const buf = this.#held;
    this.#held = new Uint8Array();
    const { parts, from } = this.#replace(buf, Infinity);
    parts.push(buf.subarray(from));
    return concat(parts);
  }
}
