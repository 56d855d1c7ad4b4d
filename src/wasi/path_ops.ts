/**
 * The `path_*` imports: open, stat, times, directories, rename, unlink and
 * symlinks, each resolved against a directory fd (see `paths.ts`).
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import type { FileHandle } from "../fs/types.ts";
import {
  DIR_RIGHTS,
  ERRNO,
  FDFLAGS,
  FILE_RIGHTS,
  LOOKUP_SYMLINK_FOLLOW,
  OFLAGS,
  RIGHTS,
  SIZE,
} from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno } from "./errors.ts";
import { dirFd, type ResolvedPath, resolveGuestPath, statPath, tryStat } from "./paths.ts";
import { timesArg, writeFilestat } from "./stat_io.ts";

const encoder = new TextEncoder();

function isCode(e: unknown, code: string): boolean {
  return e instanceof FsError && e.code === code;
}

function rightsArg(v: bigint): number {
  return Number(BigInt.asUintN(64, v) & BigInt(RIGHTS.ALL));
}

/** Opens `r` as a directory fd after the checks POSIX makes. */
function openDir(
  ctx: WasiContext,
  r: ResolvedPath,
  oflags: number,
  write: boolean,
  base: number,
  inheriting: number,
  fdflags: number,
): number {
  if ((oflags & OFLAGS.CREAT) !== 0 && (oflags & OFLAGS.EXCL) !== 0) {
    throw new FsError("EEXIST", r.path);
  }
  if (write || (oflags & OFLAGS.TRUNC) !== 0) throw new FsError("EISDIR", r.path);
  return ctx.fds.add({
    kind: "dir",
    path: r.path,
    rights: base & DIR_RIGHTS,
    inheriting,
    fdflags: fdflags & ~FDFLAGS.APPEND,
  });
}

/**
 * The path imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs, WasiContext } from "@oanix/oanix";
 * import { pathImports } from "./path_ops.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(Object.keys(pathImports(ctx)).length); // 10
 * ctx.close();
 * ```
 */
export function pathImports(ctx: WasiContext) {
  const root = ctx.root;
  const at = (fd: number, ptr: number, len: number) => resolveGuestPath(ctx, fd, ptr, len);
  return {
    path_open(
      fd: number,
      dirflags: number,
      ptr: number,
      len: number,
      oflags: number,
      rightsBase: bigint,
      rightsInheriting: bigint,
      fdflags: number,
      fdOut: number,
    ): number {
      const r = at(fd, ptr, len);
      ctx.mem.check(fdOut, 4);
      if ((oflags & ~15) !== 0) throw new WasiErrno(ERRNO.INVAL, "unknown oflags");
      if ((fdflags & ~31) !== 0) throw new WasiErrno(ERRNO.INVAL, "unknown fdflags");
      if (ctx.fds.count >= ctx.fds.max) {
        throw new FsError("EMFILE", r.path, `the limit is ${ctx.fds.max}`);
      }
      const base = rightsArg(rightsBase);
      const inheriting = rightsArg(rightsInheriting);
      const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      const read = (base & (RIGHTS.FD_READ | RIGHTS.FD_READDIR)) !== 0;
      const write = (base & RIGHTS.FD_WRITE) !== 0;
      const trunc = (oflags & OFLAGS.TRUNC) !== 0;
      const creat = (oflags & OFLAGS.CREAT) !== 0;
      const mustBeDir = (oflags & OFLAGS.DIRECTORY) !== 0 || r.trailingSlash;
      if (mustBeDir || !follow) {
        const st = tryStat(root, r.path, follow);
        if (st === undefined) {
          if (mustBeDir) throw new FsError(creat && r.trailingSlash ? "EISDIR" : "ENOENT", r.path);
        } else if (st.kind === "symlink") {
          throw new FsError("ELOOP", r.path, "O_NOFOLLOW on a symlink");
        } else if (st.kind === "dir") {
          ctx.mem.setU32(fdOut, openDir(ctx, r, oflags, write, base, inheriting, fdflags));
          return ERRNO.SUCCESS;
        } else if (mustBeDir) {
          throw new FsError("ENOTDIR", r.path);
        }
      }
      let handle: FileHandle;
      try {
        handle = root.open(r.path, {
          read: read || !write,
          write: write || trunc,
          create: creat,
          exclusive: creat && (oflags & OFLAGS.EXCL) !== 0,
          truncate: trunc,
          append: (fdflags & FDFLAGS.APPEND) !== 0,
          nonBlocking: (fdflags & FDFLAGS.NONBLOCK) !== 0,
        });
      } catch (e) {
        if (!isCode(e, "EISDIR") || root.stat(r.path).kind !== "dir") throw e;
        ctx.mem.setU32(fdOut, openDir(ctx, r, oflags, write, base, inheriting, fdflags));
        return ERRNO.SUCCESS;
      }
      let n: number;
      try {
        n = ctx.fds.add({
          kind: "file",
          handle,
          path: r.path,
          dev: ctx.inodes.devOf(r.path),
          rights: base & FILE_RIGHTS,
          inheriting,
          fdflags,
        });
      } catch (e) {
        handle.close();
        throw e;
      }
      ctx.mem.setU32(fdOut, n);
      return ERRNO.SUCCESS;
    },
    path_filestat_get(fd: number, flags: number, ptr: number, len: number, buf: number): number {
      const r = at(fd, ptr, len);
      ctx.mem.check(buf, SIZE.FILESTAT);
      const st = statPath(root, r.path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      if (r.trailingSlash && st.kind !== "dir") throw new FsError("ENOTDIR", r.path);
      writeFilestat(ctx.mem, buf, ctx.inodes.idOf(r.path, st), st);
      return ERRNO.SUCCESS;
    },
    path_filestat_set_times(
      fd: number,
      _flags: number,
      ptr: number,
      len: number,
      atim: bigint,
      mtim: bigint,
      fst: number,
    ): number {
      const r = at(fd, ptr, len);
      const t = timesArg(atim, mtim, fst);
      if (root.setTimes === undefined) throw new FsError("ENOTSUP", r.path, "times are not kept");
      root.setTimes(r.path, t.atimeNs, t.mtimeNs);
      return ERRNO.SUCCESS;
    },
    path_create_directory(fd: number, ptr: number, len: number): number {
      root.mkdir(at(fd, ptr, len).path);
      return ERRNO.SUCCESS;
    },
    path_remove_directory(fd: number, ptr: number, len: number): number {
      const r = at(fd, ptr, len);
      const st = statPath(root, r.path, false);
      if (st.kind !== "dir") throw new FsError("ENOTDIR", r.path);
      if (r.path === dirFd(ctx, fd).path) {
        throw new FsError("EBUSY", r.path, "the fd's own directory");
      }
      root.remove(r.path);
      return ERRNO.SUCCESS;
    },
    path_unlink_file(fd: number, ptr: number, len: number): number {
      const r = at(fd, ptr, len);
      const st = statPath(root, r.path, false);
      if (st.kind === "dir") throw new FsError("EISDIR", r.path);
      if (r.trailingSlash) throw new FsError("ENOTDIR", r.path);
      root.remove(r.path);
      return ERRNO.SUCCESS;
    },
    path_rename(
      fd: number,
      ptr: number,
      len: number,
      fd2: number,
      ptr2: number,
      len2: number,
    ): number {
      const a = at(fd, ptr, len);
      const b = at(fd2, ptr2, len2);
      if (a.trailingSlash || b.trailingSlash) {
        if (statPath(root, a.path, false).kind !== "dir") throw new FsError("ENOTDIR", a.path);
      }
      root.rename(a.path, b.path);
      return ERRNO.SUCCESS;
    },
    path_symlink(oldPtr: number, oldLen: number, fd: number, ptr: number, len: number): number {
      const target = ctx.mem.path(oldPtr, oldLen);
      const r = at(fd, ptr, len);
      if (target.length === 0) throw new FsError("ENOENT", r.path, "empty symlink target");
      if (target.startsWith("/")) {
        throw new WasiErrno(ERRNO.NOTCAPABLE, "symlink targets must be relative");
      }
      if (root.symlink === undefined) throw new FsError("ENOTSUP", r.path, "no symlinks here");
      if (r.trailingSlash) throw new FsError("ENOENT", r.path);
      root.symlink(target, r.path);
      return ERRNO.SUCCESS;
    },
    path_readlink(
      fd: number,
      ptr: number,
      len: number,
      buf: number,
      bufLen: number,
      used: number,
    ): number {
      const r = at(fd, ptr, len);
      const cap = bufLen >>> 0;
      ctx.mem.check(buf, cap);
      ctx.mem.check(used, 4);
      if (root.readlink === undefined) throw new FsError("EINVAL", r.path, "not a symlink");
      const target = encoder.encode(root.readlink(r.path));
      const n = Math.min(cap, target.length);
      ctx.mem.write(buf, target.subarray(0, n));
      ctx.mem.setU32(used, n);
      return ERRNO.SUCCESS;
    },
    path_link(
      fd: number,
      _flags: number,
      ptr: number,
      len: number,
      fd2: number,
      ptr2: number,
      len2: number,
    ): number {
      const a = at(fd, ptr, len);
      const b = at(fd2, ptr2, len2);
      statPath(root, a.path, false);
      if (tryStat(root, b.path, false) !== undefined) throw new FsError("EEXIST", b.path);
      throw new FsError("ENOTSUP", a.path, "the file contract has no hard links");
    },
  };
}
