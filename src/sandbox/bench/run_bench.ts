/**
 * Running a benchmark: every task × agent × repeat as its own sandboxed run
 * (a pool of children started ahead), at most `concurrency` at a time, each
 * judged by its task's checker, each recorded as one line of
 * `results.jsonl` as soon as it ends. Running again resumes: recorded
 * trials are kept, the others run.
 *
 * @module
 */

import { join, resolve } from "node:path/posix";
import { ChildPool, type ChildPoolStats } from "../runner/child_pool.ts";
import { RunRefusedError } from "../runner/preflight.ts";
import type { RunReport } from "../runner/run_types.ts";
import { runSandboxed } from "../runner/runner.ts";
import type { BenchAgent, BenchConfig, BenchTask } from "./bench_config.ts";
import type { Manifest } from "../manifest/manifest.ts";
import { checkTrial } from "./checker.ts";
import { appendResult, readResults, type TrialResult } from "./trial_result.ts";

/**
 * One trial to run.
 *
 * @example
 * ```ts ignore
 * const t: Trial = { id: "find-todos/careful/1", task, agent, repeat: 1 };
 * ```
 */
export interface Trial {
  /** `task/agent/repeat`. */
  id: string;
  /** The task. */
  task: BenchTask;
  /** The agent. */
  agent: BenchAgent;
  /** The repeat, from 1. */
  repeat: number;
}

/**
 * Where a benchmark is.
 *
 * @example
 * ```ts
 * import type { BenchProgress } from "@oanix/oanix";
 * const line = (p: BenchProgress) => `${p.done}/${p.total}`;
 * ```
 */
export interface BenchProgress {
  /** Trials in this benchmark (after the filter). */
  total: number;
  /** Trials recorded, resumed ones included. */
  done: number;
  /** Trials recorded by an earlier run and kept. */
  resumed: number;
  /** Recorded trials that passed. */
  passed: number;
  /** Recorded trials that did not. */
  failed: number;
  /** Trials running now. */
  running: string[];
  /** Milliseconds since this run began. */
  elapsedMs: number;
  /** An estimate of the milliseconds left, once a trial has ended. */
  etaMs: number | null;
}

/**
 * Options for {@linkcode runBench}.
 *
 * @example
 * ```ts
 * import type { BenchOptions } from "@oanix/oanix";
 * const opts: BenchOptions = { outDir: "out/bench", filter: "careful", concurrency: 2 };
 * ```
 */
export interface BenchOptions {
  /** The benchmark's output folder: `results.jsonl`, `trials/`, the report. */
  outDir: string;
  /** Runs only the trials whose `task/agent/repeat` contains this text (or matches `/re/`). */
  filter?: string;
  /** Overrides the benchmark's repeats. */
  repeats?: number;
  /** Overrides the benchmark's concurrency. */
  concurrency?: number;
  /** Stops the benchmark: running trials are stopped and not recorded (they run again next time). */
  signal?: AbortSignal;
  /** Progress, at each trial's start and end. */
  onProgress?: (progress: BenchProgress) => void;
  /** Each trial as it is recorded. */
  onTrial?: (result: TrialResult) => void;
}

/**
 * What a benchmark run did.
 *
 * @example
 * ```ts
 * import type { BenchRun } from "@oanix/oanix";
 * const summary = (b: BenchRun) => `${b.ran} run, ${b.resumed} kept`;
 * ```
 */
export interface BenchRun {
  /** Every recorded trial of this benchmark (resumed ones included), in trial order. */
  results: TrialResult[];
  /** The output folder. */
  outDir: string;
  /** Trials in this benchmark. */
  total: number;
  /** Trials run now. */
  ran: number;
  /** Trials kept from an earlier run. */
  resumed: number;
  /** Whether the run was stopped before every trial was recorded. */
  interrupted: boolean;
  /** Wall time of this run. */
  durationMs: number;
  /**
   * How the pool of waiting children served the agents' runs in this
   * process: children started in all, and runs that found one waiting
   * (checkers run apart; none at all when the trials ran on workers).
   */
  children: Pick<ChildPoolStats, "started" | "takenReady">;
}

/** Every trial of `config`, grouped by task and agent (so a pool's children fit in turn). */
export function benchTrials(config: BenchConfig, repeats = config.repeats): Trial[] {
  const out: Trial[] = [];
  for (const task of config.tasks) {
    for (const agent of config.agents) {
      for (let repeat = 1; repeat <= repeats; repeat++) {
        out.push({ id: `${task.name}/${agent.name}/${repeat}`, task, agent, repeat });
      }
    }
  }
  return out;
}

function matcher(filter: string | undefined): (id: string) => boolean {
  if (filter === undefined || filter === "") return () => true;
  const re = /^\/(.*)\/$/.exec(filter);
  if (re) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(re[1]);
    } catch (e) {
      throw new TypeError(`--filter: not a regular expression: ${(e as Error).message}`);
    }
    return (id) => pattern.test(id);
  }
  return (id) => id.includes(filter);
}

function positive(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${what} must be a whole number from 1, got ${String(value)}`);
  }
  return value;
}

/**
 * What a run of a benchmark has to do: its trials (after the filter), what
 * earlier runs recorded in `results.jsonl`, and what is left.
 *
 * @example
 * ```ts ignore
 * const plan = await planBench(config, { outDir: "out/bench" });
 * console.log(plan.todo.length, "trials to run,", plan.resumed, "kept");
 * ```
 */
export interface BenchPlan {
  /** Every trial of this run. */
  trials: Trial[];
  /** Trials run at once. */
  concurrency: number;
  /** The output folder's `results.jsonl`. */
  resultsPath: string;
  /** Recorded results, by trial id. */
  recorded: Map<string, TrialResult>;
  /** The trials not recorded yet. */
  todo: Trial[];
  /** How many were recorded already. */
  resumed: number;
}

/**
 * Plans a run: checks the options, makes the output folder, reads what is
 * recorded.
 *
 * @throws {TypeError} for a bad option (filter, repeats, concurrency).
 *
 * @example
 * ```ts ignore
 * const { todo } = await planBench(await loadBenchConfig("bench.yaml"), { outDir: "out/b" });
 * ```
 */
export async function planBench(config: BenchConfig, options: BenchOptions): Promise<BenchPlan> {
  const repeats = positive(options.repeats, "repeats") ?? config.repeats;
  const concurrency = positive(options.concurrency, "concurrency") ?? config.concurrency;
  const wanted = matcher(options.filter);
  const trials = benchTrials(config, repeats).filter((t) => wanted(t.id));
  await Deno.mkdir(options.outDir, { recursive: true });
  const resultsPath = join(options.outDir, "results.jsonl");
  const recorded = new Map((await readResults(resultsPath)).results.map((r) => [r.trial, r]));
  const todo = trials.filter((t) => !recorded.has(t.id));
  return { trials, concurrency, resultsPath, recorded, todo, resumed: trials.length - todo.length };
}

/**
 * Runs a benchmark (or what is left of it).
 *
 * @throws {TypeError} for a bad option (filter, repeats, concurrency).
 *
 * @example
 * ```ts ignore
 * import { loadBenchConfig, runBench } from "@oanix/oanix";
 * const run = await runBench(await loadBenchConfig("bench.yaml"), { outDir: "out/bench" });
 * console.log(run.results.filter((r) => r.pass).length, "passed");
 * ```
 */
export async function runBench(config: BenchConfig, options: BenchOptions): Promise<BenchRun> {
  const started = performance.now();
  const { trials, concurrency, resultsPath, recorded, todo, resumed } = await planBench(
    config,
    options,
  );
  const running = new Set<string>();
  const durations: number[] = [];
  const count = () => {
    const rs = trials.map((t) => recorded.get(t.id)).filter((r) => r !== undefined);
    return { done: rs.length, passed: rs.filter((r) => r.pass).length };
  };
  const progress = () => {
    const { done, passed } = count();
    const mean = durations.length ? durations.reduce((a, b) => a + b) / durations.length : null;
    options.onProgress?.({
      total: trials.length,
      done,
      resumed,
      passed,
      failed: done - passed,
      running: [...running],
      elapsedMs: Math.round(performance.now() - started),
      etaMs: mean === null
        ? null
        : Math.round(mean * (trials.length - done) / Math.min(concurrency, todo.length || 1)),
    });
  };
  progress();
  // A child waiting for the next agent run of each trial in flight (checkers are not pooled).
  const pool = new ChildPool({ size: concurrency });
  const queue = [...todo];
  let ran = 0;
  const worker = async () => {
    for (let trial = queue.shift(); trial !== undefined; trial = queue.shift()) {
      if (options.signal?.aborted) return;
      running.add(trial.id);
      progress();
      const t0 = performance.now();
      const manifest = config.trialManifest(trial.task, trial.agent);
      const result = await runTrial(manifest, trial, options.outDir, pool, options.signal);
      running.delete(trial.id);
      if (result === undefined) return; // stopped: not recorded, runs again next time
      durations.push(performance.now() - t0);
      await appendResult(resultsPath, result);
      recorded.set(trial.id, result);
      ran++;
      options.onTrial?.(result);
      progress();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  } finally {
    await pool.close();
  }
  const { started: childrenStarted, takenReady } = pool.stats();
  return benchRunOf(trials, recorded, {
    outDir: options.outDir,
    ran,
    resumed,
    started,
    children: { started: childrenStarted, takenReady },
  });
}

/**
 * The report of a bench run: `trials`' recorded results in trial order,
 * and whether any is missing (the run was stopped first).
 *
 * @example
 * ```ts ignore
 * return benchRunOf(trials, recorded, { outDir, ran, resumed: 0, started, children });
 * ```
 */
export function benchRunOf(
  trials: readonly Trial[],
  recorded: ReadonlyMap<string, TrialResult>,
  run: Pick<BenchRun, "outDir" | "ran" | "resumed" | "children"> & { started: number },
): BenchRun {
  const results = trials.map((t) => recorded.get(t.id)).filter((r) => r !== undefined);
  return {
    results,
    outDir: run.outDir,
    total: trials.length,
    ran: run.ran,
    resumed: run.resumed,
    interrupted: results.length < trials.length,
    durationMs: Math.round(performance.now() - run.started),
    children: run.children,
  };
}

/**
 * The record of a trial that never ran (refused, or failed to start).
 *
 * @example
 * ```ts ignore
 * await appendResult(resultsPath, unrunTrialResult(trial, "the worker refused the job: ..."));
 * ```
 */
export function unrunTrialResult(trial: Trial, error: string): TrialResult {
  return {
    ...trialBase(trial),
    outcome: "failed",
    exit_code: 2,
    error,
    verdict: null,
    pass: false,
    score: 0,
    checker_error: null,
    duration_ms: 0,
    changes: 0,
    denied: 0,
    finished_at: new Date().toISOString(),
  };
}

function trialBase(trial: Trial) {
  return {
    trial: trial.id,
    task: trial.task.name,
    agent: trial.agent.name,
    repeat: trial.repeat,
    out_dir: join("trials", trial.task.name, trial.agent.name, String(trial.repeat)),
  };
}

/**
 * Runs `trial` (its agent with `manifest`) and its checker, writing under
 * `outDir`'s `trials/TASK/AGENT/REPEAT/`; undefined when it was stopped
 * (by the signal).
 *
 * @example
 * ```ts ignore
 * const result = await runTrial(config.trialManifest(t.task, t.agent), t, "out/b", pool, undefined);
 * ```
 */
export async function runTrial(
  manifest: Manifest,
  trial: Trial,
  outDir: string,
  pool: ChildPool,
  signal: AbortSignal | undefined,
): Promise<TrialResult | undefined> {
  const base = trialBase(trial);
  // Absolute: the checker's manifest names folders under it, and its child runs elsewhere.
  const dir = resolve(outDir, base.out_dir);
  // What an interrupted earlier attempt left is not this trial's.
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  let report: RunReport;
  try {
    report = await runSandboxed(manifest, { outDir: join(dir, "run"), pool, signal });
  } catch (e) {
    const error = e instanceof RunRefusedError
      ? `the run was refused: ${e.message}`
      : `the run failed to start: ${(e as Error).message}`;
    return unrunTrialResult(trial, error);
  }
  if (report.outcome === "interrupted") return undefined;
  // The checker runs without the pool: its grant names this trial's own folders, so no waiting
  // child could fit it, and one started for it would serve nothing (and push out the agent's).
  const check = await checkTrial(
    trial.task,
    manifest,
    report,
    join(dir, "run"),
    join(dir, "check"),
    {
      signal,
    },
  );
  if (signal?.aborted) return undefined;
  const denied = report.checks.reduce((n, c) => n + (c.denied ? c.count : 0), 0) +
    report.hostEvents.reduce((n, e) => {
      const d = e.data as Record<string, unknown> | undefined;
      return n + (d?.denied === true ? (typeof d.count === "number" ? d.count : 1) : 0);
    }, 0);
  const result: TrialResult = {
    ...base,
    outcome: report.outcome,
    exit_code: report.exitCode,
    error: report.error ?? null,
    verdict: check.verdict,
    pass: report.outcome === "completed" && check.verdict?.pass === true,
    score: check.verdict?.score ?? 0,
    checker_error: check.error,
    duration_ms: report.durationMs,
    changes: report.changes.length,
    denied,
    finished_at: new Date().toISOString(),
  };
  await Deno.writeTextFile(join(dir, "verdict.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}
