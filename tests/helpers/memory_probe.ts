/**
 * Measuring the host's memory honestly: a forced GC first (the test task
 * runs with `--v8-flags=--expose-gc`), then the process's resident set
 * size sampled on a timer and at the points the caller marks. RSS counts
 * everything the process holds: the JS heap, array buffers and the
 * runtime's own buffers.
 */

const gc = (globalThis as { gc?: () => void }).gc;

/** A forced full GC; throws when the runtime was not started with --expose-gc. */
export function collect(): void {
  if (gc === undefined) throw new Error("memory checks need --v8-flags=--expose-gc");
  gc();
}

/** Peak RSS growth over a baseline taken after a GC. */
export class MemoryProbe {
  readonly base: number;
  #peak: number;
  #timer: ReturnType<typeof setInterval>;

  constructor(intervalMs = 2) {
    collect();
    this.base = Deno.memoryUsage().rss;
    this.#peak = this.base;
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes a sample now (call it inside long synchronous loops). */
  sample(): void {
    const rss = Deno.memoryUsage().rss;
    if (rss > this.#peak) this.#peak = rss;
  }

  /** The peak growth so far, in bytes. */
  get growth(): number {
    return this.#peak - this.base;
  }

  /** Stops sampling; returns the peak growth in bytes. */
  stop(): number {
    this.sample();
    clearInterval(this.#timer);
    return this.growth;
  }
}

/** Bytes as MiB with one decimal, for messages. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
