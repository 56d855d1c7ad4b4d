/**
 * The shapes the Scheduler takes and hands out: its options, job
 * snapshots, its status, and the signatures of the runners it calls.
 *
 * @module
 */

import type { ShellLimits } from "../shell/shell_limits.ts";
import type { JobSpec } from "./job_spec.ts";
import type { OanixEnv } from "./oanix_env.ts";
import type { QueueBackend } from "./queue/queue_backend.ts";

/**
 * Where a job is in its life: queued → running → completed, failed or
 * cancelled (a queued job may be cancelled too).
 *
 * @example
 * ```ts
 * import type { JobState } from "@oanix/oanix";
 * const s: JobState = "queued";
 * ```
 */
export type JobState = "queued" | "running" | "completed" | "failed" | "cancelled";

/**
 * A job handed out by `Scheduler.next()` and given to runners and handlers.
 *
 * @example
 * ```ts
 * import type { ScheduledJob } from "@oanix/oanix";
 * const label = (job: ScheduledJob) => `${job.id} (${job.spec.kind.type})`;
 * ```
 */
export interface ScheduledJob {
  /** The job's id, unique within its scheduler. */
  readonly id: string;
  /** What was submitted. */
  readonly spec: JobSpec;
}

/**
 * A snapshot of a job. Times are milliseconds since the epoch.
 *
 * @example
 * ```ts
 * import type { JobInfo } from "@oanix/oanix";
 * const ok = (j: JobInfo) => j.state === "completed" && j.exitCode === 0;
 * ```
 */
export interface JobInfo {
  /** The job's id. */
  id: string;
  /** What was submitted. */
  spec: JobSpec;
  /** Where the job is. */
  state: JobState;
  /** When it was submitted. */
  submittedAt: number;
  /** When it started running. */
  startedAt?: number;
  /** When it finished (completed, failed or cancelled). */
  finishedAt?: number;
  /** The exit code, once completed. */
  exitCode?: number;
  /** Why it failed or was cancelled. */
  error?: string;
  /** True when it failed because its timeout passed. */
  timedOut?: boolean;
}

/**
 * Counts across a scheduler's life, and its current load.
 *
 * @example
 * ```ts
 * import { Scheduler } from "@oanix/oanix";
 * const s = new Scheduler({ maxConcurrent: 4 }).status();
 * console.log(s.queuedCount, s.runningCount, s.completedCount); // 0 0 0
 * ```
 */
export interface SchedulerStatus {
  /** Jobs waiting. */
  queuedCount: number;
  /** Jobs holding a slot. */
  runningCount: number;
  /** Jobs completed (any exit code), ever. */
  completedCount: number;
  /** Jobs failed, ever. */
  failedCount: number;
  /** Jobs cancelled, ever. */
  cancelledCount: number;
  /** Jobs submitted, ever. */
  submittedCount: number;
  /** Finished jobs whose records are still kept for `result(id)`. */
  retainedCount: number;
  /** The most jobs that run at once. */
  maxConcurrent: number;
  /** Registered environments. */
  envCount: number;
}

/**
 * Runs a WASI job: the hook through which the WASI runtime plugs in. It
 * should stop when `signal` aborts (timeout or cancel).
 *
 * @example
 * ```ts
 * import type { WasiRunner } from "@oanix/oanix";
 * const runner: WasiRunner = async (_env, job, _signal) => {
 *   if (job.spec.kind.type !== "wasi") throw new Error("not a wasi job");
 *   return { exitCode: 0 };
 * };
 * ```
 */
export type WasiRunner = (
  env: OanixEnv,
  job: ScheduledJob,
  signal: AbortSignal,
) => Promise<{ exitCode: number }>;

/**
 * Runs a custom job; returns its exit code (nothing means 0). It should
 * stop when `signal` aborts (timeout or cancel).
 *
 * @example
 * ```ts
 * import type { CustomJobHandler } from "@oanix/oanix";
 * const handler: CustomJobHandler = async (job, env) => {
 *   env.logs()?.info(`running ${job.id}`);
 *   return 0;
 * };
 * ```
 */
export type CustomJobHandler = (
  job: ScheduledJob,
  env: OanixEnv,
  signal: AbortSignal,
) => number | void | Promise<number | void>;

/**
 * Options for a {@linkcode Scheduler}.
 *
 * @example
 * ```ts
 * import { Scheduler, type SchedulerOptions } from "@oanix/oanix";
 * const opts: SchedulerOptions = { maxConcurrent: 8, maxRetainedResults: 1000 };
 * const scheduler = new Scheduler(opts);
 * ```
 */
export interface SchedulerOptions {
  /** The most jobs running at once. Default 4. */
  maxConcurrent?: number;
  /**
   * Runs WASI jobs (default: the WASI runtime, {@linkcode wasiJobRunner});
   * given as undefined, wasi jobs fail with "WASI runtime not available".
   */
  wasiRunner?: WasiRunner;
  /**
   * Let `run()` execute host script jobs (`JobKind.hostScript`: `sh -c` in a
   * subprocess). Default false. **The subprocess is not confined by the
   * namespace or by Deno's permissions**: it can do whatever the host user
   * can. Script jobs (`JobKind.script`) run inside their namespace and need
   * no permission.
   */
  allowScripts?: boolean;
  /**
   * The limits of every script job (`JobKind.script`): commands, loop
   * iterations, output bytes, time. Default: the shell's defaults (10,000
   * commands and loop iterations, 10 MiB of output, 30 s). A job's own
   * timeout applies as well.
   */
  scriptLimits?: ShellLimits;
  /** How many finished jobs `result(id)` remembers; older ones are forgotten. Default 10,000. */
  maxRetainedResults?: number;
  /**
   * After a timeout or cancel, how long `run()` waits for the job to let go
   * (a handler honouring its signal, a killed host script being reaped) before
   * freeing its slot anyway. Default 1000 ms.
   */
  abortGraceMs?: number;
  /**
   * A shared queue (BullMQ on Redis, for one): `submit()` enqueues there,
   * `run()` takes jobs from there. Default: the Scheduler's own in-memory
   * queue. The caller opens and closes it.
   */
  queue?: QueueBackend;
}
