/**
 * The tree operations the shell needs and the file contract leaves to
 * callers: `mkdir -p`, `rm -r` and `cp -r` over any file service, and a
 * move that copies when a rename cannot cross mounts.
 *
 * @module
 */

import { FsError, isFsError } from "../fs/errors.ts";
import { writeFile } from "../fs/file_io.ts";
import { isWithin, joinPath, normalizePath, splitPath } from "../fs/path.ts";
import type { FileService, Stat } from "../fs/types.ts";
import { readWhole } from "./waiting_read.ts";

function lstatOf(fs: FileService, path: string): Stat {
  return fs.lstat === undefined ? fs.stat(path) : fs.lstat(path);
}

/**
 * Creates `path` and any missing parents; a directory already there is
 * fine.
 *
 * @throws {FsError} ENOTDIR when something on the way is not a directory,
 * and whatever `mkdir` throws (EROFS, EACCES, ...).
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { makeDirs } from "./shell_tree.ts";
 * const fs = new MemFs();
 * makeDirs(fs, "/a/b/c");
 * console.log(fs.stat("/a/b/c").kind); // "dir"
 * ```
 */
export function makeDirs(fs: FileService, path: string): void {
  let here = "/";
  for (const seg of splitPath(normalizePath(path))) {
    here = joinPath(here, seg);
    let kind: string | undefined;
    try {
      kind = fs.stat(here).kind;
    } catch (e) {
      if (!isFsError(e, "ENOENT")) throw e;
    }
    if (kind === undefined) fs.mkdir(here);
    else if (kind !== "dir") throw new FsError("ENOTDIR", here);
  }
}

/**
 * Removes `path` and, when it is a directory, everything below it
 * (symlinks are removed, never followed).
 *
 * @throws {FsError} whatever `remove` throws; what was removed before stays removed.
 *
 * @example
 * ```ts
 * import { MemFs, writeText } from "@oanix/oanix";
 * import { makeDirs, removeTree } from "./shell_tree.ts";
 * const fs = new MemFs();
 * makeDirs(fs, "/a/b");
 * writeText(fs, "/a/b/f", "x");
 * removeTree(fs, "/a");
 * console.log(fs.readdir("/")); // []
 * ```
 */
export function removeTree(fs: FileService, path: string): void {
  if (lstatOf(fs, path).kind === "dir") {
    for (const e of fs.readdir(path)) removeTree(fs, joinPath(path, e.name));
  }
  fs.remove(path);
}

/**
 * Copies `from` to `to`. A file's bytes are copied (waiting, as `cat` does,
 * for a capability response that is not there yet); a directory is copied
 * with everything below it when `recursive`, its symlinks as symlinks.
 * A top-level symlink is followed.
 *
 * @throws {FsError} EISDIR for a directory without `recursive`; EINVAL for
 * a directory copied into itself; what the reads and writes throw.
 *
 * @example
 * ```ts
 * import { MemFs, readText, writeText } from "@oanix/oanix";
 * import { copyTree, makeDirs } from "./shell_tree.ts";
 * const fs = new MemFs();
 * makeDirs(fs, "/src");
 * writeText(fs, "/src/a.txt", "A");
 * await copyTree(fs, "/src", "/dst", { recursive: true });
 * console.log(readText(fs, "/dst/a.txt")); // "A"
 * ```
 */
export async function copyTree(
  fs: FileService,
  from: string,
  to: string,
  options: { recursive: boolean; signal?: AbortSignal },
): Promise<void> {
  const src = normalizePath(from);
  const dst = normalizePath(to);
  if (fs.stat(src).kind === "dir") {
    if (!options.recursive) throw new FsError("EISDIR", src, "copy a directory with -r");
    if (isWithin(dst, src)) {
      throw new FsError("EINVAL", dst, `cannot copy ${src} into itself`);
    }
  }
  await copyEntry(fs, src, dst, true, options.signal);
}

async function copyEntry(
  fs: FileService,
  src: string,
  dst: string,
  top: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  const kind = top ? fs.stat(src).kind : lstatOf(fs, src).kind;
  if (kind === "symlink" && fs.readlink !== undefined && fs.symlink !== undefined) {
    fs.symlink(fs.readlink(src), dst);
  } else if (kind === "dir") {
    makeDirs(fs, dst);
    for (const e of fs.readdir(src)) {
      await copyEntry(fs, joinPath(src, e.name), joinPath(dst, e.name), false, signal);
    }
  } else {
    writeFile(fs, dst, await readWhole(fs, src, signal));
  }
}

/**
 * Renames `from` to `to`; across mounts (EXDEV), copies everything first
 * and removes the original only once the copy is complete, so a failure
 * loses nothing.
 *
 * @throws {FsError} what `rename`, the copy or the removal throws.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace, readText, writeText } from "@oanix/oanix";
 * import { moveTree } from "./shell_tree.ts";
 * const ns = Namespace.builder().mount("/a", new MemFs()).mount("/b", new MemFs()).build();
 * writeText(ns, "/a/f.txt", "F");
 * await moveTree(ns, "/a/f.txt", "/b/f.txt");
 * console.log(readText(ns, "/b/f.txt"), ns.readdir("/a")); // "F" []
 * ```
 */
export async function moveTree(
  fs: FileService,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    fs.rename(from, to);
    return;
  } catch (e) {
    if (!isFsError(e, "EXDEV")) throw e;
  }
  const src = normalizePath(from);
  const dst = normalizePath(to);
  if (isWithin(dst, src)) throw new FsError("EINVAL", dst, `cannot move ${src} into itself`);
  // A symlink moves as a symlink.
  await copyEntry(fs, src, dst, false, signal);
  removeTree(fs, src);
}
