/**
 * The shell's limits: how many commands, loop iterations, output bytes
 * and milliseconds one run may take. just-bash enforces all four itself;
 * every other resource keeps its "hardened" profile value.
 *
 * @module
 */

import { describeValue } from "../services/json_value.ts";

/**
 * Bounds on one shell run. Each is optional; what is left out takes its
 * default (see {@linkcode DEFAULT_SHELL_LIMITS}).
 *
 * @example
 * ```ts
 * import type { ShellLimits } from "./shell_limits.ts";
 * const tight: ShellLimits = { maxCommands: 100, timeoutMs: 2_000 };
 * ```
 */
export interface ShellLimits {
  /** Commands executed in all (builtins, functions and commands in loops count). */
  maxCommands?: number;
  /** Iterations of any one `for`, `while` or `until` loop (and awk, sed, jq loops). */
  maxLoopIterations?: number;
  /**
   * Bytes the commands may produce in all, stdout and stderr together,
   * whether they reach the caller, a pipe or a file (just-bash counts every
   * byte a command writes). Past it the run stops with exit code 126 and
   * `truncated: true`.
   */
  maxOutputBytes?: number;
  /** Wall-clock time of the whole run. Past it the run stops with exit code 124 and `timedOut: true`. */
  timeoutMs?: number;
}

/**
 * The defaults: just-bash's "hardened" profile for untrusted scripts, with
 * output kept to what a caller (a log, a model's context) can use.
 *
 * @example
 * ```ts
 * import { DEFAULT_SHELL_LIMITS } from "./shell_limits.ts";
 * console.log(DEFAULT_SHELL_LIMITS.timeoutMs); // 30000
 * ```
 */
export const DEFAULT_SHELL_LIMITS: Readonly<Required<ShellLimits>> = Object.freeze({
  maxCommands: 10_000,
  maxLoopIterations: 10_000,
  maxOutputBytes: 10 * 1024 * 1024,
  timeoutMs: 30_000,
});

const KEYS = Object.keys(DEFAULT_SHELL_LIMITS) as (keyof ShellLimits)[];

/**
 * `limits` checked and completed with the defaults; `what` names them in
 * errors.
 *
 * @throws {TypeError} naming the bad field: every limit is a positive safe
 * integer; unknown fields are refused.
 *
 * @example
 * ```ts
 * import { resolveShellLimits } from "./shell_limits.ts";
 * console.log(resolveShellLimits({ maxCommands: 50 }).maxCommands); // 50
 * ```
 */
export function resolveShellLimits(
  limits: ShellLimits | undefined,
  what = "shell limits",
): Required<ShellLimits> {
  if (limits === undefined) return { ...DEFAULT_SHELL_LIMITS };
  if (limits === null || typeof limits !== "object" || Array.isArray(limits)) {
    throw new TypeError(`${what} must be an object, got ${describeValue(limits)}`);
  }
  for (const key of Object.keys(limits)) {
    if (!(KEYS as string[]).includes(key)) {
      throw new TypeError(`${what}: unknown field "${key}" (known: ${KEYS.join(", ")})`);
    }
  }
  const out = { ...DEFAULT_SHELL_LIMITS };
  for (const key of KEYS) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      throw new TypeError(
        `${what}: ${key} must be a positive integer, got ${
          typeof value === "number" ? value : describeValue(value)
        }`,
      );
    }
    out[key] = value;
  }
  return out;
}

/**
 * The just-bash execution limits for `limits`: our four, and loop bounds
 * for awk, sed and jq equal to the shell's.
 *
 * @example
 * ```ts
 * import { executionLimitsOf, resolveShellLimits } from "./shell_limits.ts";
 * console.log(executionLimitsOf(resolveShellLimits({})).maxCommandCount); // 10000
 * ```
 */
export function executionLimitsOf(limits: Required<ShellLimits>): {
  maxCommandCount: number;
  maxLoopIterations: number;
  maxAwkIterations: number;
  maxSedIterations: number;
  maxJqIterations: number;
  maxOutputSize: number;
  maxExecutionTimeMs: number;
} {
  return {
    maxCommandCount: limits.maxCommands,
    maxLoopIterations: limits.maxLoopIterations,
    maxAwkIterations: limits.maxLoopIterations,
    maxSedIterations: limits.maxLoopIterations,
    maxJqIterations: limits.maxLoopIterations,
    maxOutputSize: limits.maxOutputBytes,
    maxExecutionTimeMs: limits.timeoutMs,
  };
}
