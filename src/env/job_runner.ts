/**
 * Running one job by its kind: custom handlers, the WASI hook, scripts in
 * the namespace, and host scripts.
 *
 * @module
 */

import { WorkspaceFs } from "../fs/workspace_fs.ts";
import { describeValue } from "../services/json_value.ts";
import type { ShellLimits } from "../shell/shell_limits.ts";
import type { CustomJobHandler, ScheduledJob, WasiRunner } from "./job_types.ts";
import type { OanixEnv } from "./oanix_env.ts";
import { runScript } from "./script_runner.ts";
import { runShellJob } from "./shell_job_runner.ts";

/** What running a job needs from its scheduler. */
export interface JobRunnerDeps {
  /** Custom handlers by name. */
  handlers: ReadonlyMap<string, CustomJobHandler>;
  /** The WASI hook, if one is set. */
  wasiRunner: WasiRunner | undefined;
  /** Whether host script jobs may run. */
  allowScripts: boolean;
  /** The limits of script jobs. */
  scriptLimits: ShellLimits;
}

function exitCodeOf(value: unknown, who: string): number {
  if (value === undefined) return 0;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  throw new TypeError(`${who} must return an integer exit code, got ${describeValue(value)}`);
}

/**
 * Runs `job` in `env` and returns its exit code.
 *
 * @throws an Error saying why the job could not run or failed.
 */
export async function runJob(
  job: ScheduledJob,
  env: OanixEnv,
  signal: AbortSignal,
  deps: JobRunnerDeps,
): Promise<number> {
  const kind = job.spec.kind;
  switch (kind.type) {
    case "custom": {
      const handler = deps.handlers.get(kind.name);
      if (handler === undefined) {
        throw new Error(
          `no handler is registered for custom job "${kind.name}" (use scheduler.handle("${kind.name}", fn))`,
        );
      }
      return exitCodeOf(await handler(job, env, signal), `the handler for "${kind.name}"`);
    }
    case "wasi": {
      if (deps.wasiRunner === undefined) {
        throw new Error(
          "WASI runtime not available: give the Scheduler a wasiRunner (new Scheduler({ wasiRunner }) or scheduler.setWasiRunner(fn))",
        );
      }
      const result = await deps.wasiRunner(env, job, signal);
      return exitCodeOf(result?.exitCode, "the WASI runner's exitCode");
    }
    case "script":
      return await runShellJob(kind.command, job, env, signal, deps.scriptLimits);
    case "hostScript":
      return await runHostScriptJob(kind.command, job, env, signal, deps);
  }
}

async function runHostScriptJob(
  command: string,
  job: ScheduledJob,
  env: OanixEnv,
  signal: AbortSignal,
  deps: JobRunnerDeps,
): Promise<number> {
  if (!deps.allowScripts) {
    throw new Error(
      "host script jobs are disabled: create the Scheduler with { allowScripts: true } " +
        "(JobKind.hostScript runs sh -c on the host, outside every wall; " +
        "JobKind.script runs inside the namespace and needs nothing)",
    );
  }
  const ws = env.mounted("/workspace");
  if (!(ws instanceof WorkspaceFs) || ws.readOnly) {
    const found = ws === undefined
      ? "nothing is mounted there"
      : ws instanceof WorkspaceFs
      ? "it is read-only"
      : `found a ${ws.kind} service`;
    throw new Error(
      `host script jobs need a read-write WorkspaceFs mounted at /workspace (${found}); a host script runs in a real directory, and under a CowFs it would change the original`,
    );
  }
  const logs = env.logs();
  return await runScript({
    command,
    cwd: ws.root,
    env: job.spec.envVars,
    signal,
    onStdout: (c) => logs?.writeStdout(c),
    onStderr: (c) => logs?.writeStderr(c),
  });
}
