/**
 * A worker: takes jobs from a queue, up to `concurrency` at a time, runs
 * each in the sandbox (a pool of children started ahead), and reports it.
 * While a job runs its lease is renewed; a worker that dies stops renewing,
 * and the queue gives the job to another worker. A worker that is stopped
 * (its signal) stops its runs and gives their jobs back at once.
 *
 * @module
 */

import { LeaseLostError } from "../../env/queue/queue_backend.ts";
import type { Lease, QueueBackend } from "../../env/queue/queue_backend.ts";
import type { JsonValue } from "../../services/json_value.ts";
import { ChildPool } from "../runner/child_pool.ts";
import { runWorkerJob } from "./run_worker_job.ts";
import type { Store } from "./store.ts";
import { JobRefusedError, readWorkerJob, type WorkerJobResult } from "./worker_job.ts";
import { DEFAULT_WORKER_POLICY, type WorkerPolicy } from "./worker_policy.ts";

/**
 * What happened to a job on this worker: `took` it, `done` (reported),
 * `refused` (malformed or beyond the policy: failed for good), `failed`
 * (an error of this host: retried while attempts remain), `released`
 * (the worker stopped), `lost` (its lease lapsed: another worker has it).
 *
 * @example
 * ```ts
 * import type { WorkerEvent } from "./queue_worker.ts";
 * const line = (e: WorkerEvent) => `${e.type} ${e.label}${e.detail ? `: ${e.detail}` : ""}`;
 * ```
 */
export interface WorkerEvent {
  /** What happened. */
  type: "took" | "done" | "refused" | "failed" | "released" | "lost";
  /** The job's id. */
  jobId: string;
  /** The trial's id, or the job's. */
  label: string;
  /** A word on it: the outcome, or the reason. */
  detail?: string;
}

/**
 * Options for {@linkcode runQueueWorker}.
 *
 * @example
 * ```ts ignore
 * const opts: QueueWorkerOptions = { queue, queueName: "trials", store, concurrency: 2 };
 * ```
 */
export interface QueueWorkerOptions {
  /** Where jobs come from. */
  queue: QueueBackend<JsonValue, JsonValue>;
  /** The queue's name (outputs go to `outputs/<name>/`). */
  queueName: string;
  /** The shared store. */
  store: Store;
  /** Jobs at once (default 1). */
  concurrency?: number;
  /** What a job may ask for (default {@linkcode DEFAULT_WORKER_POLICY}). */
  policy?: WorkerPolicy;
  /** Stops the worker: running jobs are stopped and given back. */
  signal?: AbortSignal;
  /** Each job's progress. */
  onEvent?: (event: WorkerEvent) => void;
}

/**
 * How many jobs a worker handled, by how they ended.
 *
 * @example
 * ```ts
 * import type { WorkerSummary } from "./queue_worker.ts";
 * const s: WorkerSummary = { done: 3, refused: 0, failed: 0, released: 1, lost: 0 };
 * ```
 */
export type WorkerSummary = Record<Exclude<WorkerEvent["type"], "took">, number>;

function labelOf(data: JsonValue, id: string): string {
  const trial = (data as { trial?: { id?: unknown } } | null)?.trial;
  return typeof trial?.id === "string" ? trial.id : id;
}

/**
 * Runs a worker until `signal` aborts.
 *
 * @throws {TypeError} for a bad concurrency.
 *
 * @example
 * ```ts ignore
 * import { openQueue } from "../../env/queue/queue_url.ts";
 * const queue = await openQueue("redis://127.0.0.1:6379/trials");
 * const stop = new AbortController();
 * await runQueueWorker({ queue, queueName: "trials", store: await Store.open("store"), signal: stop.signal });
 * ```
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<WorkerSummary> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`worker: concurrency must be a whole number from 1, got ${concurrency}`);
  }
  const policy = options.policy ?? DEFAULT_WORKER_POLICY;
  const stop = options.signal ?? new AbortController().signal;
  const summary: WorkerSummary = { done: 0, refused: 0, failed: 0, released: 0, lost: 0 };
  const tell = (event: WorkerEvent) => {
    if (event.type !== "took") summary[event.type]++;
    options.onEvent?.(event);
  };
  // A child waiting for the next run of each job in flight (a trial's checker is not pooled).
  const pool = new ChildPool({ size: concurrency });
  const slot = async () => {
    while (!stop.aborted) {
      const lease = await options.queue.lease({ waitMs: 30_000, signal: stop });
      if (lease !== undefined) await handle(lease);
    }
  };
  const handle = async (lease: Lease<JsonValue, JsonValue>) => {
    const label = labelOf(lease.data, lease.id);
    const base = { jobId: lease.id, label };
    tell({ type: "took", ...base, detail: `attempt ${lease.attempt} of ${lease.attempts}` });
    const job = new AbortController();
    const onStop = () => job.abort(stop.reason);
    stop.addEventListener("abort", onStop, { once: true });
    let lost = false;
    const beat = setInterval(() => {
      lease.heartbeat().catch((e) => {
        if (!(e instanceof LeaseLostError)) return; // Redis away: the next beat tries again
        lost = true;
        job.abort(e);
      });
    }, Math.max(50, Math.floor(options.queue.lockMs / 3)));
    try {
      let result: WorkerJobResult | undefined;
      try {
        const ready = await readWorkerJob(lease.data, options.store, policy);
        result = await runWorkerJob(lease.id, ready, {
          store: options.store,
          queueName: options.queueName,
          pool,
          signal: job.signal,
        });
      } catch (e) {
        if (lost) throw new LeaseLostError(lease.id);
        const refused = e instanceof JobRefusedError;
        const reason = (e as Error).message;
        const outcome = await lease.fail(reason, { retry: !refused });
        tell({ type: refused ? "refused" : "failed", ...base, detail: `${reason} (${outcome})` });
        return;
      }
      if (lost) throw new LeaseLostError(lease.id);
      if (result === undefined) {
        await lease.release();
        tell({ type: "released", ...base });
        return;
      }
      await lease.complete(result as unknown as JsonValue);
      const detail = result.type === "trial"
        ? (result.result.pass ? "passed" : `failed (${result.result.outcome})`)
        : result.outcome;
      tell({ type: "done", ...base, detail });
    } catch (e) {
      if (e instanceof LeaseLostError) {
        tell({ type: "lost", ...base, detail: "its lease lapsed; another worker has it" });
      } else {
        // It could not be reported: its lease lapses and another worker takes it up.
        tell({ type: "failed", ...base, detail: `could not report it: ${(e as Error).message}` });
      }
    } finally {
      clearInterval(beat);
      stop.removeEventListener("abort", onStop);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, slot));
  } finally {
    await pool.close();
  }
  return summary;
}
