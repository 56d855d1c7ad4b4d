/**
 * Supervising one job run by `Scheduler.run()`: its timeout, its abort,
 * and the grace period it gets to let go.
 *
 * @module
 */

import { type JobRunnerDeps, runJob } from "./job_runner.ts";
import type { JobOutcome } from "./job_table.ts";
import type { ScheduledJob } from "./job_types.ts";
import type { OanixEnv } from "./oanix_env.ts";

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `job`, enforcing its timeout. On timeout the signal aborts with a
 * `TimeoutError`; on an outside abort (cancel) it just stops waiting. Either
 * way the work then gets up to `graceMs` to settle (a killed script is
 * reaped, a handler unwinds) before this returns.
 *
 * @returns how the job ended, or undefined when it was aborted from
 * outside (whoever aborted it records the outcome).
 */
export async function superviseJob(
  job: ScheduledJob,
  env: OanixEnv,
  deps: JobRunnerDeps,
  controller: AbortController,
  graceMs: number,
): Promise<JobOutcome | undefined> {
  const secs = job.spec.timeoutSecs;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const work = (async () => await runJob(job, env, controller.signal, deps))()
    .then((exitCode): JobOutcome => ({ state: "completed", exitCode }))
    .catch((e): JobOutcome => ({ state: "failed", error: errorText(e) }));
  const aborted = new Promise<undefined>((resolve) => {
    controller.signal.addEventListener("abort", () => resolve(undefined), { once: true });
    if (secs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(
          new DOMException(`job ${job.id} timed out after ${secs}s`, "TimeoutError"),
        );
      }, secs * 1000);
    }
  });
  const outcome = await Promise.race([work, aborted]);
  clearTimeout(timer);
  if (outcome !== undefined) return outcome;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work, new Promise((r) => (graceTimer = setTimeout(r, graceMs)))]);
  clearTimeout(graceTimer);
  return timedOut
    ? { state: "failed", error: `timed out after ${secs}s`, timedOut: true }
    : undefined;
}
