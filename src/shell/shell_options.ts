/**
 * What `runShell` takes and gives back, and the checks on what it takes.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { normalizePath } from "../fs/path.ts";
import type { FileService } from "../fs/types.ts";
import { describeValue } from "../services/json_value.ts";
import { resolveShellLimits, type ShellLimits } from "./shell_limits.ts";

/**
 * How to run one script.
 *
 * @example
 * ```ts
 * import type { ShellOptions } from "./shell_options.ts";
 * const opts: ShellOptions = {
 *   cwd: "/workspace",
 *   env: { GREETING: "hello" },
 *   args: ["first", "second"],
 *   limits: { timeoutMs: 5_000 },
 *   onStdout: (chunk) => console.log(new TextDecoder().decode(chunk)),
 * };
 * ```
 */
export interface ShellOptions {
  /** The working directory, a namespace path; default `/workspace` when it is a directory, else `/`. */
  cwd?: string;
  /**
   * Variables added to the shell's own (HOME, which is the working
   * directory, PATH, PWD, ...). Nothing comes from the host's environment.
   */
  env?: Readonly<Record<string, string>>;
  /** The positional parameters `$1`, `$2`, ... */
  args?: readonly string[];
  /** Standard input, as text. */
  stdin?: string;
  /** Bounds on the run; see {@linkcode ShellLimits}. */
  limits?: ShellLimits;
  /** Aborting stops the run at its next step or wait; `runShell` then rejects with the reason. */
  signal?: AbortSignal;
  /**
   * Receives standard output as it is produced: each top-level command's
   * output when that command ends (just-bash gathers a command's output
   * before handing it on). A callback that throws loses its chunk, not the run.
   */
  onStdout?: (chunk: Uint8Array) => void;
  /** The same for standard error. */
  onStderr?: (chunk: Uint8Array) => void;
}

/**
 * How a run ended.
 *
 * @example
 * ```ts
 * import type { ShellResult } from "./shell_options.ts";
 * const ok = (r: ShellResult) => r.exitCode === 0 && !r.truncated && !r.timedOut;
 * ```
 */
export interface ShellResult {
  /**
   * The script's exit status: as in bash, 124 when the time ran out, 126
   * when another limit stopped it, 127 for a command not found, 2 for a
   * syntax error.
   */
  exitCode: number;
  /** All of standard output, as UTF-8 text. */
  stdout: string;
  /** All of standard error, as UTF-8 text; limit messages included. */
  stderr: string;
  /** True when the run was stopped by `maxOutputBytes`: the output is cut there. */
  truncated: boolean;
  /** True when the run was stopped by `timeoutMs`. */
  timedOut: boolean;
}

/** The options, checked, with the defaults filled in. */
export interface CheckedShellOptions {
  /** The working directory, normalised, known to be a directory. */
  cwd: string;
  /** The job's variables. */
  env: Record<string, string>;
  /** The positional parameters. */
  args: string[];
  /** Standard input, if any. */
  stdin: string | undefined;
  /** Every limit. */
  limits: Required<ShellLimits>;
  /** The caller's signal. */
  signal: AbortSignal | undefined;
  /** Where stdout goes as it comes. */
  onStdout: ((chunk: Uint8Array) => void) | undefined;
  /** Where stderr goes as it comes. */
  onStderr: ((chunk: Uint8Array) => void) | undefined;
}

const ENV_KEY = /^[^=\0]+$/;
const KNOWN = new Set(["cwd", "env", "args", "stdin", "limits", "signal", "onStdout", "onStderr"]);

function isDir(fs: FileService, path: string): boolean {
  try {
    return fs.stat(path).kind === "dir";
  } catch {
    return false;
  }
}

function checkCwd(fs: FileService, cwd: unknown): string {
  if (cwd === undefined) return isDir(fs, "/workspace") ? "/workspace" : "/";
  if (typeof cwd !== "string") {
    throw new TypeError(`runShell: cwd must be a string, got ${describeValue(cwd)}`);
  }
  const path = normalizePath(cwd);
  if (fs.stat(path).kind !== "dir") throw new FsError("ENOTDIR", path, "the working directory");
  return path;
}

function checkEnv(env: unknown): Record<string, string> {
  if (env === undefined) return {};
  if (env === null || typeof env !== "object" || Array.isArray(env)) {
    throw new TypeError(`runShell: env must be an object of strings, got ${describeValue(env)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_KEY.test(key)) {
      throw new TypeError(`runShell: env name ${JSON.stringify(key)} must not hold "=" or NUL`);
    }
    if (typeof value !== "string" || value.includes("\0")) {
      throw new TypeError(
        `runShell: env ${key} must be a string without NUL, got ${describeValue(value)}`,
      );
    }
    out[key] = value;
  }
  return out;
}

function checkArgs(args: unknown): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) {
    throw new TypeError(`runShell: args must be an array of strings, got ${describeValue(args)}`);
  }
  return args.map((a, i) => {
    if (typeof a !== "string" || a.includes("\0")) {
      throw new TypeError(
        `runShell: args[${i}] must be a string without NUL, got ${describeValue(a)}`,
      );
    }
    return a;
  });
}

function checkCallback(
  fn: unknown,
  name: string,
): ((chunk: Uint8Array) => void) | undefined {
  if (fn !== undefined && typeof fn !== "function") {
    throw new TypeError(`runShell: ${name} must be a function, got ${describeValue(fn)}`);
  }
  return fn as ((chunk: Uint8Array) => void) | undefined;
}

/**
 * `options` checked against `namespace`, with the defaults filled in.
 *
 * @throws {TypeError} naming the bad option (unknown ones included).
 * @throws {FsError} when `cwd` is missing (ENOENT) or not a directory (ENOTDIR).
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * import { checkShellOptions } from "./shell_options.ts";
 * const ns = Namespace.builder().mount("/workspace", new MemFs()).build();
 * console.log(checkShellOptions(ns, {}).cwd); // "/workspace"
 * ```
 */
export function checkShellOptions(fs: FileService, options: unknown): CheckedShellOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`runShell: options must be an object, got ${describeValue(options)}`);
  }
  const o = options as ShellOptions;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`runShell: unknown option "${key}"`);
  }
  if (o.stdin !== undefined && typeof o.stdin !== "string") {
    throw new TypeError(`runShell: stdin must be a string, got ${describeValue(o.stdin)}`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`runShell: signal must be an AbortSignal, got ${describeValue(o.signal)}`);
  }
  return {
    cwd: checkCwd(fs, o.cwd),
    env: checkEnv(o.env),
    args: checkArgs(o.args),
    stdin: o.stdin,
    limits: resolveShellLimits(o.limits, "runShell: limits"),
    signal: o.signal,
    onStdout: checkCallback(o.onStdout, "onStdout"),
    onStderr: checkCallback(o.onStderr, "onStderr"),
  };
}
