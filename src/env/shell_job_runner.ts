/**
 * Running a script job: a bash script inside the job's namespace, through
 * the shell (`runShell`), its output streamed to the LogsFs at `/logs`.
 *
 * @module
 */

import type { FileService } from "../fs/types.ts";
import type { ShellLimits } from "../shell/shell_limits.ts";
import type { ScheduledJob } from "./job_types.ts";
import type { OanixEnv } from "./oanix_env.ts";

/** The shell's entry, as the job runner calls it. */
type RunShell = (
  namespace: FileService,
  script: string,
  options: {
    env: Record<string, string>;
    limits: ShellLimits;
    signal: AbortSignal;
    onStdout: (chunk: string) => void;
    onStderr: (chunk: string) => void;
  },
) => Promise<{ exitCode: number }>;

/**
 * The shell, loaded the first time a script job runs: it brings a bash
 * interpreter and its commands (npm `just-bash`, tens of MB), which no other
 * part of OANIX needs, so it is kept out of the module graph of `mod.ts`
 * (the specifier is computed on purpose).
 */
let shell: Promise<RunShell> | undefined;
function loadShell(): Promise<RunShell> {
  const url = new URL("../shell/run_shell.ts", import.meta.url).href;
  return shell ??= import(url).then((m: { runShell: RunShell }) => m.runShell);
}

/**
 * Runs `command` in `env`'s namespace, with the job's variables, in
 * `/workspace` when the namespace has it (else `/`). Stdout and stderr go
 * to the LogsFs mounted at `/logs`, when there is one, as each top-level
 * command ends.
 *
 * @returns the script's exit status (124 when `limits.timeoutMs` ran out,
 * 126 for another limit).
 * @throws the signal's reason when `signal` aborts (timeout or cancel).
 *
 * @example
 * ```ts
 * import { EnvBuilder, JobKind, JobSpec, LogsFs } from "@oanix/oanix";
 * import { runShellJob } from "./shell_job_runner.ts";
 * const logs = new LogsFs();
 * const env = new EnvBuilder().mount("/logs", logs).build();
 * const job = { id: "job-1", spec: new JobSpec(env.id, JobKind.script("echo hi")) };
 * const code = await runShellJob("echo hi", job, env, new AbortController().signal, {});
 * console.log(code, logs.stdout()); // 0 "hi\n"
 * ```
 */
export async function runShellJob(
  command: string,
  job: ScheduledJob,
  env: OanixEnv,
  signal: AbortSignal,
  limits: ShellLimits,
): Promise<number> {
  const logs = env.logs();
  const runShell = await loadShell();
  const result = await runShell(env.namespace, command, {
    env: { ...job.spec.envVars },
    limits,
    signal,
    onStdout: (c) => logs?.writeStdout(c),
    onStderr: (c) => logs?.writeStderr(c),
  });
  return result.exitCode;
}
