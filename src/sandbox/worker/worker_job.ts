/**
 * What travels through the queue: a job (a run, or a benchmark trial) as
 * JSON data, and its result. A worker reads a job as untrusted input: the
 * manifest is validated again as a manifest file would be, its paths must
 * lie in the store's inputs, and the worker's policy must grant what it
 * asks for; otherwise the job is refused, alone, with the reason.
 *
 * @module
 */

import type { JsonValue } from "../../services/json_value.ts";
import type { BenchTask } from "../bench/bench_config.ts";
import type { Trial } from "../bench/run_bench.ts";
import type { TrialResult } from "../bench/trial_result.ts";
import { formatProblem, ManifestError, type ManifestProblem } from "../manifest/field_reader.ts";
import { type Manifest, validateManifest } from "../manifest/manifest.ts";
import { findEscapingSymlinks } from "../runner/symlink_scan.ts";
import { manifestHostPaths, programHostPaths } from "./manifest_paths.ts";
import type { Store } from "./store.ts";
import { policyProblems, type WorkerPolicy } from "./worker_policy.ts";

/**
 * The format of jobs this version writes and reads.
 *
 * @example
 * ```ts
 * import { WORKER_JOB_FORMAT } from "./worker_job.ts";
 * console.log(WORKER_JOB_FORMAT); // 1
 * ```
 */
export const WORKER_JOB_FORMAT = 1;

/**
 * A job: run a manifest (`run`), or run a benchmark trial and its checker
 * (`trial`). Paths inside are relative to the store's folder.
 *
 * @example
 * ```ts
 * import type { WorkerJobData } from "./worker_job.ts";
 * const job: WorkerJobData = {
 *   oanix: 1,
 *   type: "run",
 *   manifest: { mounts: { "/tmp": "mem" }, program: { wasi: "inputs/ab12/hello.wasm" } },
 * };
 * ```
 */
export type WorkerJobData =
  | { oanix: 1; type: "run"; manifest: { [key: string]: JsonValue } }
  | {
    oanix: 1;
    type: "trial";
    trial: { id: string; task: string; agent: string; repeat: number };
    manifest: { [key: string]: JsonValue };
    checker: { [key: string]: JsonValue };
  };

/**
 * What a worker reports: a small result (in the queue), and where the
 * output folder is, relative to the store's folder.
 *
 * @example
 * ```ts
 * import type { WorkerJobResult } from "./worker_job.ts";
 * const done = (r: WorkerJobResult) => r.type === "trial" ? r.result.pass : r.outcome === "completed";
 * ```
 */
export type WorkerJobResult =
  | { type: "trial"; result: TrialResult; output: string }
  | {
    type: "run";
    run_id: string;
    outcome: string;
    exit_code: number;
    error: string | null;
    result: JsonValue;
    duration_ms: number;
    changes: number;
    output: string;
  };

/**
 * A job as a worker runs it: validated, within policy, paths on this host.
 *
 * @example
 * ```ts ignore
 * const job = await readWorkerJob(lease.data, store, policy);
 * if (job.type === "trial") console.log(job.trial.id);
 * ```
 */
export type ReadyJob =
  | { type: "run"; manifest: Manifest }
  | { type: "trial"; manifest: Manifest; trial: Trial };

/**
 * The worker refuses a job: it is malformed, or asks for more than the
 * worker's policy grants. Such a job fails alone and is never retried.
 *
 * @example
 * ```ts
 * import { JobRefusedError } from "./worker_job.ts";
 * const e = new JobRefusedError([{ field: "limits.timeout", problem: "too long" }]);
 * console.log(e.message); // "the worker refused the job: limits.timeout: too long"
 * ```
 */
export class JobRefusedError extends Error {
  /** Every problem found. */
  readonly problems: ManifestProblem[];

  /**
   * Makes the error.
   *
   * @param problems what is wrong (at least one)
   */
  constructor(problems: ManifestProblem[]) {
    super(`the worker refused the job: ${problems.map(formatProblem).join("; ")}`);
    this.name = "JobRefusedError";
    this.problems = problems;
  }
}

/** A trial's task or agent name, usable as a folder name (control characters refused). */
// deno-lint-ignore no-control-regex
const TRIAL_NAME = /^(?!\.{1,2}$)[^/\\\0-\x1f]{1,100}$/;

/**
 * Whether a task or agent name can travel in a queued trial (it becomes a
 * folder name): 1 to 100 characters, no `/`, `\` or control characters,
 * not `.` or `..`.
 *
 * @example
 * ```ts
 * import { isTrialName } from "./worker_job.ts";
 * console.log(isTrialName("fix-add"), isTrialName("../x")); // true false
 * ```
 */
export function isTrialName(name: unknown): name is string {
  return typeof name === "string" && TRIAL_NAME.test(name);
}

function refuse(field: string, problem: string): never {
  throw new JobRefusedError([{ field, problem }]);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    refuse(field, "expected a mapping");
  }
  return value as Record<string, unknown>;
}

/** Validates manifest data; problems' fields get `prefix` (a checker's lose `program.`). */
function validated(data: unknown, baseDir: string, prefix: string): Manifest {
  try {
    return validateManifest(data, baseDir);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    const field = (f: string) => prefix === "checker." ? f.replace(/^program\.?/, "") : f;
    throw new JobRefusedError(
      e.problems.map((p) => ({
        field: `${prefix}${field(p.field)}`.replace(/\.$/, ""),
        problem: p.problem,
      })),
    );
  }
}

function checkTrialInfo(
  value: unknown,
): { id: string; task: string; agent: string; repeat: number } {
  const t = record(value, "trial");
  const extra = Object.keys(t).find((k) => !["id", "task", "agent", "repeat"].includes(k));
  if (extra !== undefined) refuse(`trial.${extra}`, "unknown key");
  for (const key of ["task", "agent"] as const) {
    if (!isTrialName(t[key])) {
      refuse(`trial.${key}`, "expected a name without /, \\ or control characters, not . or ..");
    }
  }
  if (typeof t.repeat !== "number" || !Number.isSafeInteger(t.repeat) || t.repeat < 1) {
    refuse("trial.repeat", "expected a whole number from 1");
  }
  const id = `${t.task}/${t.agent}/${t.repeat}`;
  if (t.id !== id) refuse("trial.id", `expected ${JSON.stringify(id)}`);
  return { id, task: t.task as string, agent: t.agent as string, repeat: t.repeat as number };
}

/**
 * Reads a job from the queue: checks its shape, validates its manifest
 * (and checker) against the store's folder, checks that every path it
 * names lies in the store's inputs (symlinks resolved), and holds it to the
 * policy. A job that names no disk limit gets the policy's.
 *
 * @throws {JobRefusedError} listing what is wrong.
 *
 * @example
 * ```ts ignore
 * const job = await readWorkerJob(lease.data, store, DEFAULT_WORKER_POLICY);
 * ```
 */
export async function readWorkerJob(
  data: unknown,
  store: Store,
  policy: WorkerPolicy,
): Promise<ReadyJob> {
  const d = record(data, "job");
  if (d.oanix !== WORKER_JOB_FORMAT) {
    refuse("oanix", `not an OANIX job of format ${WORKER_JOB_FORMAT}`);
  }
  if (d.type !== "run" && d.type !== "trial") refuse("type", `expected "run" or "trial"`);
  const keys = d.type === "run" ? ["oanix", "type", "manifest"] : [
    "oanix",
    "type",
    "manifest",
    "trial",
    "checker",
  ];
  const extra = Object.keys(d).find((k) => !keys.includes(k));
  if (extra !== undefined) refuse(extra, "unknown key");
  const manifest = validated(record(d.manifest, "manifest"), store.root, "manifest.");
  const paths = manifestHostPaths(manifest).map((p) => ({ ...p, field: `manifest.${p.field}` }));
  let trial: Trial | undefined;
  if (d.type === "trial") {
    const info = checkTrialInfo(d.trial);
    const checker = validated(
      { mounts: {}, program: record(d.checker, "checker") },
      store.root,
      "checker.",
    ).program!;
    paths.push(...programHostPaths(checker, "checker"));
    const task: BenchTask = { name: info.task, manifest, checker };
    trial = {
      id: info.id,
      task,
      agent: { name: info.agent, program: manifest.program!, mounts: {}, limits: {} },
      repeat: info.repeat,
    };
  }
  const problems = policyProblems(manifest, policy).map((p) => ({
    ...p,
    field: `manifest.${p.field}`,
  }));
  for (const p of paths) {
    if (p.kind === "secret") continue; // refused by the policy already
    const outside = await store.outsideInputs(p.path);
    if (outside !== undefined) problems.push({ field: p.field, problem: outside });
    if (p.root !== undefined && outside === undefined) {
      // A module's folder: the bundler reads its imports from it, through any symlink.
      const rootOutside = await store.outsideInputs(p.root);
      const links = rootOutside === undefined ? await findEscapingSymlinks(p.root) : [];
      const why = rootOutside ??
        (links.length > 0 ? `${p.root} holds symlinks that lead outside it` : undefined);
      if (why !== undefined) problems.push({ field: p.field, problem: `its folder: ${why}` });
    }
  }
  if (manifest.program === undefined) {
    problems.push({ field: "manifest.program", problem: "is required" });
  }
  if (problems.length > 0) throw new JobRefusedError(problems);
  manifest.limits.diskMb ??= policy.limits.diskMb;
  return trial === undefined ? { type: "run", manifest } : { type: "trial", manifest, trial };
}
