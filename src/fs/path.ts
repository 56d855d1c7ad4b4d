/**
 * Path normalisation for the file contract (DESIGN.md D4).
 *
 * Paths are absolute POSIX paths. `.` and empty segments are dropped, `..`
 * is resolved lexically and never climbs above `/`. A NUL byte is EINVAL; a
 * path over {@linkcode MAX_PATH_LENGTH} bytes or a segment over
 * {@linkcode MAX_NAME_LENGTH} is ENAMETOOLONG.
 *
 * @module
 */

import { FsError } from "./errors.ts";

/**
 * The longest path accepted, in UTF-16 code units.
 *
 * @example
 * ```ts
 * import { MAX_PATH_LENGTH } from "./path.ts";
 * console.log(MAX_PATH_LENGTH); // 4096
 * ```
 */
export const MAX_PATH_LENGTH = 4096;

/**
 * The longest single path segment accepted.
 *
 * @example
 * ```ts
 * import { MAX_NAME_LENGTH } from "./path.ts";
 * console.log(MAX_NAME_LENGTH); // 255
 * ```
 */
export const MAX_NAME_LENGTH = 255;

/** True when `path` is already normalised: the fast path of normalizePath. */
function isNormalized(path: string): boolean {
  const n = path.length;
  if (n === 0 || path.charCodeAt(0) !== 47) return false;
  if (n === 1) return true;
  if (path.charCodeAt(n - 1) === 47) return false;
  let segStart = 1;
  for (let i = 1; i <= n; i++) {
    const c = i < n ? path.charCodeAt(i) : 47;
    if (c === 0) return false;
    if (c === 47) {
      const len = i - segStart;
      if (len === 0 || len > MAX_NAME_LENGTH) return false;
      if (path.charCodeAt(segStart) === 46) {
        if (len === 1) return false;
        if (len === 2 && path.charCodeAt(segStart + 1) === 46) return false;
      }
      segStart = i + 1;
    }
  }
  return true;
}

/**
 * Normalises an absolute path. Returns the input itself when it is already
 * normal, so calling it again is cheap.
 *
 * @throws {FsError} EINVAL for a non-string, an empty or relative path, or
 * a NUL byte; ENAMETOOLONG for an over-long path or segment.
 *
 * @example
 * ```ts
 * import { normalizePath } from "@oanix/oanix";
 * console.log(normalizePath("/a//b/./c/../d/")); // "/a/b/d"
 * console.log(normalizePath("/../../etc")); // "/etc"
 * ```
 */
export function normalizePath(path: string): string {
  if (typeof path !== "string") {
    throw new FsError(
      "EINVAL",
      String(path),
      `path must be a string, got ${typeof path}`,
    );
  }
  if (path.length > MAX_PATH_LENGTH) {
    throw new FsError(
      "ENAMETOOLONG",
      path.slice(0, 64) + "…",
      `path is ${path.length} characters, the limit is ${MAX_PATH_LENGTH}`,
    );
  }
  if (isNormalized(path)) return path;
  if (path.length === 0) throw new FsError("EINVAL", path, "empty path");
  if (path.includes("\0")) {
    throw new FsError("EINVAL", path.replaceAll("\0", "\\0"), "NUL in path");
  }
  if (path[0] !== "/") {
    throw new FsError("EINVAL", path, "path must be absolute");
  }
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      out.pop();
      continue;
    }
    if (seg.length > MAX_NAME_LENGTH) {
      throw new FsError(
        "ENAMETOOLONG",
        path,
        `segment is ${seg.length} characters, the limit is ${MAX_NAME_LENGTH}`,
      );
    }
    out.push(seg);
  }
  return "/" + out.join("/");
}

/**
 * Splits a normalised path into its segments; `/` gives `[]`.
 *
 * @example
 * ```ts
 * import { splitPath } from "./path.ts";
 * console.log(splitPath("/a/b")); // ["a", "b"]
 * ```
 */
export function splitPath(path: string): string[] {
  return path === "/" ? [] : path.slice(1).split("/");
}

/**
 * Joins a normalised directory path and a child name.
 *
 * @example
 * ```ts
 * import { joinPath } from "@oanix/oanix";
 * console.log(joinPath("/", "a"), joinPath("/a", "b")); // "/a" "/a/b"
 * ```
 */
export function joinPath(dir: string, name: string): string {
  return dir === "/" ? "/" + name : dir + "/" + name;
}

/**
 * The parent of a normalised path; the parent of `/` is `/`.
 *
 * @example
 * ```ts
 * import { parentPath } from "./path.ts";
 * console.log(parentPath("/a/b")); // "/a"
 * ```
 */
export function parentPath(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/**
 * The last segment of a normalised path; the base name of `/` is `""`.
 *
 * @example
 * ```ts
 * import { baseName } from "./path.ts";
 * console.log(baseName("/a/b.txt")); // "b.txt"
 * ```
 */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * True when normalised `path` is `ancestor` or lies below it, by whole
 * segments (`/tmp` is not an ancestor of `/tmpfoo`).
 *
 * @example
 * ```ts
 * import { isWithin } from "./path.ts";
 * console.log(isWithin("/tmp/a", "/tmp"), isWithin("/tmpfoo", "/tmp")); // true false
 * ```
 */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === "/") return true;
  return path === ancestor ||
    (path.startsWith(ancestor) && path.charCodeAt(ancestor.length) === 47);
}
