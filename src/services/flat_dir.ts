/**
 * Path handling for services that serve a small, flat set of files in `/`
 * (TaskFs, LogsFs): one place that says what `ENOENT` and `ENOTDIR` mean.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { normalizePath } from "../fs/path.ts";
import type { DirEntry, Stat } from "../fs/types.ts";

/**
 * Resolves `path` to a file name in `/`, or `""` for `/` itself.
 *
 * @throws {FsError} EINVAL for a bad path, ENOTDIR for a path below one
 * of the files, ENOENT for anything else.
 */
export function flatName(path: string, has: (name: string) => boolean): string {
  const p = normalizePath(path);
  if (p === "/") return "";
  const slash = p.indexOf("/", 1);
  if (slash === -1) {
    const name = p.slice(1);
    if (has(name)) return name;
    throw new FsError("ENOENT", p);
  }
  throw new FsError(has(p.slice(1, slash)) ? "ENOTDIR" : "ENOENT", p);
}

/** The stat of the root directory of a flat service. */
export function flatRootStat(mtimeNs: bigint, readOnly: boolean): Stat {
  return { kind: "dir", size: 0, mtime: Number(mtimeNs) / 1e6, readOnly, ino: 1, mtimeNs };
}

/** A sorted listing of file names. */
export function flatListing(names: Iterable<string>): DirEntry[] {
  return [...names].sort().map((name) => ({ name, kind: "file" as const }));
}

/** Throws ENOTDIR for `readdir` of a file, or returns true for the root. */
export function flatReaddirCheck(name: string): void {
  if (name !== "") throw new FsError("ENOTDIR", "/" + name);
}
