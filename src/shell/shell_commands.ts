// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * Which of just-bash's commands the shell offers. They work on the file
 * system they are given and nothing else, with these exceptions, which
 * stay out and answer "not available in this shell" (exit 127):
 *
 * - `sqlite3` runs its queries in a `node:worker_threads` worker that loads
 *   sql.js from the package folder; under Deno it fails ("process.connected
 *   is not supported in workers").
 * - `file` loads file-type, whose `debug` dependency reads the whole host
 *   environment (`Object.keys(process.env)`) when it loads.
 * - `python3`/`python` and `js-exec`/`node` (guest code in CPython or
 *   QuickJS workers) are never enabled.
 *
 * `curl` exists only when the namespace has `/cap/http`, and then goes
 * through it (see `capHttpFetch`).
 *
 * Some libraries the commands load read a few environment variables (debug
 * switches) when they load: see {@linkcode SHELL_ENV_NAMES}.
 *
 * @module
 */

import {
  type Command,
  type CommandName,
  defineCommand,
  getCommandNames,
} from "npm:just-bash@3.4.2";
export { SHELL_ENV_NAMES } from "./shell_env_names.ts";

/** Commands that stay out, with why. */
const LEFT_OUT: ReadonlyMap<string, string> = new Map([
  ["sqlite3", "its worker thread does not run under Deno"],
  ["file", "it would read the host's environment"],
  ["python3", "no guest interpreters run here"],
  ["python", "no guest interpreters run here"],
  ["js-exec", "no guest interpreters run here"],
  ["node", "no guest interpreters run here"],
]);

/**
 * The built-in commands the shell registers.
 *
 * @example
 * ```ts
 * import { shellCommandNames } from "./shell_commands.ts";
 * const names = shellCommandNames();
 * console.log(names.includes("grep"), names.includes("sqlite3")); // true false
 * ```
 */
export function shellCommandNames(): CommandName[] {
  return getCommandNames().filter((name) => !LEFT_OUT.has(name)) as CommandName[];
}

/**
 * Stand-ins for the commands left out, so a script that calls one learns
 * why (just-bash's own message speaks of browsers).
 *
 * @example
 * ```ts
 * import { unavailableCommands } from "./shell_commands.ts";
 * console.log(unavailableCommands().map((c) => c.name).includes("python3")); // true
 * ```
 */
export function unavailableCommands(): Command[] {
  return [...LEFT_OUT].map(([name, why]) =>
    defineCommand(name, () =>
      Promise.resolve({
        stdout: "",
        stderr: `bash: ${name}: not available in this shell (${why})\n`,
        exitCode: 127,
      }))
  );
}
