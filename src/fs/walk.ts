/**
 * A generic tree walker over any {@linkcode FileService}.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import { joinPath, normalizePath } from "./path.ts";
import type { FileService, Stat } from "./types.ts";

/**
 * One entry found by {@linkcode walk}.
 *
 * @example
 * ```ts
 * import type { WalkEntry } from "@oanix/oanix";
 * const e: WalkEntry = { path: "/a.txt", stat: { kind: "file", size: 2, mtime: 0, readOnly: false } };
 * ```
 */
export interface WalkEntry {
  /** The entry's normalised absolute path inside the service. */
  path: string;
  /** The entry's status, without following a final symlink (`lstat`); the root's is followed. */
  stat: Stat;
}

/**
 * How {@linkcode walk} walks.
 *
 * @example
 * ```ts
 * import type { WalkOptions } from "@oanix/oanix";
 * const opts: WalkOptions = { includeRoot: true, maxDepth: 1 };
 * ```
 */
export interface WalkOptions {
  /** Yield the root directory itself first (default false). */
  includeRoot?: boolean;
  /**
   * How deep to go: 1 lists the root's children only, 2 adds grandchildren,
   * and so on. Default: no limit.
   */
  maxDepth?: number;
}

/** lstat when the service has it, otherwise stat (a service without lstat has no symlinks). */
function lstatOf(svc: FileService, path: string): Stat {
  return svc.lstat ? svc.lstat(path) : svc.stat(path);
}

function vanished(e: unknown): boolean {
  return e instanceof FsError && (e.code === "ENOENT" || e.code === "ENOTDIR");
}

/**
 * Walks the tree under `root` depth-first, parents before their children,
 * siblings in the service's `readdir` order (sorted by name for every
 * OANIX service). Symlinks below the root are reported, never followed, so
 * a cycle cannot trap the walk; the root itself is followed (like `find -H`). Entries that vanish while the walk is under way are
 * skipped. The walk is lazy: each directory is listed when it is reached.
 *
 * @throws {FsError} EINVAL for a bad path or option, ENOENT when `root`
 * does not exist, ENOTDIR when it is not a directory.
 *
 * @example
 * ```ts
 * import { MemFs, walk, writeText } from "@oanix/oanix";
 * const fs = new MemFs();
 * fs.mkdir("/src");
 * writeText(fs, "/src/main.ts", "console.log(1)");
 * for (const { path, stat } of walk(fs, "/")) console.log(path, stat.kind);
 * // "/src" "dir", then "/src/main.ts" "file"
 * ```
 */
export function* walk(
  svc: FileService,
  root: string = "/",
  options: WalkOptions = {},
): Generator<WalkEntry, void, undefined> {
  if (svc === null || typeof svc !== "object" || typeof svc.readdir !== "function") {
    throw new TypeError("walk: expected a FileService");
  }
  const start = normalizePath(root);
  if (options === null || typeof options !== "object") {
    throw new FsError("EINVAL", start, "walk options must be an object");
  }
  const maxDepth = options.maxDepth ?? Infinity;
  if (typeof maxDepth !== "number" || Number.isNaN(maxDepth) || maxDepth < 0) {
    throw new FsError("EINVAL", start, `bad maxDepth ${String(options.maxDepth)}`);
  }
  const rootStat = svc.stat(start);
  if (rootStat.kind !== "dir") throw new FsError("ENOTDIR", start);
  if (options.includeRoot === true) yield { path: start, stat: rootStat };
  if (maxDepth < 1) return;
  // One frame per directory being listed, deepest last: a pre-order walk
  // without recursion, so deep trees cost no more per entry than flat ones.
  const stack: Frame[] = [{ dir: start, names: svc.readdir(start).map(nameOf), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.names.length) {
      stack.pop();
      continue;
    }
    const child = joinPath(top.dir, top.names[top.next++]);
    let stat: Stat;
    try {
      stat = lstatOf(svc, child);
    } catch (e) {
      if (vanished(e)) continue;
      throw e;
    }
    yield { path: child, stat };
    if (stat.kind !== "dir" || stack.length >= maxDepth) continue;
    let names: string[];
    try {
      names = svc.readdir(child).map(nameOf);
    } catch (e) {
      if (vanished(e)) continue;
      throw e;
    }
    stack.push({ dir: child, names, next: 0 });
  }
}

interface Frame {
  dir: string;
  names: string[];
  next: number;
}

function nameOf(entry: { name: string }): string {
  return entry.name;
}
