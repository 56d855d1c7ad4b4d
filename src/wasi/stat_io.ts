/**
 * Writing `filestat` structs and reading the arguments of the
 * `*_set_times` calls.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { nowNs } from "../fs/time.ts";
import type { FileService, Stat } from "../fs/types.ts";
import { ERRNO, FSTFLAGS, SIZE } from "./constants.ts";
import { WasiErrno } from "./errors.ts";
import { atimeNsOf, type FileId, filetypeOf, mtimeNsOf } from "./inodes.ts";
import type { GuestMemory } from "./memory.ts";

/** The number of names of a file: the service's count when it keeps one (hard links), else 1. */
function linkCount(st: Stat): number {
  const n = (st as Stat & { nlink?: number }).nlink;
  return Number.isSafeInteger(n) && n! > 0 ? n! : 1;
}

/**
 * Writes a `filestat` for `st` at `ptr`:
 * dev, ino, filetype, nlink (1 unless the service counts names), size,
 * atim, mtim, ctim.
 *
 * @example
 * ```ts
 * import { GuestMemory } from "./memory.ts";
 * import { writeFilestat } from "./stat_io.ts";
 * const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
 * writeFilestat(mem, 0, { dev: 1n, ino: 5n }, { kind: "file", size: 3, mtime: 0, readOnly: false });
 * console.log(mem.u64(32)); // 3n
 * ```
 */
export function writeFilestat(
  mem: GuestMemory,
  ptr: number,
  id: FileId,
  st: Stat,
  filetype: number = filetypeOf(st.kind),
): void {
  mem.check(ptr, SIZE.FILESTAT);
  const mtim = mtimeNsOf(st);
  mem.bytes(ptr, SIZE.FILESTAT).fill(0);
  mem.setU64(ptr, id.dev);
  mem.setU64(ptr + 8, id.ino);
  mem.setU8(ptr + 16, filetype);
  mem.setU64n(ptr + 24, linkCount(st));
  mem.setU64n(ptr + 32, Number.isSafeInteger(st.size) && st.size > 0 ? st.size : 0);
  mem.setU64(ptr + 40, atimeNsOf(st));
  mem.setU64(ptr + 48, mtim);
  mem.setU64(ptr + 56, mtim);
}

/**
 * The times to set, from the `atim`, `mtim` and `fst_flags` arguments:
 * undefined keeps a time. Setting a time both explicitly and to "now" is
 * EINVAL, as are unknown flags.
 *
 * @example
 * ```ts
 * import { timesArg } from "./stat_io.ts";
 * console.log(timesArg(5n, 0n, 1)); // { atimeNs: 5n, mtimeNs: undefined }
 * ```
 */
export function timesArg(
  atim: bigint,
  mtim: bigint,
  flags: number,
): { atimeNs: bigint | undefined; mtimeNs: bigint | undefined } {
  if ((flags & ~15) !== 0) throw new WasiErrno(ERRNO.INVAL, "unknown fst_flags");
  const both = (set: number, now: number) => (flags & set) !== 0 && (flags & now) !== 0;
  if (both(FSTFLAGS.ATIM, FSTFLAGS.ATIM_NOW) || both(FSTFLAGS.MTIM, FSTFLAGS.MTIM_NOW)) {
    throw new WasiErrno(ERRNO.INVAL, "a time cannot be both given and now");
  }
  const now = (flags & (FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM_NOW)) !== 0 ? nowNs() : 0n;
  return {
    atimeNs: (flags & FSTFLAGS.ATIM) !== 0
      ? BigInt.asUintN(64, atim)
      : (flags & FSTFLAGS.ATIM_NOW) !== 0
      ? now
      : undefined,
    mtimeNs: (flags & FSTFLAGS.MTIM) !== 0
      ? BigInt.asUintN(64, mtim)
      : (flags & FSTFLAGS.MTIM_NOW) !== 0
      ? now
      : undefined,
  };
}

/**
 * Sets the times of `path` in `root`: of its final symlink's target when
 * `follow`, else of the symlink itself (through the service's optional
 * `lsetTimes`). ENOTSUP when the service keeps no such times.
 *
 * @example
 * ```ts
 * import { MemFs, writeText } from "@oanix/oanix";
 * import { setPathTimes } from "./stat_io.ts";
 * const fs = new MemFs();
 * writeText(fs, "/a", "x");
 * setPathTimes(fs, "/a", true, undefined, 5_000_000_000n);
 * console.log(fs.stat("/a").mtimeNs); // 5000000000n
 * ```
 */
export function setPathTimes(
  root: FileService,
  path: string,
  follow: boolean,
  atimeNs: bigint | undefined,
  mtimeNs: bigint | undefined,
): void {
  if (!follow && root.lsetTimes !== undefined) {
    root.lsetTimes(path, atimeNs, mtimeNs);
    return;
  }
  if (!follow && root.lstat !== undefined && root.lstat(path).kind === "symlink") {
    throw new FsError("ENOTSUP", path, `${root.kind} cannot set a symlink's own times`);
  }
  if (root.setTimes === undefined) {
    throw new FsError("ENOTSUP", path, `${root.kind} does not keep times`);
  }
  root.setTimes(path, atimeNs, mtimeNs);
}
