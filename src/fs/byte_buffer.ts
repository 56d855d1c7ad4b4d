/**
 * A growable byte array: the storage behind every in-memory file.
 *
 * @module
 */

import { FsError } from "./errors.ts";

/**
 * The largest in-memory file: 2 GiB less one byte, under the engine's
 * typed-array limit.
 *
 * @example
 * ```ts
 * import { MAX_FILE_SIZE } from "./byte_buffer.ts";
 * console.log(MAX_FILE_SIZE > 0); // true
 * ```
 */
export const MAX_FILE_SIZE = 2 ** 31 - 1;

const EMPTY = new Uint8Array(0);

function tooBig(path: string): FsError {
  return new FsError("EFBIG", path, `a file may hold ${MAX_FILE_SIZE} bytes`);
}

/**
 * Bytes with a length and spare capacity. Several handles can share one
 * buffer, so a write through one is seen by the others at once.
 *
 * @example
 * ```ts
 * import { ByteBuffer } from "@oanix/oanix";
 * const b = ByteBuffer.from("hello");
 * b.writeAt(new TextEncoder().encode("!"), 5);
 * console.log(new TextDecoder().decode(b.view())); // "hello!"
 * ```
 */
export class ByteBuffer {
  #bytes: Uint8Array;
  #size: number;

  /**
   * Makes a buffer holding a copy of `initial` (empty by default).
   *
   * @param initial the initial content, which is copied
   */
  constructor(initial?: Uint8Array) {
    // An empty buffer shares one empty array: every write reallocates it first.
    this.#bytes = initial && initial.length > 0 ? initial.slice() : EMPTY;
    this.#size = this.#bytes.length;
  }

  /**
   * A buffer holding `data` (strings are UTF-8 encoded).
   *
   * @example
   * ```ts
   * import { ByteBuffer } from "@oanix/oanix";
   * console.log(ByteBuffer.from("abc").size); // 3
   * ```
   */
  static from(data: Uint8Array | string): ByteBuffer {
    return new ByteBuffer(
      typeof data === "string" ? new TextEncoder().encode(data) : data,
    );
  }

  /** The number of bytes held. */
  get size(): number {
    return this.#size;
  }

  /** A view of the content (no copy): valid until the next write. */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.#size);
  }

  /** A copy of the content. */
  copy(): Uint8Array {
    return this.#bytes.slice(0, this.#size);
  }

  /** Copies up to `buf.length` bytes from `offset` into `buf`; returns the count. */
  readAt(buf: Uint8Array, offset: number): number {
    if (offset >= this.#size) return 0;
    const n = Math.min(buf.length, this.#size - offset);
    buf.set(this.#bytes.subarray(offset, offset + n));
    return n;
  }

  /** Writes `data` at `offset`, growing (and zero-filling) as needed. */
  writeAt(data: Uint8Array, offset: number, path = ""): number {
    const end = offset + data.length;
    if (end > MAX_FILE_SIZE) throw tooBig(path);
    this.#reserve(end);
    this.#bytes.set(data, offset);
    if (end > this.#size) this.#size = end;
    return data.length;
  }

  /** Cuts or zero-extends the content to `size` bytes. */
  truncate(size: number, path = ""): void {
    if (size > MAX_FILE_SIZE) throw tooBig(path);
    if (size > this.#size) {
      this.#reserve(size);
      this.#bytes.fill(0, this.#size, size);
    } else if (size < this.#bytes.length / 4 && this.#bytes.length > 4096) {
      this.#bytes = this.#bytes.slice(0, Math.max(size, 64));
    } else {
      this.#bytes.fill(0, size, this.#size);
    }
    this.#size = size;
  }

  /**
   * Replaces the whole content with a copy of `data`, into the present
   * array when it fits and is not much too big.
   */
  replace(data: Uint8Array, path = ""): void {
    const n = data.length;
    if (n > MAX_FILE_SIZE) throw tooBig(path);
    const bytes = this.#bytes;
    if (n <= bytes.length && n > 0 && bytes.length <= 2 * n) {
      bytes.set(data);
      // Past the size the array holds zeros (writes past the end rely on it).
      if (n < this.#size) bytes.fill(0, n, this.#size);
    } else {
      this.#bytes = n > 0 ? data.slice() : EMPTY;
    }
    this.#size = n;
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#bytes.length) return;
    const grown = Math.min(
      MAX_FILE_SIZE,
      Math.max(capacity, this.#bytes.length * 2, 64),
    );
    const next = new Uint8Array(grown);
    next.set(this.#bytes.subarray(0, this.#size));
    this.#bytes = next;
  }
}
