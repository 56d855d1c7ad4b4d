/**
 * WASI rights as capabilities: what an fd may do, what the fds opened
 * through a directory may get, and the check each call makes.
 *
 * Rights are enforced on files and directories: a call whose right was
 * never granted, or was dropped with `fd_fdstat_set_rights`, fails with
 * ENOTCAPABLE (reading and writing fail with EBADF, as POSIX programs
 * expect). The stdio pipes answer by their kind instead (ESPIPE, EBADF).
 *
 * @module
 */

import { DIR_RIGHTS, ERRNO, FILE_RIGHTS, RIGHTS } from "./constants.ts";
import { WasiErrno } from "./errors.ts";
import type { Fd } from "./fd_table.ts";

/**
 * What the fds opened through a preopened directory may have: every
 * directory and every file right.
 *
 * @example
 * ```ts
 * import { DIR_INHERITING } from "./rights.ts";
 * import { RIGHTS } from "./constants.ts";
 * console.log((DIR_INHERITING & RIGHTS.FD_WRITE) !== 0); // true
 * ```
 */
export const DIR_INHERITING: number = DIR_RIGHTS | FILE_RIGHTS;

/**
 * Reads a u64 rights argument, keeping the bits that have a meaning.
 *
 * @example
 * ```ts
 * import { rightsArg } from "./rights.ts";
 * console.log(rightsArg(0xffffffffffffffffn) === (1 << 30) - 1); // true
 * ```
 */
export function rightsArg(v: bigint): number {
  return Number(BigInt.asUintN(64, v) & BigInt(RIGHTS.ALL));
}

/**
 * Throws ENOTCAPABLE unless file or directory fd `fd` has every right in
 * `rights`. Pipes pass: their calls answer by kind.
 *
 * @example
 * ```ts
 * import { requireRights } from "./rights.ts";
 * import { RIGHTS } from "./constants.ts";
 * const dir = { kind: "dir" as const, path: "/", rights: RIGHTS.PATH_OPEN, inheriting: 0, fdflags: 0 };
 * requireRights(dir, RIGHTS.PATH_OPEN, "path_open"); // passes
 * try {
 *   requireRights(dir, RIGHTS.PATH_UNLINK_FILE, "path_unlink_file");
 * } catch (e) {
 *   console.log((e as Error).message); // "path_unlink_file needs a right this fd lacks"
 * }
 * ```
 */
export function requireRights(fd: Fd, rights: number, what: string): void {
  if ((fd.rights & rights) !== rights && (fd.kind === "file" || fd.kind === "dir")) {
    throw new WasiErrno(ERRNO.NOTCAPABLE, `${what} needs a right this fd lacks`);
  }
}
