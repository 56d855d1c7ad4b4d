/**
 * Delayed jobs of the in-memory queue: a binary min-heap by due time
 * (then by sequence, so jobs due together keep their order).
 *
 * @module
 */

/**
 * One entry: a job id due at `at` (milliseconds since the epoch).
 *
 * @example
 * ```ts
 * import type { TimedEntry } from "./time_heap.ts";
 * const e: TimedEntry = { at: Date.now() + 1000, seq: 1, id: "job-1" };
 * ```
 */
export interface TimedEntry {
  /** When it is due. */
  at: number;
  /** Ties broken by sequence, lower first. */
  seq: number;
  /** The job's id. */
  id: string;
}

function before(a: TimedEntry, b: TimedEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A min-heap of {@linkcode TimedEntry}: the earliest due first.
 *
 * @example
 * ```ts
 * import { TimeHeap } from "./time_heap.ts";
 * const heap = new TimeHeap();
 * heap.push({ at: 20, seq: 1, id: "b" });
 * heap.push({ at: 10, seq: 2, id: "a" });
 * console.log(heap.peek()?.id, heap.pop()?.id, heap.size); // "a" "a" 1
 * ```
 */
export class TimeHeap {
  #items: TimedEntry[] = [];

  /** Entries held. */
  get size(): number {
    return this.#items.length;
  }

  /** The earliest entry, left in place. */
  peek(): TimedEntry | undefined {
    return this.#items[0];
  }

  /** Adds an entry. */
  push(entry: TimedEntry): void {
    const h = this.#items;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = entry;
  }

  /** Removes and returns the earliest entry. */
  pop(): TimedEntry | undefined {
    const h = this.#items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && before(h[r], h[l]) ? r : l;
      if (!before(h[child], last)) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
    return top;
  }
}
