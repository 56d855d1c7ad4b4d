/**
 * Text with a byte cap: past it, the oldest text is dropped and counted.
 *
 * @module
 */

/**
 * Accumulates text up to `cap` UTF-8 bytes, keeping the newest.
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
    const enc = new TextEncoder();
    this.#chunks.push(text);
    this.#bytes += enc.encode(text).length;
    while (this.#bytes > this.#cap && this.#chunks.length > 0) {
      const first = this.#chunks[0];
      const size = enc.encode(first).length;
      const over = this.#bytes - this.#cap;
      if (size <= over) {
        this.#chunks.shift();
        this.#bytes -= size;
        this.dropped += size;
      } else {
        const bytes = enc.encode(first).subarray(over);
        this.#chunks[0] = new TextDecoder().decode(bytes);
        const kept = enc.encode(this.#chunks[0]).length;
        this.#bytes -= size - kept;
        this.dropped += size - kept;
      }
    }
  }

  /** The text kept. */
  text(): string {
    return this.#chunks.join("");
  }
}
