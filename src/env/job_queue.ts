/**
 * The Scheduler's queue: a binary heap ordered by priority (higher first),
 * then by submission sequence (FIFO among equals).
 *
 * @module
 */

/** One queued entry. */
export interface QueueEntry {
  /** Higher comes out first. */
  priority: number;
  /** Lower comes out first among equal priorities. */
  seq: number;
  /** The job's id. */
  id: string;
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/**
 * A binary max-heap of {@linkcode QueueEntry}: push and pop in O(log n).
 * An emptied heap lets go of its array, so a drained queue holds no memory.
 */
export class JobQueue {
  #heap: QueueEntry[] = [];

  /** The number of entries. */
  get size(): number {
    return this.#heap.length;
  }

  /** Adds an entry. */
  push(entry: QueueEntry): void {
    const h = this.#heap;
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

  /** Removes and returns the first entry, or undefined when empty. */
  pop(): QueueEntry | undefined {
    const h = this.#heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) {
      this.#heap = [];
      return top;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(h[r], h[l]) ? r : l;
      if (!before(h[child], last)) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
    return top;
  }
}
