/**
 * Finding symlinks that lead out of a workspace. A scoped `--allow-read`
 * follows symlinks, so a run refuses a workspace that holds one. In a folder
 * the agent may write, it may also move a link (`Deno.rename` needs only
 * the scoped grant), and a relative link with `..` then leads elsewhere, so
 * there such links are refused too.
 *
 * @module
 */

import { dirname, isAbsolute, join, normalize, relative } from "../manifest/posix_path.ts";

/**
 * A symlink inside a workspace whose target lies outside it.
 *
 * @example
 * ```ts
 * import type { EscapingLink } from "./symlink_scan.ts";
 * const l: EscapingLink = { path: "notes/passwd", target: "/etc/passwd" };
 * ```
 */
export interface EscapingLink {
  /** The link, relative to the workspace root. */
  path: string;
  /** Where it points (resolved, absolute), or its text when `movable`. */
  target: string;
  /** True when the link leads inside, but would not once moved (see `movable`). */
  movable?: boolean;
}

/**
 * Options for {@linkcode findEscapingSymlinks}.
 *
 * @example
 * ```ts
 * import type { SymlinkScanOptions } from "./symlink_scan.ts";
 * const opts: SymlinkScanOptions = { movable: true };
 * ```
 */
export interface SymlinkScanOptions {
  /**
   * The agent may move entries of the folder (it can write it, or a folder
   * inside it or around it): links whose text holds a `..` segment are
   * reported even when they lead inside now.
   */
  movable?: boolean;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Walks `root` (without following links) and returns every symlink whose
 * target, followed to the end, lies outside `root`. Dangling links count
 * when their target would lie outside. With `movable`, links with a `..`
 * segment are returned too: moved to a shallower folder, `../x` climbs out.
 *
 * @example
 * ```ts ignore
 * import { findEscapingSymlinks } from "./symlink_scan.ts";
 * const links = await findEscapingSymlinks("./project");
 * if (links.length > 0) console.log("refused:", links);
 * ```
 */
export async function findEscapingSymlinks(
  root: string,
  options: SymlinkScanOptions = {},
): Promise<EscapingLink[]> {
  const realRoot = await Deno.realPath(root);
  const found: EscapingLink[] = [];
  const stack = [realRoot];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for await (const entry of Deno.readDir(dir)) {
      const full = join(dir, entry.name);
      if (entry.isDirectory) {
        stack.push(full);
      } else if (entry.isSymlink) {
        const text = await Deno.readLink(full);
        let target: string;
        try {
          target = await Deno.realPath(full);
        } catch {
          // Dangling (or a loop): judge the link text lexically.
          target = normalize(isAbsolute(text) ? text : join(dirname(full), text));
        }
        const path = relative(realRoot, full);
        if (!inside(target, realRoot)) found.push({ path, target });
        else if (options.movable && text.split("/").includes("..")) {
          found.push({ path, target: text, movable: true });
        }
      }
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}
