/**
 * Everything about an fd but its data: `fd_close`, `fd_renumber`, the
 * `fdstat` and `filestat` calls, the preopen calls, and the advisory and
 * sync calls.
 *
 * @module
 */

import type { Stat } from "../fs/types.ts";
import { ERRNO, FDFLAGS, FILETYPE, PREOPENTYPE_DIR, RIGHTS, SIZE } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno } from "./errors.ts";
import { type Fd, fdFiletype, releaseFd } from "./fd_table.ts";
import { offsetArg } from "./fd_io.ts";
import { requireRights } from "./rights.ts";
import { setPathTimes, timesArg, writeFilestat } from "./stat_io.ts";

const encoder = new TextEncoder();
const PIPE_STAT: Stat = { kind: "file", size: 0, mtime: 0, readOnly: false, mtimeNs: 0n };

/** The rights as a u64, and a right check. */
function rights64(n: number): bigint {
  return BigInt(n >>> 0);
}

function fileOnly(fd: Fd, what: string) {
  if (fd.kind === "file") return fd;
  if (fd.kind === "dir") throw new WasiErrno(ERRNO.ISDIR, `${what} on a directory`);
  throw new WasiErrno(ERRNO.SPIPE, `${what} on a pipe`);
}

/**
 * The fd metadata imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { fdMetaImports } from "./fd_meta.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log("fd_renumber" in fdMetaImports(ctx)); // true
 * ctx.close();
 * ```
 */
export function fdMetaImports(ctx: WasiContext) {
  return {
    fd_close(fd: number): number {
      const e = releaseFd(ctx.fds.take(fd));
      if (e !== undefined) throw e;
      return ERRNO.SUCCESS;
    },
    fd_renumber(from: number, to: number): number {
      const replaced = ctx.fds.renumber(from, to);
      if (replaced !== undefined) releaseFd(replaced);
      return ERRNO.SUCCESS;
    },
    fd_fdstat_get(fd: number, ptr: number): number {
      const f = ctx.fds.get(fd);
      ctx.mem.check(ptr, SIZE.FDSTAT);
      ctx.mem.bytes(ptr, SIZE.FDSTAT).fill(0);
      ctx.mem.setU8(ptr, fdFiletype(f));
      ctx.mem.setU16(ptr + 2, f.fdflags);
      ctx.mem.setU64(ptr + 8, rights64(f.rights));
      ctx.mem.setU64(ptr + 16, rights64(f.inheriting));
      return ERRNO.SUCCESS;
    },
    fd_fdstat_set_flags(fd: number, flags: number): number {
      const f = ctx.fds.get(fd);
      requireRights(f, RIGHTS.FD_FDSTAT_SET_FLAGS, "fd_fdstat_set_flags");
      if ((flags & ~31) !== 0) throw new WasiErrno(ERRNO.INVAL, "unknown fdflags");
      if ((flags & FDFLAGS.APPEND) !== 0 && f.kind !== "file" && f.kind !== "output") {
        throw new WasiErrno(ERRNO.INVAL, "append on a directory or stdin");
      }
      f.fdflags = flags;
      return ERRNO.SUCCESS;
    },
    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      const f = ctx.fds.get(fd);
      const b = BigInt.asUintN(64, base);
      const i = BigInt.asUintN(64, inheriting);
      if (
        (b | rights64(f.rights)) !== rights64(f.rights) ||
        (i | rights64(f.inheriting)) !== rights64(f.inheriting)
      ) {
        throw new WasiErrno(ERRNO.NOTCAPABLE, "rights can only be dropped");
      }
      f.rights = Number(b);
      f.inheriting = Number(i);
      return ERRNO.SUCCESS;
    },
    fd_filestat_get(fd: number, ptr: number): number {
      const f = ctx.fds.get(fd);
      ctx.mem.check(ptr, SIZE.FILESTAT);
      requireRights(f, RIGHTS.FD_FILESTAT_GET, "fd_filestat_get");
      if (f.kind === "file") {
        const st = f.handle.stat();
        writeFilestat(ctx.mem, ptr, ctx.inodes.idOf(f.path, st, f.dev), st, FILETYPE.REGULAR_FILE);
      } else if (f.kind === "dir") {
        const st = ctx.root.stat(f.path);
        writeFilestat(ctx.mem, ptr, ctx.inodes.idOf(f.path, st), st, FILETYPE.DIRECTORY);
      } else {
        const name = f.kind === "stdin" ? "stdin" : f.name;
        writeFilestat(ctx.mem, ptr, ctx.inodes.idOfSpecial(name), PIPE_STAT, FILETYPE.UNKNOWN);
      }
      return ERRNO.SUCCESS;
    },
    fd_filestat_set_size(fd: number, size: bigint): number {
      const f = ctx.fds.get(fd);
      if (f.kind !== "file") throw new WasiErrno(f.kind === "dir" ? ERRNO.ISDIR : ERRNO.INVAL);
      requireRights(f, RIGHTS.FD_FILESTAT_SET_SIZE, "fd_filestat_set_size");
      if ((f.rights & RIGHTS.FD_WRITE) === 0) {
        throw new WasiErrno(ERRNO.BADF, "not open for writing");
      }
      f.handle.truncate(offsetArg(size));
      return ERRNO.SUCCESS;
    },
    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number): number {
      const f = ctx.fds.get(fd);
      requireRights(f, RIGHTS.FD_FILESTAT_SET_TIMES, "fd_filestat_set_times");
      const t = timesArg(atim, mtim, flags);
      if (f.kind === "file" || f.kind === "dir") {
        setPathTimes(ctx.root, f.path, true, t.atimeNs, t.mtimeNs);
      }
      return ERRNO.SUCCESS;
    },
    fd_prestat_get(fd: number, ptr: number): number {
      const f = ctx.fds.peek(fd);
      if (f === undefined || f.kind !== "dir" || f.preopen === undefined) {
        throw new WasiErrno(ERRNO.BADF, `fd ${fd} is not a preopen`);
      }
      ctx.mem.check(ptr, SIZE.PRESTAT);
      ctx.mem.setU32(ptr, PREOPENTYPE_DIR);
      ctx.mem.setU32(ptr + 4, encoder.encode(f.preopen).length);
      return ERRNO.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, ptr: number, len: number): number {
      const f = ctx.fds.peek(fd);
      if (f === undefined || f.kind !== "dir" || f.preopen === undefined) {
        throw new WasiErrno(ERRNO.BADF, `fd ${fd} is not a preopen`);
      }
      const name = encoder.encode(f.preopen);
      if ((len >>> 0) < name.length) throw new WasiErrno(ERRNO.NAMETOOLONG, "buffer too small");
      ctx.mem.write(ptr, name);
      return ERRNO.SUCCESS;
    },
    fd_advise(fd: number, offset: bigint, len: bigint, advice: number): number {
      const f = fileOnly(ctx.fds.get(fd), "fd_advise");
      requireRights(f, RIGHTS.FD_ADVISE, "fd_advise");
      offsetArg(offset);
      offsetArg(len);
      if (advice < 0 || advice > 5) throw new WasiErrno(ERRNO.INVAL, `bad advice ${advice}`);
      void f;
      return ERRNO.SUCCESS;
    },
    fd_allocate(fd: number, offset: bigint, len: bigint): number {
      const f = fileOnly(ctx.fds.get(fd), "fd_allocate");
      requireRights(f, RIGHTS.FD_ALLOCATE, "fd_allocate");
      const end = offsetArg(offset) + offsetArg(len);
      if (BigInt.asUintN(64, len) === 0n) throw new WasiErrno(ERRNO.INVAL, "zero length");
      if (!Number.isSafeInteger(end)) throw new WasiErrno(ERRNO.FBIG);
      if ((f.rights & RIGHTS.FD_WRITE) === 0) {
        throw new WasiErrno(ERRNO.BADF, "not open for writing");
      }
      if (f.handle.stat().size < end) f.handle.truncate(end);
      return ERRNO.SUCCESS;
    },
    fd_datasync(fd: number): number {
      return sync(ctx.fds.get(fd), RIGHTS.FD_DATASYNC, "fd_datasync");
    },
    fd_sync(fd: number): number {
      return sync(ctx.fds.get(fd), RIGHTS.FD_SYNC, "fd_sync");
    },
  };
}

function sync(f: Fd, right: number, what: string): number {
  requireRights(f, right, what);
  if (f.kind === "file") f.handle.flush();
  else if (f.kind !== "dir") throw new WasiErrno(ERRNO.INVAL, "cannot sync a pipe");
  return ERRNO.SUCCESS;
}
