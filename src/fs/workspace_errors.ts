/**
 * Mapping the errors of Deno's file APIs to {@linkcode FsError} codes.
 *
 * @module
 */

import { FS_ERROR_CODES, FsError, type FsErrorCode } from "./errors.ts";

const BY_CLASS: Array<[string, FsErrorCode]> = [
  ["NotFound", "ENOENT"],
  ["AlreadyExists", "EEXIST"],
  ["PermissionDenied", "EACCES"],
  ["NotCapable", "EACCES"],
  ["IsADirectory", "EISDIR"],
  ["NotADirectory", "ENOTDIR"],
  ["DirectoryNotEmpty", "ENOTEMPTY"],
  ["FilesystemLoop", "ELOOP"],
  ["Busy", "EBUSY"],
  ["NotSupported", "ENOTSUP"],
  ["BadResource", "EBADF"],
  ["InvalidData", "EINVAL"],
  ["TimedOut", "ETIMEDOUT"],
  ["Interrupted", "EIO"],
  ["WriteZero", "EIO"],
  ["UnexpectedEof", "EIO"],
];

/** Extra OS codes that are not in the closed set, mapped to one that is. */
const OS_ALIASES: Record<string, FsErrorCode> = {
  ENOTCAPABLE: "EACCES",
  EMLINK: "EMFILE",
  ENFILE: "EMFILE",
  EDQUOT: "ENOSPC",
  EOPNOTSUPP: "ENOTSUP",
  ETXTBSY: "EBUSY",
};

/**
 * The {@linkcode FsError} for an error thrown by a `Deno.*` file call.
 * FsErrors pass through unchanged. The message names `path` (the path
 * inside the service), never the host path.
 *
 * @example
 * ```ts
 * import { fsErrorFromDeno } from "./workspace_errors.ts";
 * try {
 *   Deno.statSync("/surely/not/here");
 * } catch (e) {
 *   console.log(fsErrorFromDeno(e, "/here").code); // "ENOENT"
 * }
 * ```
 */
export function fsErrorFromDeno(e: unknown, path: string): FsError {
  if (e instanceof FsError) return e;
  const osCode = (e as { code?: unknown })?.code;
  if (typeof osCode === "string") {
    if ((FS_ERROR_CODES as readonly string[]).includes(osCode)) {
      return new FsError(osCode as FsErrorCode, path);
    }
    if (OS_ALIASES[osCode]) return new FsError(OS_ALIASES[osCode], path, osCode);
  }
  for (const [name, code] of BY_CLASS) {
    const cls = (Deno.errors as Record<string, unknown>)[name];
    if (typeof cls === "function" && e instanceof (cls as new () => Error)) {
      return new FsError(code, path);
    }
  }
  const reason = e instanceof Error ? e.message.replace(/(\(os error \d+\)).*$/s, "$1") : String(e);
  return new FsError("EIO", path, reason);
}
