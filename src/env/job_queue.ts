/**
 * The Scheduler's queue: higher priority first, then by submission
 * sequence (FIFO among equals).
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

/** The entries of one priority, oldest first: an array read from `head`. */
interface Bucket {
  priority: number;
  items: QueueEntry[];
  head: number;
}

/**
 * The queue: one FIFO bucket per priority in use, and a binary max-heap of
 * those priorities. Push and pop cost O(1) plus O(log P) when a priority
 * comes into or goes out of use (P: distinct priorities queued), however
 * many entries wait. Emptied buckets are dropped, so a drained queue holds
 * no memory.
 */
export class JobQueue {
  #buckets = new Map<number, Bucket>();
  /** The priorities with a bucket, highest first at the root. */
  #heap: Bucket[] = [];
  #size = 0;

  /** The number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Adds an entry (after every entry of the same priority). */
  push(entry: QueueEntry): void {
    let bucket = this.#buckets.get(entry.priority);
    if (bucket === undefined) {
      bucket = { priority: entry.priority, items: [], head: 0 };
      this.#buckets.set(entry.priority, bucket);
      this.#siftUp(bucket);
    }
    bucket.items.push(entry);
    this.#size++;
  }

  /** Removes and returns the first entry, or undefined when empty. */
  pop(): QueueEntry | undefined {
    const bucket = this.#heap[0];
    if (bucket === undefined) return undefined;
    const entry = bucket.items[bucket.head];
    bucket.items[bucket.head++] = undefined as unknown as QueueEntry; // let it go
    this.#size--;
    if (bucket.head === bucket.items.length) {
      this.#buckets.delete(bucket.priority);
      this.#popHeap();
    } else if (bucket.head >= 1024 && bucket.head * 2 >= bucket.items.length) {
      bucket.items = bucket.items.slice(bucket.head);
      bucket.head = 0;
    }
    return entry;
  }

  #siftUp(bucket: Bucket): void {
    const h = this.#heap;
    let i = h.length;
    h.push(bucket);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].priority >= bucket.priority) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = bucket;
  }

  #popHeap(): void {
    const h = this.#heap;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) {
      this.#heap = [];
      return;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && h[r].priority > h[l].priority ? r : l;
      if (h[child].priority <= last.priority) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
  }
}
