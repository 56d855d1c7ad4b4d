/**
 * OANIX's version, as `oanix --version` prints it (kept equal to the
 * package's `deno.json` by a test).
 *
 * @module
 */

/**
 * The package version.
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(VERSION); // e.g. "0.1.0"
 * ```
 */
export const VERSION = "0.2.0";
