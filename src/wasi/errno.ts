/**
 * From host errors to WASI errno values (DESIGN.md D3): each
 * {@linkcode FsErrorCode} maps to exactly one errno.
 *
 * @module
 */

import { FsError, type FsErrorCode } from "../fs/errors.ts";
import { ERRNO } from "./constants.ts";
import { GuestFault, WasiErrno } from "./errors.ts";

/**
 * The WASI errno for each file-contract error code. The type makes the map
 * total: a code added to the contract without an errno here fails to check.
 *
 * @example
 * ```ts
 * import { FS_ERRNO } from "./errno.ts";
 * console.log(FS_ERRNO.ENOENT, FS_ERRNO.EROFS); // 44 69
 * ```
 */
export const FS_ERRNO: Readonly<Record<FsErrorCode, number>> = Object.freeze({
  ENOENT: ERRNO.NOENT,
  EEXIST: ERRNO.EXIST,
  ENOTDIR: ERRNO.NOTDIR,
  EISDIR: ERRNO.ISDIR,
  ENOTEMPTY: ERRNO.NOTEMPTY,
  EACCES: ERRNO.ACCES,
  EPERM: ERRNO.PERM,
  EROFS: ERRNO.ROFS,
  EINVAL: ERRNO.INVAL,
  EXDEV: ERRNO.XDEV,
  EBADF: ERRNO.BADF,
  EBUSY: ERRNO.BUSY,
  EAGAIN: ERRNO.AGAIN,
  ENAMETOOLONG: ERRNO.NAMETOOLONG,
  ELOOP: ERRNO.LOOP,
  EMFILE: ERRNO.MFILE,
  EFBIG: ERRNO.FBIG,
  ENOSPC: ERRNO.NOSPC,
  ENOTSUP: ERRNO.NOTSUP,
  ENOSYS: ERRNO.NOSYS,
  EIO: ERRNO.IO,
  ECANCELED: ERRNO.CANCELED,
  ETIMEDOUT: ERRNO.TIMEDOUT,
});

/**
 * The errno for a host-side exception: an {@linkcode FsError} by its code,
 * a guest pointer fault as EFAULT, a {@linkcode WasiErrno} as its value,
 * anything else as EIO.
 *
 * @example
 * ```ts
 * import { FsError } from "@oanix/oanix";
 * import { errnoOf } from "./errno.ts";
 * console.log(errnoOf(new FsError("ENOTDIR", "/a"))); // 54
 * console.log(errnoOf(new TypeError("boom"))); // 29 (EIO)
 * ```
 */
export function errnoOf(e: unknown): number {
  if (e instanceof FsError) return FS_ERRNO[e.code] ?? ERRNO.IO;
  if (e instanceof WasiErrno) return e.errno;
  if (e instanceof GuestFault) return ERRNO.FAULT;
  return ERRNO.IO;
}

/**
 * The name of an errno value (`"NOENT"` for 44), for messages and tests.
 *
 * @example
 * ```ts
 * import { errnoName } from "./errno.ts";
 * console.log(errnoName(76)); // "NOTCAPABLE"
 * ```
 */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(ERRNO)) {
    if (value === errno) return name;
  }
  return `errno ${errno}`;
}
