/**
 * Watching a running child from the host: the size of its permission audit
 * log ten times a second, and its resident memory and threads (from `/proc`
 * ten times a second where the host may read it, else from `ps` once a
 * second), each against its limit. A breach is reported once; the runner
 * then kills the run. (The child also holds its memory allowance itself,
 * see `child/supervisor.ts`: this is the second wall.)
 *
 * @module
 */

import type { AuditTail } from "./audit.ts";
import {
  type ProcessStats,
  readProcStats,
  readPsStats,
  type StatsSource,
  statsSource,
} from "./process_stats.ts";

/**
 * What a child may hold.
 *
 * @example
 * ```ts
 * import type { ChildLimits } from "./run_monitor.ts";
 * const limits: ChildLimits = { memoryBytes: 256 << 20, threads: 32, auditBytes: 64 << 20 };
 * ```
 */
export interface ChildLimits {
  /**
   * Resident memory the program may add to the child's own footprint (the
   * runtime and the namespace, measured once the program starts), in bytes.
   */
  memoryBytes?: number;
  /** Threads of the child (each worker is one). */
  threads?: number;
  /** Size of the permission audit log. */
  auditBytes: number;
}

/**
 * A limit the child passed.
 *
 * @example
 * ```ts
 * import type { Breach } from "./run_monitor.ts";
 * const b: Breach = { limit: "memory", message: "resident memory passed 64 MiB" };
 * ```
 */
export interface Breach {
  /** Which limit. */
  limit: "memory" | "threads" | "audit";
  /** What happened, for the report. */
  message: string;
}

/**
 * A watch on a child, as {@linkcode watchChild} returns it.
 *
 * @example
 * ```ts ignore
 * const watch: ChildWatch = watchChild(child.pid, tail, limits, kill);
 * ```
 */
export interface ChildWatch {
  /** Stops watching (waits for a reading under way). */
  stop(): Promise<void>;
  /** The largest resident memory seen so far, in bytes. */
  peakRssBytes(): number;
  /** The program started: the child's own footprint is measured now (limits.memory is above it). */
  programStarted(): void;
  /** Reads the memory now, where it is cheap (`/proc`): the child is about to end. */
  sampleNow(): void;
}

/** The interval of the checks, in milliseconds. */
export const MONITOR_INTERVAL_MS = 100;
/** How many checks pass between two `ps` readings (a process start each). */
const PS_EVERY = 10;

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/**
 * Watches process `pid`; calls `onBreach` once when a limit is passed.
 * Returns the peak resident memory seen so far, and a way to stop.
 *
 * @example
 * ```ts ignore
 * const watch = watchChild(child.pid, tail, { memoryBytes: 1 << 30, auditBytes: 64 << 20 }, kill);
 * await child.status;
 * await watch.stop();
 * ```
 */
export function watchChild(
  pid: number,
  tail: AuditTail,
  limits: ChildLimits,
  onBreach: (breach: Breach) => void,
): ChildWatch {
  let peak = 0;
  let baseline: number | undefined;
  let breached = false;
  let source: StatsSource | undefined;
  let tick = 0;
  let asking = false;
  let started = false;
  let inflight: Promise<unknown> = statsSource(pid).then((s) => source = s);
  const breach = (b: Breach) => {
    if (breached) return;
    breached = true;
    onBreach(b);
  };
  const judge = (stats: ProcessStats | undefined) => {
    if (stats !== undefined) {
      peak = Math.max(peak, stats.peakRssBytes ?? stats.rssBytes);
      // Judged only once the child's own footprint is known.
      const used = baseline === undefined ? 0 : stats.rssBytes - baseline;
      if (limits.memoryBytes !== undefined && used > limits.memoryBytes) {
        breach({
          limit: "memory",
          message: `the program's memory passed limits.memory (${mib(used)} > ` +
            `${mib(limits.memoryBytes)} above the child's own ${mib(baseline!)}): ` +
            "the run was killed",
        });
      } else if (limits.threads !== undefined && stats.threads > limits.threads) {
        breach({
          limit: "threads",
          message: `the child ran ${stats.threads} threads, past limits.threads ` +
            `(${limits.threads}; each worker is one): the run was killed`,
        });
      }
    }
  };
  const check = () => {
    tick++;
    if (source === "proc") judge(readProcStats(pid));
    else if (source === "ps" && tick % PS_EVERY === 0 && !asking) {
      asking = true;
      inflight = readPsStats(pid).then(judge).finally(() => asking = false);
    }
    tail.poll();
    const size = tail.size();
    if (size > limits.auditBytes) {
      breach({
        limit: "audit",
        message: `the permission audit log passed ${mib(limits.auditBytes)} (a flood of ` +
          "permission checks): the run was killed",
      });
    }
  };
  const timer = setInterval(check, MONITOR_INTERVAL_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await inflight;
    },
    peakRssBytes: () => peak,
    sampleNow: () => {
      if (source === "proc") judge(readProcStats(pid));
    },
    programStarted: () => {
      if (started) return;
      started = true;
      inflight = Promise.all([inflight]).then(async () => {
        const s = source === "ps" ? await readPsStats(pid) : readProcStats(pid);
        baseline = s?.rssBytes;
      });
    },
  };
}
