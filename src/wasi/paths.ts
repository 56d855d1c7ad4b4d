/**
 * Resolving a guest path against a directory fd, as a capability: `..` may
 * not climb above the directory the fd names (ENOTCAPABLE).
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { MAX_NAME_LENGTH, MAX_PATH_LENGTH } from "../fs/path.ts";
import type { Stat } from "../fs/types.ts";
import { ERRNO } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno } from "./errors.ts";
import type { DirFd } from "./fd_table.ts";

/**
 * A guest path resolved to a namespace path.
 *
 * @example
 * ```ts
 * import type { ResolvedPath } from "./paths.ts";
 * const r: ResolvedPath = { path: "/tmp/a", trailingSlash: false };
 * ```
 */
export interface ResolvedPath {
  /** The absolute, normalised namespace path. */
  path: string;
  /** The guest wrote a trailing `/`: the target must be a directory. */
  trailingSlash: boolean;
}

/**
 * Joins `rel` to the directory `base`, refusing to climb above `base`.
 * Paths given to a directory fd are relative: an absolute one is refused
 * (wasi-libc turns absolute paths into preopen-relative ones itself).
 *
 * @throws {WasiErrno} ENOTCAPABLE for an escape or an absolute path;
 * ENOENT for an empty path.
 * @throws {FsError} ENAMETOOLONG for an over-long path or name.
 *
 * @example
 * ```ts
 * import { joinGuestPath } from "./paths.ts";
 * console.log(joinGuestPath("/workspace", "src/../main.c").path); // "/workspace/main.c"
 * ```
 */
export function joinGuestPath(base: string, rel: string): ResolvedPath {
  if (rel.length === 0) throw new FsError("ENOENT", base, "empty path");
  if (rel.charCodeAt(0) === 47) {
    throw new WasiErrno(
      ERRNO.NOTCAPABLE,
      `${rel} is absolute: paths are relative to a directory fd`,
    );
  }
  if (rel.length > MAX_PATH_LENGTH) {
    throw new FsError("ENAMETOOLONG", rel.slice(0, 64) + "…", `the limit is ${MAX_PATH_LENGTH}`);
  }
  const out = base === "/" ? [] : base.slice(1).split("/");
  const floor = out.length;
  let at = 0;
  const n = rel.length;
  while (at <= n) {
    let end = rel.indexOf("/", at);
    if (end === -1) end = n;
    const len = end - at;
    if (len === 0 || (len === 1 && rel.charCodeAt(at) === 46)) {
      // empty or "."
    } else if (len === 2 && rel.charCodeAt(at) === 46 && rel.charCodeAt(at + 1) === 46) {
      if (out.length <= floor) {
        throw new WasiErrno(ERRNO.NOTCAPABLE, `${rel} climbs above ${base}`);
      }
      out.pop();
    } else {
      const seg = rel.slice(at, end);
      if (len > MAX_NAME_LENGTH / 3 && byteLength(seg) > MAX_NAME_LENGTH) {
        throw new FsError("ENAMETOOLONG", rel, `a name may have ${MAX_NAME_LENGTH} bytes`);
      }
      out.push(seg);
    }
    at = end + 1;
  }
  const path = "/" + out.join("/");
  if (path.length > MAX_PATH_LENGTH) {
    throw new FsError("ENAMETOOLONG", path.slice(0, 64) + "…", `the limit is ${MAX_PATH_LENGTH}`);
  }
  return { path, trailingSlash: rel.charCodeAt(n - 1) === 47 && out.length > 0 };
}

const encoder = new TextEncoder();

function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/**
 * The directory fd `fd`: EBADF when it is not open, ENOTDIR when it is not
 * a directory.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { dirFd } from "./paths.ts";
 * import { WasiContext } from "./context.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(dirFd(ctx, 3).path); // "/"
 * ctx.close();
 * ```
 */
export function dirFd(ctx: WasiContext, fd: number): DirFd {
  const d = ctx.fds.get(fd);
  if (d.kind !== "dir") throw new WasiErrno(ERRNO.NOTDIR, `fd ${fd} is not a directory`);
  return d;
}

/**
 * Reads the path argument at `ptr`/`len` and resolves it against dir fd `fd`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { resolveGuestPath } from "./paths.ts";
 * import { WasiContext } from "./context.ts";
 * const ctx = new WasiContext(new MemFs());
 * ctx.attach(new WebAssembly.Memory({ initial: 1 }));
 * ctx.mem.write(0, new TextEncoder().encode("a/b"));
 * console.log(resolveGuestPath(ctx, 3, 0, 3).path); // "/a/b"
 * ctx.close();
 * ```
 */
export function resolveGuestPath(
  ctx: WasiContext,
  fd: number,
  ptr: number,
  len: number,
): ResolvedPath {
  const dir = dirFd(ctx, fd);
  return joinGuestPath(dir.path, ctx.mem.path(ptr, len));
}

/**
 * Stats `path`, following a final symlink when `follow` is true.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { statPath } from "./paths.ts";
 * console.log(statPath(new MemFs(), "/", true).kind); // "dir"
 * ```
 */
export function statPath(root: WasiContext["root"], path: string, follow: boolean): Stat {
  if (follow || root.lstat === undefined) return root.stat(path);
  return root.lstat(path);
}

/**
 * Stats `path` or returns undefined when it does not exist.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { tryStat } from "./paths.ts";
 * console.log(tryStat(new MemFs(), "/nope", true)); // undefined
 * ```
 */
export function tryStat(
  root: WasiContext["root"],
  path: string,
  follow: boolean,
): Stat | undefined {
  try {
    return statPath(root, path, follow);
  } catch (e) {
    if (e instanceof FsError && e.code === "ENOENT") return undefined;
    throw e;
  }
}
