/**
 * A benchmark's trials as queue jobs: each trial's manifest and its task's
 * checker, their inputs staged into the store, and an id per trial that is
 * the same every time the benchmark is submitted to the same output
 * folder (so a submitter that starts again cannot enqueue a trial twice).
 *
 * @module
 */

import type { JsonValue } from "../../services/json_value.ts";
import type { InputStager } from "../worker/stage_inputs.ts";
import { isTrialName, WORKER_JOB_FORMAT, type WorkerJobData } from "../worker/worker_job.ts";
import type { BenchConfig } from "./bench_config.ts";
import type { Trial } from "./run_bench.ts";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The queue job id of a trial of the benchmark run `runKey`.
 *
 * @example
 * ```ts
 * import { trialJobId } from "./queue_trial_jobs.ts";
 * console.log((await trialJobId("b1f2", "todos/careful/1")).startsWith("b1f2-")); // true
 * ```
 */
export async function trialJobId(runKey: string, trialId: string): Promise<string> {
  return `${runKey}-${(await sha256(trialId)).slice(0, 24)}`;
}

/**
 * The job of each trial, by trial id: inputs staged once per task × agent
 * (and checkers once per task).
 *
 * @throws {TypeError} for a task or agent name that cannot travel in a job.
 * @throws {StagingError} when an input cannot be staged.
 *
 * @example
 * ```ts ignore
 * const jobs = await trialJobs(config, plan.todo, new InputStager(store));
 * ```
 */
export async function trialJobs(
  config: BenchConfig,
  trials: Trial[],
  stager: InputStager,
): Promise<Map<string, WorkerJobData>> {
  const manifests = new Map<string, Promise<Record<string, unknown>>>();
  const checkers = new Map<string, Promise<Record<string, unknown>>>();
  const jobs = new Map<string, WorkerJobData>();
  for (const trial of trials) {
    for (const [what, name] of [["task", trial.task.name], ["agent", trial.agent.name]]) {
      if (!isTrialName(name)) {
        throw new TypeError(
          `${what} ${JSON.stringify(name)}: a queued benchmark's ${what} names become folder ` +
            "names on the workers: no /, \\ or control characters, not . or ..",
        );
      }
    }
    const cell = `${trial.task.name}\0${trial.agent.name}`;
    if (!manifests.has(cell)) {
      manifests.set(cell, stager.manifest(config.trialManifest(trial.task, trial.agent)));
    }
    if (!checkers.has(trial.task.name)) {
      checkers.set(trial.task.name, stager.program(trial.task.checker));
    }
    jobs.set(trial.id, {
      oanix: WORKER_JOB_FORMAT,
      type: "trial",
      trial: { id: trial.id, task: trial.task.name, agent: trial.agent.name, repeat: trial.repeat },
      manifest: await manifests.get(cell)! as { [key: string]: JsonValue },
      checker: await checkers.get(trial.task.name)! as { [key: string]: JsonValue },
    });
  }
  return jobs;
}
