/**
 * Running a host script job (`JobKind.hostScript`): `sh -c COMMAND` in a
 * subprocess. **Nothing confines it**: not the namespace, not Deno's
 * permissions. Script jobs (`JobKind.script`) run in the namespace instead
 * (`shell_job_runner.ts`).
 *
 * @module
 */

const FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

/** How to run one script. */
export interface ScriptRun {
  /** The shell command. */
  command: string;
  /** The working directory (a real directory). */
  cwd: string;
  /** The job's environment variables (added to PATH, nothing else). */
  env: Readonly<Record<string, string>>;
  /** Aborting kills the script's whole process group. */
  signal: AbortSignal;
  /** Receives stdout as it arrives. */
  onStdout: (chunk: Uint8Array) => void;
  /** Receives stderr as it arrives. */
  onStderr: (chunk: Uint8Array) => void;
}

function hostPath(): string {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "PATH" }).state === "granted") {
      return Deno.env.get("PATH") ?? FALLBACK_PATH;
    }
  } catch { /* no permission API: use the fallback */ }
  return FALLBACK_PATH;
}

/** Drains `stream` into `sink`; a failing sink loses its chunk, never the drain. */
async function pump(stream: ReadableStream<Uint8Array>, sink: (c: Uint8Array) => void) {
  for await (const chunk of stream) {
    try {
      sink(chunk);
    } catch { /* keep draining, or the child could block on a full pipe */ }
  }
}

/**
 * Runs `sh -c command` in `cwd` with a cleared environment (PATH plus the
 * job's variables), in its own process group, streaming its output. On
 * abort the whole group gets SIGKILL, and this waits for the process to
 * be reaped and its pipes to close before it settles.
 *
 * @returns the exit code (128 + signal number when killed by a signal)
 * @throws the abort reason when aborted.
 */
export async function runScript(run: ScriptRun): Promise<number> {
  const child = new Deno.Command("sh", {
    args: ["-c", run.command],
    cwd: run.cwd,
    clearEnv: true,
    env: { PATH: hostPath(), ...run.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const kill = () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* already gone */ }
  };
  if (run.signal.aborted) kill();
  else run.signal.addEventListener("abort", kill, { once: true });
  try {
    const [status] = await Promise.all([
      child.status,
      pump(child.stdout, run.onStdout),
      pump(child.stderr, run.onStderr),
    ]);
    if (run.signal.aborted) throw run.signal.reason;
    return status.code;
  } finally {
    run.signal.removeEventListener("abort", kill);
  }
}
