/**
 * A manifest's `program` section: a WASI module, a JS/TS agent module, or a
 * bash script run by the shell inside the namespace.
 *
 * ```yaml
 * program:
 *   wasi: agent.wasm          # or  module: agent/main.ts
 *                             # or  shell: "grep -rn TODO . > /task/result.json"
 *                             # or  shell_file: fix.sh
 *   args: [--verbose]
 *   env: { MODE: fast }
 *   max_commands: 10000       # shell scripts (and module agents with_shell)
 *   max_loop_iterations: 10000
 *   max_output: 10485760      # bytes the script's commands may write, files included
 * ```
 *
 * @module
 */

import type { FieldReader } from "./field_reader.ts";
import { resolveFrom } from "./host_path.ts";

/**
 * Bounds on a shell script (a shell program, or the shell a module agent
 * calls with `env.shell`); the time bound is the run's own `limits.timeout`.
 *
 * @example
 * ```ts
 * import type { ShellProgramLimits } from "@oanix/oanix";
 * const l: ShellProgramLimits = { maxCommands: 500, maxLoopIterations: 1000 };
 * ```
 */
export interface ShellProgramLimits {
  /** Commands the script may run in all. */
  maxCommands?: number;
  /** Iterations of any one loop. */
  maxLoopIterations?: number;
  /** Bytes its commands may write in all, to the output, pipes and files. */
  maxOutputBytes?: number;
}

/**
 * The program a run executes: a WASI module, a JS/TS agent module, or a
 * bash script run by OANIX's shell inside the namespace (never on the host).
 *
 * @example
 * ```ts
 * import type { ProgramSpec } from "@oanix/oanix";
 * const wasm: ProgramSpec = { kind: "wasi", path: "/srv/agent.wasm", args: [], env: {} };
 * const script: ProgramSpec = { kind: "shell", path: "", script: "ls", args: [], env: {} };
 * ```
 */
export interface ProgramSpec {
  /** `wasi` for a .wasm command module, `module` for a JS/TS agent, `shell` for a bash script. */
  kind: "wasi" | "module" | "shell";
  /** The absolute host path of the program file (empty for an inline shell script). */
  path: string;
  /** An inline shell script's text (`shell:`); a script file is read when the run starts. */
  script?: string;
  /** Arguments (WASI argv after the program name; `args` for a module; `$1`... for a script). */
  args: string[];
  /** Environment variables given to the program (never the host's). */
  env: Record<string, string>;
  /** Text for stdin (WASI programs and shell scripts). */
  stdin?: string;
  /** A host file whose bytes are stdin (WASI programs and shell scripts). */
  stdinFile?: string;
  /**
   * For a module agent: the folder its local imports must lie in (default:
   * the folder of its file). Packages (npm, JSR) may come from anywhere.
   */
  root?: string;
  /** For a module agent: give it `env.shell(script)`, the shell over its namespace. */
  withShell?: boolean;
  /** Bounds on the shell (shell scripts, and module agents with the shell). */
  shellLimits?: ShellProgramLimits;
}

const KINDS = ["wasi", "module", "shell", "shell_file"] as const;

/** Reads and checks a `program` section; relative paths resolve against `baseDir`. */
export function readProgram(r: FieldReader, baseDir: string): ProgramSpec {
  const given = KINDS.filter((k) => r.has(k));
  if (given.length !== 1) {
    throw r.error(
      r.path,
      given.length === 0
        ? "give one of wasi, module, shell or shell_file"
        : `give only one of ${given.join(", ")}`,
    );
  }
  const key = given[0];
  const value = r.string(key);
  const program: ProgramSpec = {
    kind: key === "shell_file" ? "shell" : key,
    path: key === "shell" ? "" : resolveFrom(baseDir, value),
    args: r.stringList("args"),
    env: r.stringMap("env"),
  };
  if (key === "shell") program.script = value;
  else if (/^[a-z]+:/i.test(value) && !/^file:/i.test(value)) {
    throw r.error([...r.path, key], "remote programs are refused: give a local file");
  }
  const stdin = r.raw("stdin");
  if (stdin !== undefined && stdin !== null) {
    if (typeof stdin !== "string") throw r.error([...r.path, "stdin"], "expected a string");
    program.stdin = stdin;
  }
  const stdinFile = r.optionalString("stdin_file");
  if (stdinFile !== undefined) program.stdinFile = resolveFrom(baseDir, stdinFile);
  if (program.kind === "module" && (program.stdin !== undefined || program.stdinFile)) {
    throw r.error([...r.path, "stdin"], "stdin is for wasi programs and shell scripts");
  }
  if (program.stdin !== undefined && program.stdinFile !== undefined) {
    throw r.error([...r.path, "stdin_file"], "give stdin or stdin_file, not both");
  }
  const root = r.optionalString("root");
  if (root !== undefined) {
    if (program.kind !== "module") throw r.error([...r.path, "root"], "root is for module agents");
    program.root = resolveFrom(baseDir, root);
  }
  const withShell = r.optionalBoolean("with_shell");
  if (withShell !== undefined && program.kind !== "module") {
    throw r.error([...r.path, "with_shell"], "with_shell is for module agents");
  }
  if (withShell) program.withShell = true;
  const limits = readShellLimits(r);
  if (Object.keys(limits).length > 0) {
    if (program.kind !== "shell" && !program.withShell) {
      const field = Object.keys(SHELL_LIMIT_KEYS).find((k) => r.has(k))!;
      throw r.error([...r.path, field], `${field} is for shell scripts and agents with_shell`);
    }
    program.shellLimits = limits;
  }
  r.done();
  return program;
}

const SHELL_LIMIT_KEYS = {
  max_commands: "maxCommands",
  max_loop_iterations: "maxLoopIterations",
  max_output: "maxOutputBytes",
} as const;

function readShellLimits(r: FieldReader): ShellProgramLimits {
  const limits: ShellProgramLimits = {};
  for (const [key, name] of Object.entries(SHELL_LIMIT_KEYS)) {
    const value = r.optionalInteger(key, 1);
    if (value !== undefined) limits[name] = value;
  }
  return limits;
}
