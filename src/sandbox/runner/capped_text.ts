/**
 * Bounded buffers for a run's output: past a byte cap the oldest entries
 * are dropped and counted. {@linkcode CappedQueue} keeps whole items (events);
 * {@linkcode CappedText} also cuts the oldest chunk of text in the middle.
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
 * A queue holding at most `cap` bytes of items (as measured by `sizeOf`),
 * dropping the oldest whole items past the cap. Each push costs time in
 * proportion to what it drops, not to what is kept.
 *
 * @example
 * ```ts
 * import { CappedQueue } from "./capped_text.ts";
 * const q = new CappedQueue<string>(5, (s) => s.length);
 * q.push("abc");
 * q.push("def");
 * console.log(q.items(), q.dropped); // ["def"] 1
 * ```
 */
export class CappedQueue<T> {
  /** The items; those before `head` are gone. */
  protected entries: T[] = [];
  /** The size of each item. */
  protected sizes: number[] = [];
  /** The index of the oldest item still kept. */
  protected head = 0;
  /** The total size kept. */
  protected bytes = 0;
  /** The most bytes kept. */
  protected readonly cap: number;
  #sizeOf: (item: T) => number;
  /** Items (for CappedText: bytes) dropped so far. */
  dropped = 0;

  /**
   * Makes an empty queue.
   *
   * @param cap the most bytes kept
   * @param sizeOf the size of an item
   */
  constructor(cap: number, sizeOf: (item: T) => number) {
    this.cap = cap;
    this.#sizeOf = sizeOf;
  }

  /** Adds an item, dropping the oldest past the cap. */
  push(item: T): void {
    const size = this.#sizeOf(item);
    if (size === 0) return;
    this.entries.push(item);
    this.sizes.push(size);
    this.bytes += size;
    this.trim();
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops the oldest whole items until the cap holds; counts items. */
  protected trim(): void {
    while (this.bytes > this.cap && this.head < this.entries.length) {
      this.dropHead();
      this.dropped++;
    }
  }

  /** Drops the oldest item; returns its size. */
  protected dropHead(): number {
    const size = this.sizes[this.head];
    this.bytes -= size;
    this.entries[this.head] = undefined as T;
    this.head++;
    return size;
  }

  /** The items kept, oldest first. */
  items(): T[] {
    return this.entries.slice(this.head);
  }
}

/**
 * Accumulates text up to `cap` UTF-8 bytes, keeping the newest. A cut never
 * splits a character: the few bytes of a character cut through are dropped
 * with it. `dropped` counts bytes.
 *
 * @example
 * ```ts
 * import { CappedText } from "./capped_text.ts";
 * const t = new CappedText(4);
 * t.append("abcdef");
 * console.log(t.text(), t.dropped); // "cdef" 2
 * ```
 */
export class CappedText extends CappedQueue<string> {
  /**
   * Makes an empty text that keeps at most `cap` bytes.
   *
   * @param cap the most bytes kept
   */
  constructor(cap: number) {
    super(cap, (text) => encoder.encode(text).length);
  }

  /** Appends text, dropping the oldest bytes past the cap. */
  append(text: string): void {
    this.push(text);
  }

  /** Drops whole chunks, then cuts into the oldest one at a character boundary. */
  protected override trim(): void {
    while (this.bytes > this.cap) {
      const first = this.sizes[this.head];
      const over = this.bytes - this.cap;
      if (first <= over) {
        this.dropped += this.dropHead();
        continue;
      }
      const bytes = encoder.encode(this.entries[this.head]);
      const cut = charStart(bytes, over);
      this.entries[this.head] = decoder.decode(bytes.subarray(cut));
      this.sizes[this.head] = first - cut;
      this.bytes -= cut;
      this.dropped += cut;
    }
  }

  /** The text kept. */
  text(): string {
    return this.items().join("");
  }
}
