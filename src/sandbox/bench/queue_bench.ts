/**
 * A benchmark through a queue: the trials are staged into the store and
 * enqueued; workers anywhere run them; this follows the queue's events and
 * writes the same `results.jsonl` and trial folders as a local run (each
 * trial's folder copied from the store), each trial exactly once. Stopped
 * and started again, it resumes: recorded trials are kept; trials still
 * queued or running are not enqueued again, and their results are
 * collected when they come.
 *
 * @module
 */

import { cp } from "node:fs/promises";
import { join } from "node:path/posix";
import type { QueueBackend, QueueEvent, QueueJobInfo } from "../../env/queue/queue_backend.ts";
import type { JsonValue } from "../../services/json_value.ts";
import { openQueue, parseRedisQueueUrl } from "../../env/queue/queue_url.ts";
import { InputStager } from "../worker/stage_inputs.ts";
import { Store } from "../worker/store.ts";
import type { WorkerJobResult } from "../worker/worker_job.ts";
import type { BenchConfig } from "./bench_config.ts";
import { trialJobId, trialJobs } from "./queue_trial_jobs.ts";
import {
  type BenchOptions,
  type BenchRun,
  benchRunOf,
  planBench,
  type Trial,
  unrunTrialResult,
} from "./run_bench.ts";
import { appendResult, type TrialResult } from "./trial_result.ts";

/** How often jobs are looked up, besides their events (events can be missed across a restart). */
const RECONCILE_MS = 3000;

/**
 * Options for {@linkcode runQueuedBench}: a local run's, and the queue's.
 *
 * @example
 * ```ts ignore
 * const opts: QueuedBenchOptions = { outDir: "out/b", queue, queueName: "trials", store };
 * ```
 */
export interface QueuedBenchOptions extends BenchOptions {
  /** Where trials go. */
  queue: QueueBackend<JsonValue, JsonValue>;
  /** The queue's name (workers write to the store's `outputs/<name>/`). */
  queueName: string;
  /** The store the workers share. */
  store: Store;
  /** Tries per trial when a worker fails for its own reasons (default 3); refusals are final. */
  attempts?: number;
}

/** The run key of an output folder: made once, kept in `queue.json`, so job ids survive restarts. */
async function runKey(outDir: string): Promise<string> {
  const file = join(outDir, "queue.json");
  try {
    const saved = JSON.parse(await Deno.readTextFile(file));
    if (typeof saved?.run_key === "string" && /^[a-f0-9]{12}$/.test(saved.run_key)) {
      return saved.run_key;
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) && !(e instanceof SyntaxError)) throw e;
  }
  const key = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  await Deno.writeTextFile(file, JSON.stringify({ run_key: key }) + "\n");
  return key;
}

/** Whether `value` is a result of `trial`. */
function isResultOf(trial: Trial, value: unknown): value is TrialResult {
  const r = value as TrialResult | null;
  return r !== null && typeof r === "object" && r.trial === trial.id &&
    typeof r.pass === "boolean" && typeof r.out_dir === "string";
}

/** The trial result a worker reported, or why it cannot be taken. */
function reported(trial: Trial, value: unknown): TrialResult | string {
  const r = value as WorkerJobResult | null;
  if (r?.type !== "trial") return "the worker reported no trial result";
  return isResultOf(trial, r.result)
    ? r.result
    : `the worker reported a result that is not this trial's`;
}

/**
 * Runs a benchmark (or what is left of it) through a queue.
 *
 * @throws {TypeError} for a bad option or a task or agent name that
 * cannot travel in a job; `StagingError` when an input cannot be staged.
 *
 * @example
 * ```ts ignore
 * import { openQueue } from "../../env/queue/queue_url.ts";
 * const queue = await openQueue("redis://127.0.0.1:6379/trials");
 * const run = await runQueuedBench(config, {
 *   outDir: "out/bench", queue, queueName: "trials", store: await Store.open("oanix-store"),
 * });
 * ```
 */
export async function runQueuedBench(
  config: BenchConfig,
  options: QueuedBenchOptions,
): Promise<BenchRun> {
  const started = performance.now();
  const plan = await planBench(config, options);
  const { trials, recorded, todo, resultsPath } = plan;
  const { queue, store, signal } = options;
  const key = await runKey(options.outDir);
  const byJob = new Map<string, Trial>();
  for (const trial of todo) byJob.set(await trialJobId(key, trial.id), trial);
  const active = new Set<string>();
  const collecting = new Set<string>();
  const durations: number[] = [];
  let ran = 0;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();

  const progress = () => {
    const done = trials.filter((t) => recorded.has(t.id));
    const passed = done.filter((t) => recorded.get(t.id)!.pass).length;
    const mean = durations.length ? durations.reduce((a, b) => a + b) / durations.length : null;
    options.onProgress?.({
      total: trials.length,
      done: done.length,
      resumed: plan.resumed,
      passed,
      failed: done.length - passed,
      running: [...active].map((id) => byJob.get(id)!.id),
      elapsedMs: Math.round(performance.now() - started),
      etaMs: mean === null
        ? null
        : Math.round(mean * (trials.length - done.length) / Math.max(1, active.size)),
    });
  };

  const record = async (jobId: string, result: TrialResult) => {
    const trial = byJob.get(jobId)!;
    await appendResult(resultsPath, result);
    recorded.set(trial.id, result);
    byJob.delete(jobId);
    active.delete(jobId);
    durations.push(result.duration_ms);
    ran++;
    options.onTrial?.(result);
    progress();
    poke();
  };

  /** Records a finished job once: its trial folder copied from the store, its result appended. */
  const collect = async (
    jobId: string,
    info: Pick<QueueJobInfo, "state" | "result" | "reason">,
  ) => {
    const trial = byJob.get(jobId);
    if (trial === undefined || collecting.has(jobId)) return;
    collecting.add(jobId);
    try {
      if (info.state === "failed") {
        const reason = info.reason ?? "no reason given";
        const why = reason.startsWith("the worker refused") ? reason : `the job failed: ${reason}`;
        return await record(jobId, unrunTrialResult(trial, why));
      }
      const result = reported(trial, info.result);
      if (typeof result === "string") return await record(jobId, unrunTrialResult(trial, result));
      const from = join(store.outputDir(options.queueName, jobId), result.out_dir);
      const to = join(options.outDir, result.out_dir);
      await Deno.remove(to, { recursive: true }).catch(() => {});
      await cp(from, to, { recursive: true, verbatimSymlinks: true }).catch(() => {});
      // The whole result is in the folder's verdict.json; the queue carried a shortened one.
      const whole = await Deno.readTextFile(join(to, "verdict.json")).then(JSON.parse).catch(
        () => undefined,
      );
      await record(jobId, isResultOf(trial, whole) ? whole : result);
      await Deno.remove(store.outputDir(options.queueName, jobId), { recursive: true })
        .catch(() => {});
    } finally {
      collecting.delete(jobId);
    }
  };

  // Collections started by events; the first failure (a full disk) stops the run.
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const track = (work: Promise<void>) => {
    const p = work.catch((error) => {
      failure ??= { error };
      poke();
    }).finally(() => pending.delete(p));
    pending.add(p);
  };
  const onEvent = (e: QueueEvent) => {
    if (!byJob.has(e.id)) return;
    if (e.type === "active") active.add(e.id);
    else if (e.type === "stalled") active.delete(e.id);
    else if (e.type === "completed") track(collect(e.id, { state: "completed", result: e.result }));
    else if (e.type === "failed") track(collect(e.id, { state: "failed", reason: e.reason }));
    progress();
  };

  const jobs = await trialJobs(config, todo, new InputStager(store));
  const enqueue = (jobId: string) =>
    queue.enqueue(jobs.get(byJob.get(jobId)!.id)!, {
      id: jobId,
      attempts: options.attempts ?? 3,
      backoff: { type: "exponential", delayMs: 1000 },
    });
  /** Looks every pending job up: collects finished ones, enqueues lost ones again. */
  const reconcile = async () => {
    for (const jobId of [...byJob.keys()]) {
      const info = await queue.job(jobId);
      if (info === undefined) await enqueue(jobId);
      else if (info.state === "completed" || info.state === "failed") await collect(jobId, info);
      else if (info.state === "active") active.add(jobId);
    }
  };

  const unsubscribe = await queue.subscribe(onEvent);
  try {
    progress();
    for (const jobId of byJob.keys()) await enqueue(jobId);
    await reconcile();
    while (byJob.size > 0 && !signal?.aborted && failure === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, RECONCILE_MS);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          wake = undefined;
          resolve();
        }
        wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
      if (byJob.size > 0 && !signal?.aborted && failure === undefined) await reconcile();
    }
  } finally {
    unsubscribe();
    await Promise.all(pending);
  }
  if (failure !== undefined) throw failure.error;
  return benchRunOf(trials, recorded, {
    outDir: options.outDir,
    ran,
    resumed: plan.resumed,
    started,
    children: { started: 0, takenReady: 0 }, // the workers run them
  });
}

/**
 * Where a queued benchmark goes: the queue's URL and the store's folder.
 *
 * @example
 * ```ts
 * import type { QueueTarget } from "./queue_bench.ts";
 * const target: QueueTarget = { url: "redis://10.0.0.5:6379/trials", storeDir: "/mnt/oanix-store" };
 * ```
 */
export interface QueueTarget {
  /** `redis://HOST:PORT/NAME`. */
  url: string;
  /** The folder shared with the workers. */
  storeDir: string;
  /** Connection errors (the client reconnects by itself). */
  onError?: (error: Error) => void;
}

/**
 * Opens the queue and the store, runs the benchmark through them
 * ({@linkcode runQueuedBench}), and closes the queue.
 *
 * @throws {TypeError} for a bad URL or option; `Error` when Redis cannot be
 * reached; `StagingError` when an input cannot be staged.
 *
 * @example
 * ```ts ignore
 * const run = await runBenchOnQueue(config, { outDir: "out/b" }, {
 *   url: "redis://127.0.0.1:6379/trials",
 *   storeDir: "oanix-store",
 * });
 * ```
 */
export async function runBenchOnQueue(
  config: BenchConfig,
  options: BenchOptions,
  target: QueueTarget,
): Promise<BenchRun> {
  const address = parseRedisQueueUrl(target.url);
  const store = await Store.open(target.storeDir);
  const queue = await openQueue(target.url, target.onError ? { onError: target.onError } : {});
  try {
    return await runQueuedBench(config, { ...options, queue, queueName: address.name, store });
  } finally {
    await queue.close();
  }
}
