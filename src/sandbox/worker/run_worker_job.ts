/**
 * Running one job on a worker: the sandboxed runner, exactly as a local
 * run or a local benchmark trial, writing into the job's output folder in
 * the store; what goes back through the queue is kept small.
 *
 * @module
 */

import { join, relative } from "node:path/posix";
import type { JsonValue } from "../../services/json_value.ts";
import { runTrial } from "../bench/run_bench.ts";
import type { TrialResult } from "../bench/trial_result.ts";
import type { ChildPool } from "../runner/child_pool.ts";
import { RunRefusedError } from "../runner/preflight.ts";
import { runSandboxed } from "../runner/runner.ts";
import type { Store } from "./store.ts";
import { JobRefusedError, type ReadyJob, type WorkerJobResult } from "./worker_job.ts";

/**
 * The most characters a text of a result carries through the queue; the rest is in the store.
 *
 * @example
 * ```ts
 * import { MAX_RESULT_TEXT } from "./run_worker_job.ts";
 * console.log(MAX_RESULT_TEXT); // 16384
 * ```
 */
export const MAX_RESULT_TEXT = 16 * 1024;

/**
 * What a job runs with.
 *
 * @example
 * ```ts ignore
 * const ctx: JobContext = { store, queueName: "trials", pool, signal };
 * ```
 */
export interface JobContext {
  /** The store (inputs read, outputs written). */
  store: Store;
  /** The queue's name: outputs go to `outputs/<queue>/<job id>/`. */
  queueName: string;
  /** Children started ahead. */
  pool: ChildPool;
  /** Stops the job: it is then not reported (it runs again elsewhere). */
  signal: AbortSignal;
}

function cap(text: string | null): string | null {
  if (text === null || text.length <= MAX_RESULT_TEXT) return text;
  return `${text.slice(0, MAX_RESULT_TEXT)}… (cut; the whole text is in the output folder)`;
}

function smallTrialResult(r: TrialResult): TrialResult {
  return {
    ...r,
    error: cap(r.error),
    checker_error: cap(r.checker_error),
    verdict: r.verdict && { ...r.verdict, details: cap(r.verdict.details)! },
  };
}

function smallJson(value: unknown): JsonValue {
  const text = JSON.stringify(value ?? null);
  return text.length <= MAX_RESULT_TEXT ? JSON.parse(text) : {
    cut: `the result is ${text.length} characters: it is in the output folder's result.json`,
  };
}

/**
 * Runs job `jobId` into `outputs/<queue>/<job id>/` (emptied first: a job
 * run again replaces what an earlier attempt left).
 *
 * @returns the result, or undefined when the signal stopped it.
 * @throws {JobRefusedError} when the runner refuses the run's manifest.
 *
 * @example
 * ```ts ignore
 * const result = await runWorkerJob(lease.id, await readWorkerJob(lease.data, store, policy), ctx);
 * ```
 */
export async function runWorkerJob(
  jobId: string,
  job: ReadyJob,
  ctx: JobContext,
): Promise<WorkerJobResult | undefined> {
  const outRoot = ctx.store.outputDir(ctx.queueName, jobId);
  await Deno.remove(outRoot, { recursive: true }).catch(() => {});
  await Deno.mkdir(outRoot, { recursive: true });
  const { pool, signal } = ctx;
  if (job.type === "trial") {
    const result = await runTrial(job.manifest, job.trial, outRoot, pool, signal);
    if (result === undefined || signal.aborted) return undefined;
    const output = relative(ctx.store.root, join(outRoot, result.out_dir));
    return { type: "trial", result: smallTrialResult(result), output };
  }
  let report;
  try {
    report = await runSandboxed(job.manifest, { outDir: outRoot, pool, signal });
  } catch (e) {
    if (e instanceof RunRefusedError) throw new JobRefusedError(e.problems);
    throw e;
  }
  if (report.outcome === "interrupted" && signal.aborted) return undefined;
  return {
    type: "run",
    run_id: report.runId,
    outcome: report.outcome,
    exit_code: report.exitCode,
    error: cap(report.error ?? null),
    result: smallJson(report.result),
    duration_ms: report.durationMs,
    changes: report.changes.length,
    output: relative(ctx.store.root, outRoot),
  };
}
