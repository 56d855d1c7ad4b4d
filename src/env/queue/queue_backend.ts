/**
 * The job queue contract every backend keeps: the in-memory queue (one
 * process) and BullMQ on Redis (many machines). Jobs are JSON data with a
 * priority and an optional delay; a consumer *leases* a job (holding its
 * lock, renewed by heartbeats), then completes it or fails it (retried with
 * backoff while attempts remain). A lease whose lock runs out (its holder
 * died) is *stalled*: the job goes back to waiting for another consumer.
 *
 * @module
 */

import type { JsonValue } from "../../services/json_value.ts";

/**
 * Where a queued job is: `waiting` (ready to lease), `delayed` (not before
 * its time, or backing off before a retry), `active` (leased), then
 * `completed` or `failed`.
 *
 * @example
 * ```ts
 * import type { QueueJobState } from "./queue_backend.ts";
 * const open = (s: QueueJobState) => s === "waiting" || s === "delayed";
 * ```
 */
export type QueueJobState = "waiting" | "delayed" | "active" | "completed" | "failed";

/**
 * How long to wait before a retry: `fixed` waits `delayMs` every time,
 * `exponential` waits `delayMs × 2^(n-1)` before the n-th retry.
 *
 * @example
 * ```ts
 * import type { Backoff } from "./queue_backend.ts";
 * const backoff: Backoff = { type: "exponential", delayMs: 1000 }; // 1 s, 2 s, 4 s, ...
 * ```
 */
export interface Backoff {
  /** Fixed or doubling. */
  type: "fixed" | "exponential";
  /** The first wait, in milliseconds. */
  delayMs: number;
}

/**
 * How to enqueue a job.
 *
 * @example
 * ```ts
 * import type { EnqueueOptions } from "./queue_backend.ts";
 * const opts: EnqueueOptions = { id: "trial-7", priority: 10, attempts: 3 };
 * ```
 */
export interface EnqueueOptions {
  /**
   * The job's id: 1 to 128 of `A-Z a-z 0-9 . _ -`, not only digits (those
   * are the backends' own). Enqueuing an id the queue still knows changes
   * nothing, so a producer that starts again cannot enqueue a job twice.
   * Default: an id of the backend's making.
   */
  id?: string;
  /** An integer from -1,000,000 to 1,000,000; higher first, FIFO among equals. Default 0. */
  priority?: number;
  /** Milliseconds before the job may be leased. Default 0. */
  delayMs?: number;
  /** Tries in all, the first included (from 1). Default 1: no retry. */
  attempts?: number;
  /** The wait before each retry. Default: none (retried at once). */
  backoff?: Backoff;
}

/**
 * How to lease.
 *
 * @example
 * ```ts
 * import type { LeaseOptions } from "./queue_backend.ts";
 * const opts: LeaseOptions = { waitMs: 5000, signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface LeaseOptions {
  /** How long to wait for a job when none is waiting. Default 0: answer at once. */
  waitMs?: number;
  /** Stops waiting (the lease then resolves undefined). */
  signal?: AbortSignal;
}

/**
 * A leased job: its holder works on it, renews the lock with `heartbeat()`
 * well within the backend's `lockMs`, and ends it with exactly one of
 * `complete`, `fail` or `release`. Each throws {@linkcode LeaseLostError}
 * when the lock was lost meanwhile (the job stalled and went to someone
 * else, or was removed): the holder must then drop its work, unreported.
 *
 * @example
 * ```ts
 * import { MemoryQueue } from "./memory_queue.ts";
 * const queue = new MemoryQueue<{ n: number }, number>();
 * await queue.enqueue({ n: 20 });
 * const lease = await queue.lease();
 * if (lease) await lease.complete(lease.data.n + 1);
 * await queue.close();
 * ```
 */
export interface Lease<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue> {
  /** The job's id. */
  readonly id: string;
  /** The job's data. */
  readonly data: T;
  /** This attempt, from 1. */
  readonly attempt: number;
  /** Of `attempts` in all. */
  readonly attempts: number;
  /** Renews the lock for another `lockMs`. */
  heartbeat(): Promise<void>;
  /** Records the result (JSON) and ends the job. */
  complete(result: R): Promise<void>;
  /**
   * Records a failure: the job is tried again (after its backoff) while
   * attempts remain and `retry` is not false, else it fails for good.
   *
   * @returns `"retrying"` or `"failed"`.
   */
  fail(reason: string, options?: { retry?: boolean }): Promise<"retrying" | "failed">;
  /** Gives the job back, waiting again, with no attempt counted (a consumer shutting down). */
  release(): Promise<void>;
}

/**
 * What happened to a job, as every subscriber hears it.
 *
 * @example
 * ```ts
 * import type { QueueEvent } from "./queue_backend.ts";
 * const line = (e: QueueEvent) => e.type === "failed" ? `${e.id}: ${e.reason}` : `${e.id} ${e.type}`;
 * ```
 */
export type QueueEvent =
  | { type: "enqueued"; id: string }
  | { type: "active"; id: string }
  | { type: "completed"; id: string; result: JsonValue }
  | { type: "failed"; id: string; reason: string }
  | { type: "stalled"; id: string }
  | { type: "cancelled"; id: string };

/**
 * A job as the queue knows it.
 *
 * @example
 * ```ts
 * import type { QueueJobInfo } from "./queue_backend.ts";
 * const done = (j: QueueJobInfo) => j.state === "completed" || j.state === "failed";
 * ```
 */
export interface QueueJobInfo<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue> {
  /** The id. */
  id: string;
  /** Where it is. */
  state: QueueJobState;
  /** Its data. */
  data: T;
  /** Attempts that ended (failed, or completed). */
  attemptsMade: number;
  /** The result, once completed. */
  result?: R;
  /** Why the last attempt failed, when one did. */
  reason?: string;
}

/**
 * How many jobs are where.
 *
 * @example
 * ```ts
 * import type { QueueCounts } from "./queue_backend.ts";
 * const open = (c: QueueCounts) => c.waiting + c.delayed + c.active;
 * ```
 */
export type QueueCounts = Record<QueueJobState, number>;

/**
 * A job queue (see the module's description): the in-memory
 * `MemoryQueue` or `BullMqQueue` on Redis. Both pass one contract test
 * suite.
 *
 * @example
 * ```ts
 * import type { QueueBackend } from "./queue_backend.ts";
 * async function drain(queue: QueueBackend, work: (data: unknown) => Promise<number>) {
 *   for (let lease = await queue.lease(); lease; lease = await queue.lease()) {
 *     await lease.complete(await work(lease.data));
 *   }
 * }
 * ```
 */
export interface QueueBackend<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue> {
  /** Which backend: `memory` or `bullmq`. */
  readonly kind: "memory" | "bullmq";
  /** How long a lease holds without a heartbeat, in milliseconds. */
  readonly lockMs: number;
  /**
   * Adds a job; returns its id.
   *
   * @throws {TypeError} for data that is not JSON or a bad option.
   */
  enqueue(data: T, options?: EnqueueOptions): Promise<string>;
  /**
   * Takes the next job (highest priority, oldest first) and locks it for
   * `lockMs`; undefined when none came within `waitMs`, on the signal, or
   * once closed.
   */
  lease(options?: LeaseOptions): Promise<Lease<T, R> | undefined>;
  /**
   * Removes a job that has not started (waiting or delayed). Returns false
   * for a job that is active or finished (a running job runs to its end)
   * or unknown.
   */
  cancel(id: string): Promise<boolean>;
  /** A job, or undefined when unknown or no longer kept. */
  job(id: string): Promise<QueueJobInfo<T, R> | undefined>;
  /** How many jobs are in each state. */
  counts(): Promise<QueueCounts>;
  /**
   * Calls `listener` with every event from now on (from every producer and
   * consumer of the queue); resolves once listening, with the function that
   * stops it.
   */
  subscribe(listener: (event: QueueEvent) => void): Promise<() => void>;
  /** Stops waiting leases and timers and lets go of every connection. */
  close(): Promise<void>;
}

/**
 * A lease's lock was lost: the job stalled (no heartbeat within `lockMs`)
 * and went back to the queue, or was removed. Its holder must drop the work.
 *
 * @example
 * ```ts
 * import { LeaseLostError } from "./queue_backend.ts";
 * const e = new LeaseLostError("job-1");
 * console.log(e.message); // "the lease of job job-1 was lost (it stalled, or was removed)"
 * ```
 */
export class LeaseLostError extends Error {
  /** The job's id. */
  readonly jobId: string;

  /**
   * Makes the error.
   *
   * @param jobId the job whose lease was lost
   */
  constructor(jobId: string) {
    super(`the lease of job ${jobId} was lost (it stalled, or was removed)`);
    this.name = "LeaseLostError";
    this.jobId = jobId;
  }
}
