/**
 * A set that remembers only its most recent keys: adding past the bound
 * forgets the oldest. NostrFs de-duplicates events with one, so a flood
 * of distinct events cannot grow the host's memory without end.
 *
 * (A Map or Set cannot serve as such a FIFO by itself: finding its first
 * key after many deletes at the front costs time in the number of
 * deletes. A ring of keys beside the set keeps both steps constant.)
 *
 * @module
 */

/**
 * A bounded set of the most recent keys.
 *
 * @example
 * ```ts
 * import { RecentSet } from "./recent_set.ts";
 * const seen = new RecentSet<string>(2);
 * seen.add("a");
 * seen.add("b");
 * console.log(seen.add("c"), seen.has("a"), seen.has("c")); // "a" false true
 * ```
 */
export class RecentSet<K> {
  /** The most keys remembered. */
  readonly capacity: number;
  readonly #set = new Set<K>();
  readonly #ring: (K | undefined)[] = [];
  #next = 0;

  /**
   * Makes an empty set.
   *
   * @param capacity the most keys remembered (an integer >= 1)
   */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new TypeError(`RecentSet: capacity must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** The keys remembered now. */
  get size(): number {
    return this.#set.size;
  }

  /** True when `key` is remembered. */
  has(key: K): boolean {
    return this.#set.has(key);
  }

  /** Remembers `key` (a known key is left as it is); returns the key forgotten to make room. */
  add(key: K): K | undefined {
    if (this.#set.has(key)) return undefined;
    let forgotten: K | undefined;
    if (this.#ring.length < this.capacity) {
      this.#ring.push(key);
    } else {
      forgotten = this.#ring[this.#next];
      this.#set.delete(forgotten!);
      this.#ring[this.#next] = key;
      this.#next = (this.#next + 1) % this.capacity;
    }
    this.#set.add(key);
    return forgotten;
  }
}
