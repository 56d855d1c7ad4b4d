/**
 * The environment variable names the shell's libraries read: kept apart
 * from the shell itself, so a runner can grant them without loading it.
 *
 * @module
 */

/**
 * The environment variables that libraries behind the shell's commands
 * read when they load (minimatch for `ls`, yaml for `yq`): debug switches
 * whose values never reach the script. A process granted no environment
 * access (`--no-prompt`, no `--allow-env`) must be granted these names
 * (`--allow-env=__MINIMATCH_TESTING_PLATFORM__,LOG_TOKENS,LOG_STREAM`), or
 * those commands fail with "Requires env access".
 *
 * @example
 * ```ts
 * import { SHELL_ENV_NAMES } from "./shell_env_names.ts";
 * console.log(`--allow-env=${SHELL_ENV_NAMES.join(",")}`);
 * ```
 */
export const SHELL_ENV_NAMES: readonly string[] = Object.freeze([
  "__MINIMATCH_TESTING_PLATFORM__",
  "LOG_TOKENS",
  "LOG_STREAM",
]);
