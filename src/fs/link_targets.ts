/**
 * Symlink targets between workspace paths: the relative target to write,
 * and whether a relative target climbs above the root.
 *
 * @module
 */

import { splitPath } from "./path.ts";

/**
 * The relative path from workspace directory `from` to workspace path
 * `to` ("." when they are the same).
 *
 * @example
 * ```ts
 * import { relativePath } from "./link_targets.ts";
 * console.log(relativePath("/a/b", "/a/c/d")); // "../c/d"
 * console.log(relativePath("/a", "/a")); // "."
 * ```
 */
export function relativePath(from: string, to: string): string {
  const a = splitPath(from);
  const b = splitPath(to);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common).map(() => "..");
  const rel = [...up, ...b.slice(common)].join("/");
  return rel === "" ? "." : rel;
}

/**
 * True when relative `target`, read from workspace directory `dir`,
 * climbs above the root at any step.
 *
 * @example
 * ```ts
 * import { climbsOut } from "./link_targets.ts";
 * console.log(climbsOut("/a", "../b")); // false
 * console.log(climbsOut("/a", "../../b")); // true
 * ```
 */
export function climbsOut(dir: string, target: string): boolean {
  let depth = splitPath(dir).length;
  for (const seg of target.split("/")) {
    if (seg === "" || seg === ".") continue;
    depth += seg === ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}
