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
import { dirFd, joinGuestPath, type ResolvedPath, statPath, tryStat } from "./paths.ts";
import { requireRights, rightsArg } from "./rights.ts";
import { setPathTimes, timesArg, writeFilestat } from "./stat_io.ts";

const encoder = new TextEncoder();

function isCode(e: unknown, code: string): boolean {
  return e instanceof FsError && e.code === code;
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

/** The rights `path_open` needs on the directory fd for these oflags. */
function openRights(oflags: number): number {
  return RIGHTS.PATH_OPEN |
    ((oflags & OFLAGS.CREAT) !== 0 ? RIGHTS.PATH_CREATE_FILE : 0) |
    ((oflags & OFLAGS.TRUNC) !== 0 ? RIGHTS.PATH_FILESTAT_SET_SIZE : 0);
}

/**
 * The path imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { pathImports } from "./path_ops.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(Object.keys(pathImports(ctx)).length); // 10
 * ctx.close();
 * ```
 */
export function pathImports(ctx: WasiContext) {
  const root = ctx.root;
  /** Resolves a path argument against dir fd `fd`, which needs `right` for `what`. */
  const at = (fd: number, ptr: number, len: number, right: number, what: string) => {
    const dir = dirFd(ctx, fd);
    requireRights(dir, right, what);
    return joinGuestPath(dir.path, ctx.mem.path(ptr, len));
  };
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
      const r = at(fd, ptr, len, openRights(oflags), "path_open");
      ctx.mem.check(fdOut, 4);
      if ((oflags & ~15) !== 0) throw new WasiErrno(ERRNO.INVAL, "unknown oflags");
      if ((fdflags & ~31) !== 0) throw new WasiErrno(ERRNO.INVAL, "unknown fdflags");
      if (ctx.fds.count >= ctx.fds.max) {
        throw new FsError("EMFILE", r.path, `the limit is ${ctx.fds.max}`);
      }
      // The new fd gets what was asked for, within what the directory passes on.
      const passed = ctx.fds.get(fd).inheriting;
      const base = rightsArg(rightsBase) & passed;
      const inheriting = rightsArg(rightsInheriting) & passed;
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
      const r = at(fd, ptr, len, RIGHTS.PATH_FILESTAT_GET, "path_filestat_get");
      ctx.mem.check(buf, SIZE.FILESTAT);
      const st = statPath(root, r.path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      if (r.trailingSlash && st.kind !== "dir") throw new FsError("ENOTDIR", r.path);
      writeFilestat(ctx.mem, buf, ctx.inodes.idOf(r.path, st), st);
      return ERRNO.SUCCESS;
    },
    path_filestat_set_times(
      fd: number,
      flags: number,
      ptr: number,
      len: number,
      atim: bigint,
      mtim: bigint,
      fst: number,
    ): number {
      const r = at(fd, ptr, len, RIGHTS.PATH_FILESTAT_SET_TIMES, "path_filestat_set_times");
      const t = timesArg(atim, mtim, fst);
      setPathTimes(root, r.path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0, t.atimeNs, t.mtimeNs);
      return ERRNO.SUCCESS;
    },
    path_create_directory(fd: number, ptr: number, len: number): number {
      root.mkdir(at(fd, ptr, len, RIGHTS.PATH_CREATE_DIRECTORY, "path_create_directory").path);
      return ERRNO.SUCCESS;
    },
    path_remove_directory(fd: number, ptr: number, len: number): number {
      const r = at(fd, ptr, len, RIGHTS.PATH_REMOVE_DIRECTORY, "path_remove_directory");
      const st = statPath(root, r.path, false);
      if (st.kind !== "dir") throw new FsError("ENOTDIR", r.path);
      if (r.path === dirFd(ctx, fd).path) {
        throw new FsError("EBUSY", r.path, "the fd's own directory");
      }
      root.remove(r.path);
      return ERRNO.SUCCESS;
    },
    path_unlink_file(fd: number, ptr: number, len: number): number {
      const r = at(fd, ptr, len, RIGHTS.PATH_UNLINK_FILE, "path_unlink_file");
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
      const a = at(fd, ptr, len, RIGHTS.PATH_RENAME_SOURCE, "path_rename");
      const b = at(fd2, ptr2, len2, RIGHTS.PATH_RENAME_TARGET, "path_rename");
      if (a.trailingSlash || b.trailingSlash) {
        if (statPath(root, a.path, false).kind !== "dir") throw new FsError("ENOTDIR", a.path);
      }
      root.rename(a.path, b.path);
      return ERRNO.SUCCESS;
    },
    path_symlink(oldPtr: number, oldLen: number, fd: number, ptr: number, len: number): number {
      const target = ctx.mem.path(oldPtr, oldLen);
      const r = at(fd, ptr, len, RIGHTS.PATH_SYMLINK, "path_symlink");
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
      const r = at(fd, ptr, len, RIGHTS.PATH_READLINK, "path_readlink");
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
      flags: number,
      ptr: number,
      len: number,
      fd2: number,
      ptr2: number,
      len2: number,
    ): number {
      const a = at(fd, ptr, len, RIGHTS.PATH_LINK_SOURCE, "path_link");
      const b = at(fd2, ptr2, len2, RIGHTS.PATH_LINK_TARGET, "path_link");
      if ((flags & LOOKUP_SYMLINK_FOLLOW) !== 0) {
        throw new WasiErrno(ERRNO.INVAL, "path_link does not follow symlinks");
      }
      if (statPath(root, a.path, false).kind === "dir") {
        throw new FsError("EPERM", a.path, "a directory cannot be hard-linked");
      }
      if (a.trailingSlash) throw new FsError("ENOTDIR", a.path);
      if (tryStat(root, b.path, false) !== undefined) throw new FsError("EEXIST", b.path);
      if (b.trailingSlash) throw new FsError("ENOENT", b.path);
      if (root.link === undefined) throw new FsError("ENOTSUP", a.path, "no hard links here");
      root.link(a.path, b.path);
      return ERRNO.SUCCESS;
    },
  };
}
