/**
 * Text with a byte cap: past it, the oldest text is dropped and counted.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The first index at or after `at` that starts a UTF-8 character. */
function charStart(bytes: Uint8Array, at: number): number {
  while (at < bytes.length && (bytes[at] & 0xc0) === 0x80) at++;
  return at;
}

/**
 * Accumulates text up to `cap` UTF-8 bytes, keeping the newest. A cut never
 * splits a character: the few bytes of a character cut through are dropped
 * with it. Each append costs time in proportion to its own length only.
 *
 * @example
 * ```ts
 * import { CappedText } from "@oanix/oanix";
 * const t = new CappedText(4);
 * t.append("abcdef");
 * console.log(t.text(), t.dropped); // "cdef" 2
 * ```
 */
export class CappedText {
  #chunks: string[] = [];
  #sizes: number[] = [];
  /** The index of the oldest chunk still kept. */
  #head = 0;
  #bytes = 0;
  #cap: number;
  /** Bytes dropped so far. */
  dropped = 0;

  /**
   * Makes an empty text that keeps at most `cap` bytes.
   *
   * @param cap the most bytes kept
   */
  constructor(cap: number) {
    this.#cap = cap;
  }

  /** Appends text, dropping the oldest bytes past the cap. */
  append(text: string): void {
    const size = encoder.encode(text).length;
    if (size === 0) return;
    this.#chunks.push(text);
    this.#sizes.push(size);
    this.#bytes += size;
    while (this.#bytes > this.#cap) {
      const first = this.#sizes[this.#head];
      const over = this.#bytes - this.#cap;
      if (first <= over) {
        this.#chunks[this.#head] = "";
        this.#head++;
        this.#bytes -= first;
        this.dropped += first;
      } else {
        const bytes = encoder.encode(this.#chunks[this.#head]);
        const cut = charStart(bytes, over);
        this.#chunks[this.#head] = decoder.decode(bytes.subarray(cut));
        this.#sizes[this.#head] = first - cut;
        this.#bytes -= cut;
        this.dropped += cut;
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The text kept. */
  text(): string {
    return this.#chunks.slice(this.#head).join("");
  }
}
