/**
 * The Scheduler's side of a shared queue: its submissions enqueued (in
 * order, failures reported back), and `run()`'s consumer loop: leases
 * from the queue (any producer's jobs), each renewed while it runs and
 * reported when it ends, until the queue has nothing waiting, delayed or
 * running anywhere.
 *
 * @module
 */

import type { JobSpec } from "../job_spec.ts";
import type { JobOutcome } from "../job_table.ts";
import { jobSpecData, jobSpecFromData } from "./job_data.ts";
import type { Lease, QueueBackend, QueueEvent } from "./queue_backend.ts";

/**
 * Runs one leased job (the Scheduler's part): its outcome, or undefined
 * when it was cancelled here.
 *
 * @example
 * ```ts
 * import type { RunLeased } from "./remote_jobs.ts";
 * const run: RunLeased = () => Promise.resolve({ state: "completed", exitCode: 0 });
 * ```
 */
export type RunLeased = (id: string, spec: JobSpec) => Promise<JobOutcome | undefined>;

/**
 * A Scheduler's jobs on a shared queue (see the module's description).
 *
 * @example
 * ```ts
 * import { MemoryQueue } from "./memory_queue.ts";
 * import { RemoteJobs } from "./remote_jobs.ts";
 * import { JobKind, JobSpec } from "../job_spec.ts";
 * const queue = new MemoryQueue();
 * const remote = new RemoteJobs(queue, () => {});
 * remote.enqueue("job-x-1", new JobSpec("env-1", JobKind.custom("noop")), console.error);
 * await remote.drain(2, () => Promise.resolve({ state: "completed", exitCode: 0 }));
 * console.log((await queue.job("job-x-1"))?.result); // { exitCode: 0 }
 * await queue.close();
 * ```
 */
export class RemoteJobs {
  readonly #queue: QueueBackend;
  readonly #onEvent: (event: QueueEvent) => void;
  readonly #pending = new Set<Promise<void>>();
  #listening: Promise<() => void> | undefined;

  /**
   * Makes the link.
   *
   * @param queue the shared queue
   * @param onEvent every event of the queue, from the first `drain`
   */
  constructor(queue: QueueBackend, onEvent: (event: QueueEvent) => void) {
    this.#queue = queue;
    this.#onEvent = onEvent;
  }

  #track(work: Promise<unknown>): void {
    const p: Promise<void> = work.then(() => {}, () => {}).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /**
   * Enqueues `spec` as job `id`; `onError` hears why when that fails.
   *
   * @throws {TypeError} at once when the spec cannot travel (a WASI module as bytes).
   */
  enqueue(id: string, spec: JobSpec, onError: (message: string) => void): void {
    const data = jobSpecData(spec);
    this.#track(
      this.#queue.enqueue(data, { id, priority: spec.priority }).catch((e) =>
        onError(`the job could not be enqueued: ${(e as Error).message}`)
      ),
    );
  }

  /** Removes a job that has not started (a job already taken elsewhere runs to its end). */
  cancel(id: string): void {
    this.#track(this.#queue.cancel(id));
  }

  /**
   * Runs jobs from the queue, `maxConcurrent` at a time, with `run`, until
   * the queue has nothing waiting, delayed or running anywhere.
   */
  async drain(maxConcurrent: number, run: RunLeased): Promise<void> {
    await Promise.all(this.#pending);
    await (this.#listening ??= this.#queue.subscribe(this.#onEvent));
    let busy = 0;
    const idle = async () => {
      const c = await this.#queue.counts();
      return busy === 0 && c.waiting + c.delayed + c.active === 0;
    };
    const slot = async () => {
      for (;;) {
        const lease = await this.#queue.lease({ waitMs: 500 });
        if (lease === undefined) {
          if (busy === 0 && await idle()) return;
          continue;
        }
        busy++;
        try {
          await this.#runLease(lease, run);
        } finally {
          busy--;
        }
      }
    };
    await Promise.all(Array.from({ length: maxConcurrent }, slot));
    await Promise.all(this.#pending);
  }

  async #runLease(lease: Lease, run: RunLeased): Promise<void> {
    let spec: JobSpec;
    try {
      spec = jobSpecFromData(lease.data);
    } catch (e) {
      await lease.fail(`malformed job: ${(e as Error).message}`, { retry: false }).catch(() => {});
      return;
    }
    const beat = setInterval(
      () => lease.heartbeat().catch(() => {}),
      Math.max(50, Math.floor(this.#queue.lockMs / 3)),
    );
    try {
      const outcome = await run(lease.id, spec);
      if (outcome?.state === "completed") await lease.complete({ exitCode: outcome.exitCode });
      else await lease.fail(outcome?.error ?? "cancelled", { retry: false });
    } catch {
      // The lease was lost (another consumer has the job now), or the queue is gone: the
      // job's record here says how it ended; the queue runs it again if it must.
    } finally {
      clearInterval(beat);
    }
  }
}
