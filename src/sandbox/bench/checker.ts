/**
 * Judging a trial: the task's checker runs in a sandbox of its own over the
 * trial's final state (each copy-on-write workspace as the agent left it,
 * read-only) with the trial's output folder at `/trial`, and writes its
 * verdict `{ pass, score, details }` to `/task/result.json`.
 *
 * @module
 */

import { cp } from "node:fs/promises";
import { join } from "node:path/posix";
import type { Manifest, MountSpec } from "../manifest/manifest.ts";
import { applyChangesToFolder } from "../runner/apply_changes.ts";
import type { ChangeRecord } from "../runner/run_protocol.ts";
import type { RunOptions, RunReport } from "../runner/run_types.ts";
import { runSandboxed } from "../runner/runner.ts";
import type { BenchTask } from "./bench_config.ts";
import type { Verdict } from "./trial_result.ts";

/** A mount point as a folder name. */
function folderName(point: string): string {
  return point.replace(/^\/+/, "").replaceAll("/", "_") || "root";
}

/**
 * The checker's environment: the trial's mounts with each `cow` workspace
 * replaced by a read-only copy of its final state (made under `finalDir`),
 * the trial's output folder at `/trial`, no network capability, and the
 * checker as the program.
 */
async function checkerManifest(
  task: BenchTask,
  trial: Manifest,
  changes: ChangeRecord[],
  trialOut: string,
  finalDir: string,
): Promise<Manifest> {
  const mounts: Record<string, MountSpec> = {};
  for (const [point, spec] of Object.entries(trial.mounts)) {
    if (spec.type === "http" || spec.type === "ws" || spec.type === "nostr") continue;
    if (spec.type === "workspace" && spec.mode === "cow") {
      const final = join(finalDir, folderName(point));
      await cp(spec.path, final, { recursive: true, verbatimSymlinks: true });
      await applyChangesToFolder(final, changes.filter((c) => c.mount === point));
      mounts[point] = { type: "workspace", path: final, mode: "ro" };
    } else mounts[point] = spec;
  }
  mounts["/trial"] = { type: "map", dir: trialOut };
  return {
    baseDir: trial.baseDir,
    ...(trial.task ? { task: trial.task } : {}),
    mounts,
    program: task.checker,
    limits: trial.limits,
  };
}

/** What a check gave. */
export interface CheckOutcome {
  /** The verdict, or null when the checker gave none. */
  verdict: Verdict | null;
  /** Why there is no verdict. */
  error: string | null;
}

function verdictOf(result: unknown): Verdict | string {
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    return "the checker wrote no verdict object to /task/result.json";
  }
  const r = result as Record<string, unknown>;
  if (typeof r.pass !== "boolean") return "the verdict's pass is not true or false";
  const score = r.score === undefined ? (r.pass ? 1 : 0) : r.score;
  if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
    return "the verdict's score is not a number from 0 to 1";
  }
  return { pass: r.pass, score, details: typeof r.details === "string" ? r.details : "" };
}

/**
 * Runs the task's checker over a finished trial; never throws for what the
 * checker does (a crash, a bad verdict): that is a trial without a verdict.
 *
 * @example
 * ```ts ignore
 * const { verdict, error } = await checkTrial(task, manifest, report, "out/t1", "out/t1/check");
 * ```
 */
export async function checkTrial(
  task: BenchTask,
  trial: Manifest,
  report: RunReport,
  trialOut: string,
  checkOut: string,
  options: Pick<RunOptions, "pool" | "signal"> = {},
): Promise<CheckOutcome> {
  try {
    const finalDir = join(checkOut, "final");
    await Deno.mkdir(finalDir, { recursive: true });
    const manifest = await checkerManifest(task, trial, report.changes, trialOut, finalDir);
    const run = await runSandboxed(manifest, { ...options, outDir: join(checkOut, "run") });
    if (run.outcome !== "completed") {
      return { verdict: null, error: `the checker ${run.outcome}: ${run.error ?? "no reason"}` };
    }
    const v = verdictOf(run.result);
    return typeof v === "string" ? { verdict: null, error: v } : { verdict: v, error: null };
  } catch (e) {
    return { verdict: null, error: `the checker could not run: ${(e as Error).message}` };
  }
}
