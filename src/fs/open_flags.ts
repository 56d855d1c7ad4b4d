/**
 * Checking and completing {@linkcode OpenFlags}.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import type { OpenFlags } from "./types.ts";

/**
 * Open flags with every field decided.
 *
 * @example
 * ```ts
 * import { resolveOpenFlags } from "./open_flags.ts";
 * const f = resolveOpenFlags({ write: true }, "/a");
 * console.log(f.read, f.write); // false true
 * ```
 */
export type ResolvedOpenFlags = Required<OpenFlags>;

/** True for the names of OpenFlags' fields. */
function isFlagName(key: string): boolean {
  switch (key) {
    case "read":
    case "write":
    case "create":
    case "exclusive":
    case "truncate":
    case "append":
    case "directory":
    case "nonBlocking":
      return true;
    default:
      return false;
  }
}

/**
 * Checks `flags` and fills in the defaults: `read` is true unless only
 * writing was asked for; `append` implies `write`.
 *
 * @throws {FsError} EINVAL for a non-object, an unknown or non-boolean field,
 * or `truncate` without `write`.
 *
 * @example
 * ```ts
 * import { resolveOpenFlags } from "./open_flags.ts";
 * console.log(resolveOpenFlags(undefined, "/a").read); // true
 * ```
 */
export function resolveOpenFlags(
  flags: OpenFlags | undefined,
  path: string,
): ResolvedOpenFlags {
  if (flags === undefined) flags = {};
  if (flags === null || typeof flags !== "object") {
    throw new FsError("EINVAL", path, "open flags must be an object");
  }
  for (const key in flags) {
    if (!Object.hasOwn(flags, key)) continue;
    const value = (flags as Record<string, unknown>)[key];
    if (!isFlagName(key)) {
      throw new FsError("EINVAL", path, `unknown open flag "${key}"`);
    }
    if (value !== undefined && typeof value !== "boolean") {
      throw new FsError("EINVAL", path, `open flag "${key}" must be a boolean`);
    }
  }
  const write = flags.write === true || flags.append === true;
  const out: ResolvedOpenFlags = {
    read: flags.read ?? !write,
    write,
    create: flags.create === true,
    exclusive: flags.exclusive === true,
    truncate: flags.truncate === true,
    append: flags.append === true,
    directory: flags.directory === true,
    nonBlocking: flags.nonBlocking === true,
  };
  if (out.truncate && !out.write) {
    throw new FsError("EINVAL", path, "truncate needs write");
  }
  return out;
}

/**
 * True when the flags ask to change anything: write, create or truncate.
 *
 * @example
 * ```ts
 * import { resolveOpenFlags, wantsMutation } from "./open_flags.ts";
 * console.log(wantsMutation(resolveOpenFlags({ read: true }, "/a"))); // false
 * ```
 */
export function wantsMutation(flags: ResolvedOpenFlags): boolean {
  return flags.write || flags.create || flags.truncate || flags.append;
}
