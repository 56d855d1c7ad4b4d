/**
 * What a child process holds right now: its resident memory (every kind:
 * heap, buffers, wasm memory, workers) and its thread count (each worker is
 * a thread). Read from Linux's `/proc` where this process may (Deno lets
 * only `--allow-all` read it), else asked of `ps` (which costs a process
 * start, so it is asked less often).
 *
 * @module
 */

/**
 * A child's resident memory and threads.
 *
 * @example
 * ```ts
 * import type { ProcessStats } from "./process_stats.ts";
 * const s: ProcessStats = { rssBytes: 64 << 20, peakRssBytes: 70 << 20, threads: 9 };
 * ```
 */
export interface ProcessStats {
  /** Resident set size, in bytes. */
  rssBytes: number;
  /**
   * The largest resident set size so far (the kernel's high-water mark,
   * `/proc` only): it catches what happens between two readings.
   */
  peakRssBytes?: number;
  /** Threads of the process. */
  threads: number;
}

/** How stats are read: cheaply from `/proc`, or from `ps`. */
export type StatsSource = "proc" | "ps";

/**
 * The stats of `pid` from `/proc`, or undefined when they cannot be read
 * (the process is gone, this is not Linux, or reading `/proc` is not
 * allowed).
 *
 * @example
 * ```ts ignore
 * console.log(readProcStats(Deno.pid)?.rssBytes);
 * ```
 */
export function readProcStats(pid: number): ProcessStats | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return undefined;
  }
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  const threads = /^Threads:\s+(\d+)$/m.exec(text);
  if (rss === null || threads === null) return undefined;
  const peak = /^VmHWM:\s+(\d+) kB$/m.exec(text);
  return {
    rssBytes: Number(rss[1]) * 1024,
    ...(peak === null ? {} : { peakRssBytes: Number(peak[1]) * 1024 }),
    threads: Number(threads[1]),
  };
}

/**
 * The stats of `pid` from `ps` (Linux's procps), or undefined when `ps`
 * cannot be run or the process is gone.
 *
 * @example
 * ```ts ignore
 * console.log((await readPsStats(Deno.pid))?.threads);
 * ```
 */
export async function readPsStats(pid: number): Promise<ProcessStats | undefined> {
  try {
    const out = await new Deno.Command("ps", {
      args: ["-o", "rss=,nlwp=", "-p", String(pid)],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(new TextDecoder().decode(out.stdout));
    return m ? { rssBytes: Number(m[1]) * 1024, threads: Number(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

/** Which source works here, for `pid`: `/proc` if this process may read it, else `ps`, else none. */
export async function statsSource(pid: number): Promise<StatsSource | undefined> {
  if (readProcStats(pid) !== undefined) return "proc";
  return (await readPsStats(pid)) === undefined ? undefined : "ps";
}
