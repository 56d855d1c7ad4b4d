/**
 * Paths as the shell sees them: relative paths joined to the working
 * directory, and `realpath` (what `pwd -P` and `cd -P` show) with every
 * symlink resolved the way the service holding it resolves it.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { joinPath, normalizePath, parentPath, splitPath } from "../fs/path.ts";
import type { FileService } from "../fs/types.ts";
import { Namespace } from "../namespace/namespace.ts";

/** As Linux: more symlinks than this on one path is ELOOP. */
const MAX_SYMLINK_HOPS = 40;

/**
 * `path` made absolute against `base` and normalised; `..` never climbs
 * above `/` (DESIGN.md D4).
 *
 * @throws {FsError} EINVAL for a path with NUL; ENAMETOOLONG for one too long.
 *
 * @example
 * ```ts
 * import { resolveShellPath } from "./shell_paths.ts";
 * console.log(resolveShellPath("/workspace", "../../../etc")); // "/etc"
 * console.log(resolveShellPath("/workspace", "/tmp/./a")); // "/tmp/a"
 * ```
 */
export function resolveShellPath(base: string, path: string): string {
  if (path.startsWith("/")) return normalizePath(path);
  return normalizePath(path === "" ? base : `${base}/${path}`);
}

/**
 * Where the service holding `path` has its root, as a namespace path: a
 * symlink's absolute target is relative to that root (symlinks never lead
 * out of their service). Nested namespaces are followed down.
 */
function serviceRoot(fs: FileService, path: string): { root: string; inner: string } {
  if (!(fs instanceof Namespace)) return { root: "/", inner: path };
  const r = fs.resolve(path);
  if (r === undefined) return { root: "/", inner: path };
  const below = serviceRoot(r.service, r.path);
  const root = below.root === "/"
    ? r.mountPoint
    : r.mountPoint === "/"
    ? below.root
    : r.mountPoint + below.root;
  return { root, inner: below.inner };
}

/** The namespace path a symlink at `link` with `target` leads to. */
function followLink(fs: FileService, link: string, target: string): string {
  const { root, inner } = serviceRoot(fs, link);
  // Inside the service: relative targets start at the link's directory, and
  // neither kind climbs above the service's root.
  const innerTarget = target.startsWith("/")
    ? normalizePath(target)
    : normalizePath(`${parentPath(inner)}/${target}`);
  if (root === "/") return innerTarget;
  return innerTarget === "/" ? root : root + innerTarget;
}

/**
 * The canonical path of `path`: every symlink on the way resolved as its
 * service resolves it. The path must exist.
 *
 * @throws {FsError} ENOENT for a missing path or a dangling symlink, ELOOP
 * after 40 symlinks, and what `lstat`/`readlink` throw.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * import { realPath } from "./shell_paths.ts";
 * const tmp = new MemFs();
 * tmp.mkdir("/real");
 * tmp.symlink("/real", "/link");
 * const ns = Namespace.builder().mount("/tmp", tmp).build();
 * console.log(realPath(ns, "/tmp/link")); // "/tmp/real"
 * ```
 */
export function realPath(fs: FileService, path: string): string {
  let pending = splitPath(normalizePath(path));
  let done = "/";
  let hops = 0;
  while (pending.length > 0) {
    const here = joinPath(done, pending.shift()!);
    const kind = (fs.lstat ?? fs.stat).call(fs, here).kind;
    if (kind !== "symlink") {
      done = here;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) throw new FsError("ELOOP", normalizePath(path));
    if (fs.readlink === undefined) throw new FsError("EINVAL", here, "cannot read the symlink");
    pending = [...splitPath(followLink(fs, here, fs.readlink(here))), ...pending];
    done = "/";
  }
  return done;
}
