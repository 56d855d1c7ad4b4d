/**
 * Checking what callers give a queue, once, the same way for every backend:
 * enqueue options, lease options, backend options, and the backoff before
 * a retry.
 *
 * @module
 */

import { describeValue } from "../../services/json_value.ts";
import type { Backoff, EnqueueOptions, LeaseOptions } from "./queue_backend.ts";

/**
 * The highest priority (and, negated, the lowest) a queue takes.
 *
 * @example
 * ```ts
 * import { MAX_PRIORITY } from "./queue_options.ts";
 * console.log(MAX_PRIORITY); // 1000000
 * ```
 */
export const MAX_PRIORITY = 1_000_000;

/** What a job id looks like: BullMQ's own ids are digits only, so ours never are. */
const JOB_ID = /^(?!\d+$)[A-Za-z0-9._-]{1,128}$/;

/**
 * Enqueue options with every default filled in.
 *
 * @example
 * ```ts
 * import { checkEnqueueOptions } from "./queue_options.ts";
 * console.log(checkEnqueueOptions({ priority: 5 }).attempts); // 1
 * ```
 */
export interface CheckedEnqueueOptions {
  /** The id, when the caller chose one. */
  id: string | undefined;
  /** Higher first. */
  priority: number;
  /** Milliseconds before it may be leased. */
  delayMs: number;
  /** Tries in all. */
  attempts: number;
  /** The wait before each retry, if any. */
  backoff: Backoff | undefined;
}

function fail(what: string, expected: string, value: unknown): never {
  const got = typeof value === "number" ? String(value) : describeValue(value);
  throw new TypeError(`${what} must be ${expected}, got ${got}`);
}

function integer(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(what, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/**
 * Whether `id` can be a job id (see `EnqueueOptions.id`).
 *
 * @example
 * ```ts
 * import { isJobId } from "./queue_options.ts";
 * console.log(isJobId("trial-1"), isJobId("42"), isJobId("../x")); // true false false
 * ```
 */
export function isJobId(id: unknown): id is string {
  return typeof id === "string" && JOB_ID.test(id);
}

/**
 * Checks enqueue options and fills in the defaults.
 *
 * @throws {TypeError} naming the bad option.
 *
 * @example
 * ```ts
 * import { checkEnqueueOptions } from "./queue_options.ts";
 * const o = checkEnqueueOptions({ backoff: { type: "fixed", delayMs: 100 }, attempts: 3 });
 * console.log(o.priority, o.delayMs, o.attempts); // 0 0 3
 * ```
 */
export function checkEnqueueOptions(options: EnqueueOptions = {}): CheckedEnqueueOptions {
  if (options === null || typeof options !== "object") {
    fail("enqueue: options", "an object", options);
  }
  const { id, priority = 0, delayMs = 0, attempts = 1, backoff } = options;
  if (id !== undefined && !isJobId(id)) {
    fail("enqueue: id", "1 to 128 of A-Z a-z 0-9 . _ - (not only digits)", id);
  }
  const checked: CheckedEnqueueOptions = {
    id,
    priority: integer(priority, "enqueue: priority", -MAX_PRIORITY, MAX_PRIORITY),
    delayMs: integer(delayMs, "enqueue: delayMs", 0, Number.MAX_SAFE_INTEGER),
    attempts: integer(attempts, "enqueue: attempts", 1, 1000),
    backoff: undefined,
  };
  if (backoff !== undefined) {
    if (backoff === null || typeof backoff !== "object") {
      fail("enqueue: backoff", "{ type, delayMs }", backoff);
    }
    if (backoff.type !== "fixed" && backoff.type !== "exponential") {
      fail("enqueue: backoff.type", `"fixed" or "exponential"`, backoff.type);
    }
    integer(backoff.delayMs, "enqueue: backoff.delayMs", 0, 24 * 3600 * 1000);
    checked.backoff = { type: backoff.type, delayMs: backoff.delayMs };
  }
  return checked;
}

/**
 * Checks lease options: the wait in milliseconds (default 0) and the signal.
 *
 * @throws {TypeError} naming the bad option.
 *
 * @example
 * ```ts
 * import { checkLeaseOptions } from "./queue_options.ts";
 * console.log(checkLeaseOptions({ waitMs: 100 }).waitMs); // 100
 * ```
 */
export function checkLeaseOptions(options: LeaseOptions = {}):
  & Required<
    Pick<LeaseOptions, "waitMs">
  >
  & { signal: AbortSignal | undefined } {
  if (options === null || typeof options !== "object") fail("lease: options", "an object", options);
  const waitMs = integer(options.waitMs ?? 0, "lease: waitMs", 0, Number.MAX_SAFE_INTEGER);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    fail("lease: signal", "an AbortSignal", options.signal);
  }
  return { waitMs, signal: options.signal };
}

/**
 * The options both backends share, with defaults.
 *
 * @example
 * ```ts
 * import type { QueueTiming } from "./queue_options.ts";
 * const t: QueueTiming = { lockMs: 30_000, stalledCheckMs: 30_000, maxStalls: 1, maxRetained: 10_000 };
 * ```
 */
export interface QueueTiming {
  /** How long a lease holds without a heartbeat (default 30,000 ms). */
  lockMs: number;
  /** How often leases are checked for a lapsed lock (default 30,000 ms). */
  stalledCheckMs: number;
  /** How many times a job may stall before it fails (default 1). */
  maxStalls: number;
  /** Finished jobs kept for `job(id)`, per outcome (default 10,000); older ones are forgotten. */
  maxRetained: number;
}

/**
 * Checks a backend's timing options and fills in the defaults.
 *
 * @throws {TypeError} naming the bad option.
 *
 * @example
 * ```ts
 * import { checkQueueTiming } from "./queue_options.ts";
 * console.log(checkQueueTiming({ lockMs: 2000 }).stalledCheckMs); // 30000
 * ```
 */
export function checkQueueTiming(options: Partial<QueueTiming> = {}, who = "queue"): QueueTiming {
  if (options === null || typeof options !== "object") {
    fail(`${who}: options`, "an object", options);
  }
  const day = 24 * 3600 * 1000;
  return {
    lockMs: integer(options.lockMs ?? 30_000, `${who}: lockMs`, 10, day),
    stalledCheckMs: integer(options.stalledCheckMs ?? 30_000, `${who}: stalledCheckMs`, 10, day),
    maxStalls: integer(options.maxStalls ?? 1, `${who}: maxStalls`, 0, 1000),
    maxRetained: integer(options.maxRetained ?? 10_000, `${who}: maxRetained`, 0, 10_000_000),
  };
}

/**
 * The wait before retry number `retry` (from 1), as both backends compute it.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./queue_options.ts";
 * console.log(backoffDelay({ type: "exponential", delayMs: 100 }, 3)); // 400
 * ```
 */
export function backoffDelay(backoff: Backoff | undefined, retry: number): number {
  if (backoff === undefined) return 0;
  return backoff.type === "fixed"
    ? backoff.delayMs
    : Math.round(2 ** (retry - 1) * backoff.delayMs);
}
