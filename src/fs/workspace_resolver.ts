/**
 * Containment for WorkspaceFs: turning a path inside the workspace into a
 * host path that is certainly inside the workspace's real root.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import { isWithin, normalizePath, splitPath } from "./path.ts";
import { fsErrorFromDeno } from "./workspace_errors.ts";

/** The most symlinks one lookup follows before giving up with ELOOP. */
const MAX_SYMLINK_HOPS = 40;

/**
 * Where a workspace path leads on the host.
 */
export interface Located {
  /** The path inside the workspace, after following symlinks. */
  path: string;
  /**
   * The host path. Every directory on it is a real directory inside the
   * root (no symlinks); the last component is a symlink only when it was
   * not to be followed.
   */
  host: string;
  /** `lstat` of `host`, or undefined when nothing is there. */
  info: Deno.FileInfo | undefined;
}

function lstatOrUndefined(host: string, path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(host);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw fsErrorFromDeno(e, path);
  }
}

/**
 * Resolves workspace paths component by component with `lstat`, following
 * a symlink only when its target, resolved against the real directory that
 * holds it, stays inside the root's real path. Anything else is EACCES.
 *
 * `..` in a workspace path is resolved lexically first (it never climbs
 * above the workspace root); `..` in a symlink target is resolved against
 * the real directory holding the link, which has no symlinks on its way,
 * so lexical and physical resolution agree there.
 */
export class WorkspaceResolver {
  /** The real path of the root directory (symlinks resolved). */
  readonly realRoot: string;

  constructor(realRoot: string) {
    this.realRoot = realRoot;
  }

  /**
   * Locates `path`. Symlinks among the parents are followed; the last
   * component is followed only when `followLast` is true.
   *
   * @throws {FsError} EACCES for a symlink leading outside the root,
   * ENOENT for a missing parent, ENOTDIR for a parent that is not a
   * directory, ELOOP after too many symlinks.
   */
  locate(path: string, followLast: boolean): Located {
    const original = normalizePath(path);
    let segs = splitPath(original);
    let hops = 0;
    let i = 0;
    let dirHost = this.realRoot;
    while (i < segs.length) {
      const host = dirHost === "/" ? "/" + segs[i] : dirHost + "/" + segs[i];
      const last = i === segs.length - 1;
      const info = lstatOrUndefined(host, original);
      if (info === undefined) {
        if (last) return { path: "/" + segs.join("/"), host, info };
        throw new FsError("ENOENT", original);
      }
      if (info.isSymlink && (!last || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new FsError("ELOOP", original);
        const inside = this.#insideTarget(host, dirHost, original);
        segs = [...splitPath(inside), ...segs.slice(i + 1)];
        i = 0;
        dirHost = this.realRoot;
        continue;
      }
      if (last) return { path: "/" + segs.join("/"), host, info };
      if (!info.isDirectory) throw new FsError("ENOTDIR", original);
      dirHost = host;
      i++;
    }
    return { path: "/", host: this.realRoot, info: lstatOrUndefined(this.realRoot, "/") };
  }

  /** The workspace path a symlink at `host` points to, or EACCES. */
  #insideTarget(host: string, dirHost: string, path: string): string {
    let target: string;
    try {
      target = Deno.readLinkSync(host);
    } catch (e) {
      throw fsErrorFromDeno(e, path);
    }
    let abs: string;
    try {
      abs = normalizePath(target.startsWith("/") ? target : `${dirHost}/${target}`);
    } catch {
      throw new FsError("EACCES", path, "a symlink on the way has an unusable target");
    }
    const inside = this.toWorkspacePath(abs);
    if (inside === undefined) {
      throw new FsError("EACCES", path, "a symlink on the way points outside the workspace");
    }
    return inside;
  }

  /** The workspace path of normalised host path `abs`, or undefined when outside. */
  toWorkspacePath(abs: string): string | undefined {
    if (!isWithin(abs, this.realRoot)) return undefined;
    if (this.realRoot === "/") return abs;
    return abs.length === this.realRoot.length ? "/" : abs.slice(this.realRoot.length);
  }
}
