/**
 * A read-only file content kept as text: the UTF-8 bytes a reader asks
 * for are encoded straight into its buffer. A capability's JSON record (an
 * HTTP response, a few hundred bytes per request) is made once and read
 * once; keeping it as a string spares an array per record, which the
 * runtime allocates outside the JavaScript heap and the garbage collector
 * accounts for.
 *
 * @module
 */

const encoder = new TextEncoder();
/** Where a text is encoded to see whether it is all ASCII (its bytes are then its characters). */
const probe = new Uint8Array(16 * 1024);
const NOT_ASCII = /[\u0080-\uffff]/;

/**
 * UTF-8 bytes held as a string. An ASCII text (JSON is, unless a value
 * holds other characters) is encoded at each read, only the part read; any
 * other text is encoded once, when it is made.
 *
 * @example
 * ```ts
 * import { TextBytes } from "./text_bytes.ts";
 * const t = new TextBytes('{"id":"req-1"}');
 * const buf = new Uint8Array(4);
 * console.log(t.size, t.readAt(buf, 2), new TextDecoder().decode(buf)); // 14 4 'id":'
 * ```
 */
export class TextBytes {
  /** The content, as text. */
  readonly text: string;
  /** The number of UTF-8 bytes. */
  readonly size: number;
  /** The bytes of a text that is not all ASCII. */
  readonly #bytes: Uint8Array | undefined;

  /**
   * Holds `text`.
   *
   * @param text the content
   */
  constructor(text: string) {
    if (typeof text !== "string") throw new TypeError("TextBytes: text must be a string");
    this.text = text;
    const n = text.length;
    let ascii: boolean;
    if (n <= probe.length) {
      const { read, written } = encoder.encodeInto(text, probe);
      ascii = read === n && written === n;
    } else {
      ascii = !NOT_ASCII.test(text);
    }
    this.#bytes = ascii ? undefined : encoder.encode(text);
    this.size = this.#bytes?.length ?? n;
  }

  /** Copies up to `buf.length` bytes from `offset` into `buf`; returns the count (0 at the end). */
  readAt(buf: Uint8Array, offset: number): number {
    if (offset >= this.size) return 0;
    const n = Math.min(buf.length, this.size - offset);
    const bytes = this.#bytes;
    if (bytes !== undefined) {
      buf.set(bytes.subarray(offset, offset + n));
    } else {
      const text = this.text;
      encoder.encodeInto(n === text.length ? text : text.slice(offset, offset + n), buf);
    }
    return n;
  }
}
