/**
 * The one error type of the file contract.
 *
 * Every failing file operation throws an {@linkcode FsError} whose `code`
 * comes from the closed set {@linkcode FS_ERROR_CODES}. Each code maps to
 * exactly one WASI errno (see `src/wasi/errno.ts`), and each message names
 * the path it concerns.
 *
 * @module
 */

/**
 * The closed set of error codes a file operation may fail with.
 *
 * @example
 * ```ts
 * import { FS_ERROR_CODES } from "@oanix/oanix";
 * console.log(FS_ERROR_CODES.includes("ENOENT")); // true
 * ```
 */
export const FS_ERROR_CODES = [
  "ENOENT",
  "EEXIST",
  "ENOTDIR",
  "EISDIR",
  "ENOTEMPTY",
  "EACCES",
  "EPERM",
  "EROFS",
  "EINVAL",
  "EXDEV",
  "EBADF",
  "EBUSY",
  "EAGAIN",
  "ENAMETOOLONG",
  "ELOOP",
  "EMFILE",
  "EFBIG",
  "ENOSPC",
  "ENOTSUP",
  "ENOSYS",
  "EIO",
  "ECANCELED",
  "ETIMEDOUT",
] as const;

/**
 * A code from {@linkcode FS_ERROR_CODES}.
 *
 * @example
 * ```ts
 * import type { FsErrorCode } from "@oanix/oanix";
 * const code: FsErrorCode = "EROFS";
 * ```
 */
export type FsErrorCode = typeof FS_ERROR_CODES[number];

const DESCRIPTIONS: Record<FsErrorCode, string> = {
  ENOENT: "no such file or directory",
  EEXIST: "file exists",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ENOTEMPTY: "directory not empty",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EINVAL: "invalid argument",
  EXDEV: "cross-device link",
  EBADF: "bad file handle",
  EBUSY: "resource busy",
  EAGAIN: "resource temporarily unavailable",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
  EFBIG: "file too large",
  ENOSPC: "no space left",
  ENOTSUP: "operation not supported",
  ENOSYS: "function not implemented",
  EIO: "input/output error",
  ECANCELED: "operation canceled",
  ETIMEDOUT: "timed out",
};

/**
 * A file operation failed. `code` says how, `path` says where, and
 * `message` reads like `ENOENT: no such file or directory: /spec.json`,
 * followed by a reason when there is one.
 *
 * @example
 * ```ts
 * import { FsError, MemFs, readFile } from "@oanix/oanix";
 * try {
 *   readFile(new MemFs(), "/missing");
 * } catch (e) {
 *   if (e instanceof FsError) console.log(e.code); // "ENOENT"
 * }
 * ```
 */
export class FsError extends Error {
  /** The error code, from a closed set. */
  readonly code: FsErrorCode;
  /** The path the operation concerned, when there is one. */
  readonly path: string | undefined;
  /** A human-readable reason beyond the code, when there is one. */
  readonly reason: string | undefined;

  /**
   * Makes an error for `code` at `path`, with an optional reason.
   *
   * @param code the error code
   * @param path the path concerned
   * @param reason a readable reason, added to the message
   */
  constructor(code: FsErrorCode, path?: string, reason?: string) {
    const where = path === undefined ? "" : `: ${path}`;
    const why = reason === undefined ? "" : ` (${reason})`;
    super(`${code}: ${DESCRIPTIONS[code]}${where}${why}`);
    this.name = "FsError";
    this.code = code;
    this.path = path;
    this.reason = reason;
  }
}

/**
 * True when `e` is an {@linkcode FsError}, optionally with the given code.
 *
 * @example
 * ```ts
 * import { FsError, isFsError } from "@oanix/oanix";
 * console.log(isFsError(new FsError("EROFS", "/a"), "EROFS")); // true
 * ```
 */
export function isFsError(e: unknown, code?: FsErrorCode): e is FsError {
  return e instanceof FsError && (code === undefined || e.code === code);
}
