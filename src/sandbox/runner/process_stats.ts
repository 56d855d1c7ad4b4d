/**
 * What a child process holds right now, read from Linux's `/proc`: its
 * resident memory (every kind: heap, buffers, wasm memory, workers) and its
 * thread count (each worker is a thread).
 *
 * @module
 */

/**
 * A child's resident memory and threads.
 *
 * @example
 * ```ts
 * import type { ProcessStats } from "./process_stats.ts";
 * const s: ProcessStats = { rssBytes: 64 << 20, threads: 9 };
 * ```
 */
export interface ProcessStats {
  /** Resident set size, in bytes. */
  rssBytes: number;
  /** Threads of the process. */
  threads: number;
}

/**
 * The stats of process `pid`, or undefined when they cannot be read (the
 * process is gone, or this is not Linux).
 *
 * @example
 * ```ts ignore
 * console.log(readProcessStats(Deno.pid)?.rssBytes);
 * ```
 */
export function readProcessStats(pid: number): ProcessStats | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return undefined;
  }
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  const threads = /^Threads:\s+(\d+)$/m.exec(text);
  if (rss === null || threads === null) return undefined;
  return { rssBytes: Number(rss[1]) * 1024, threads: Number(threads[1]) };
}
