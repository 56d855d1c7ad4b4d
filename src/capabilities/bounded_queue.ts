/**
 * A FIFO with a bound on its items and their bytes: a push that would
 * pass a bound drops the oldest items, and counts them. The inboxes of
 * WsFs are such queues, so a flood of messages cannot grow the host's
 * memory without end.
 *
 * @module
 */

/**
 * The bounds of a {@linkcode BoundedQueue}.
 *
 * @example
 * ```ts
 * import type { QueueBounds } from "@oanix/oanix";
 * const b: QueueBounds = { maxItems: 1024, maxBytes: 16 << 20 };
 * ```
 */
export interface QueueBounds {
  /** The most items held. */
  maxItems: number;
  /** The most bytes held (as `sizeOf` counts them). */
  maxBytes: number;
}

/**
 * Checks queue bounds, naming the owner in the error.
 *
 * @example
 * ```ts
 * import { checkQueueBounds } from "./bounded_queue.ts";
 * checkQueueBounds("WsFs", { maxItems: 8, maxBytes: 1024 }); // no throw
 * ```
 */
export function checkQueueBounds(owner: string, bounds: QueueBounds): QueueBounds {
  for (const [name, v] of Object.entries(bounds)) {
    if (!(v === Infinity || (Number.isSafeInteger(v) && v >= 1))) {
      throw new TypeError(`${owner}: ${name} must be an integer >= 1, got ${v}`);
    }
  }
  return bounds;
}

/**
 * A bounded FIFO that drops its oldest items.
 *
 * @example
 * ```ts
 * import { BoundedQueue } from "@oanix/oanix";
 * const q = new BoundedQueue<string>({ maxItems: 2, maxBytes: Infinity }, (s) => s.length);
 * q.push("a");
 * q.push("b");
 * console.log(q.push("c"), q.dropped, q.shift()); // 1 1 "b"
 * ```
 */
export class BoundedQueue<T> {
  readonly #bounds: QueueBounds;
  readonly #sizeOf: (item: T) => number;
  #items: T[] = [];
  #head = 0;
  #bytes = 0;
  #dropped = 0;

  /**
   * Makes an empty queue.
   *
   * @param bounds the most items and bytes held
   * @param sizeOf the bytes an item counts for
   */
  constructor(bounds: QueueBounds, sizeOf: (item: T) => number) {
    this.#bounds = bounds;
    this.#sizeOf = sizeOf;
  }

  /** The items held. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many items were dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The oldest item, or undefined. */
  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /**
   * Adds an item at the end, dropping the oldest items until the bounds
   * hold (an item larger than `maxBytes` on its own is dropped itself).
   * Returns how many items this push dropped.
   */
  push(item: T): number {
    const size = this.#sizeOf(item);
    if (size > this.#bounds.maxBytes) {
      this.#dropped++;
      return 1;
    }
    this.#items.push(item);
    this.#bytes += size;
    let n = 0;
    while (this.length > this.#bounds.maxItems || this.#bytes > this.#bounds.maxBytes) {
      this.shift();
      n++;
    }
    this.#dropped += n;
    return n;
  }

  /** Takes the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined as T;
    this.#bytes -= this.#sizeOf(item);
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Empties the queue (not counted as drops). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
