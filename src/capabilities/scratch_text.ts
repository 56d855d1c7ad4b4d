/**
 * Text through a file handle without a fresh array per call: a JSON
 * request is encoded into a scratch array that a write copies from, and a
 * reply is read into one and decoded from it. Agents write and read small
 * JSON files per request (`/cap/http/request`, `/responses/{id}.json`);
 * every typed array made for them is an allocation the garbage collector
 * pays for again.
 *
 * A scratch array is lent for one synchronous use. A use that starts while
 * another is under way (a service whose `write` or `read` submits again)
 * gets an array of its own.
 *
 * @module
 */

import type { FileHandle } from "../fs/types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The size of a scratch array; kept across calls up to KEEP_BYTES. */
const FIRST_BYTES = 4096;
const KEEP_BYTES = 1 << 16;

/** One reusable array, lent to one use at a time. */
class Scratch {
  #bytes: Uint8Array = new Uint8Array(FIRST_BYTES);
  #lent = false;

  /** Runs `use` with an array to fill (at least `FIRST_BYTES` long), the scratch one when free. */
  lend<T>(use: (bytes: Uint8Array, keep: (grown: Uint8Array) => void) => T): T {
    if (this.#lent) return use(new Uint8Array(FIRST_BYTES), () => {});
    this.#lent = true;
    try {
      return use(this.#bytes, (grown) => {
        if (grown.length <= KEEP_BYTES) this.#bytes = grown;
      });
    } finally {
      this.#lent = false;
    }
  }
}

const encoding = new Scratch();
const reading = new Scratch();

/**
 * Writes all of `text`, UTF-8 encoded, through `h` (from its position),
 * looping over short writes.
 *
 * @example
 * ```ts
 * import { writeAllText } from "./scratch_text.ts";
 * import { MemFs } from "../fs/mem_fs.ts";
 * const fs = new MemFs();
 * const h = fs.open("/a.json", { write: true, create: true });
 * writeAllText(h, '{"url":"https://example.com/"}');
 * h.close();
 * ```
 */
export function writeAllText(h: FileHandle, text: string): void {
  encoding.lend((scratch) => {
    // At most 3 bytes per UTF-16 unit: a text that may not fit is encoded on its own.
    const bytes = text.length * 3 <= scratch.length
      ? scratch.subarray(0, encoder.encodeInto(text, scratch).written)
      : encoder.encode(text);
    let at = 0;
    while (at < bytes.length) at += h.write(at === 0 ? bytes : bytes.subarray(at));
  });
}

/**
 * Reads everything left in `h` (from its position) and decodes it as
 * UTF-8 (malformed bytes become U+FFFD, as `TextDecoder` does). A read
 * that fails (EAGAIN: not ready yet) throws its error.
 *
 * @example
 * ```ts
 * import { readAllText } from "./scratch_text.ts";
 * import { MapFs } from "../fs/map_fs.ts";
 * const h = MapFs.fromObject({ "/a": "hi" }).open("/a");
 * console.log(readAllText(h)); // "hi"
 * h.close();
 * ```
 */
export function readAllText(h: FileHandle): string {
  return reading.lend((scratch, keep) => {
    let bytes = scratch;
    let at = 0;
    for (;;) {
      if (at === bytes.length) {
        const grown = new Uint8Array(bytes.length * 2);
        grown.set(bytes);
        bytes = grown;
        keep(grown);
      }
      const n = h.read(at === 0 ? bytes : bytes.subarray(at));
      if (n === 0) break;
      at += n;
    }
    return decoder.decode(bytes.subarray(0, at));
  });
}
