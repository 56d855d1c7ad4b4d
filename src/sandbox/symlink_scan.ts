/**
 * Finding symlinks that lead out of a workspace. A scoped `--allow-read`
 * follows symlinks, so a run refuses a workspace that holds one.
 *
 * @module
 */

import { dirname, isAbsolute, join, normalize, relative } from "@std/path";

/**
 * A symlink inside a workspace whose target lies outside it.
 *
 * @example
 * ```ts
 * import type { EscapingLink } from "@oanix/oanix";
 * const l: EscapingLink = { path: "notes/passwd", target: "/etc/passwd" };
 * ```
 */
export interface EscapingLink {
  /** The link, relative to the workspace root. */
  path: string;
  /** Where it points (resolved, absolute). */
  target: string;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Walks `root` (without following links) and returns every symlink whose
 * target, followed to the end, lies outside `root`. Dangling links count
 * when their target would lie outside.
 *
 * @example
 * ```ts ignore
 * import { findEscapingSymlinks } from "@oanix/oanix";
 * const links = await findEscapingSymlinks("./project");
 * if (links.length > 0) console.log("refused:", links);
 * ```
 */
export async function findEscapingSymlinks(root: string): Promise<EscapingLink[]> {
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
        let target: string;
        try {
          target = await Deno.realPath(full);
        } catch {
          // Dangling (or a loop): judge the link text lexically.
          const text = await Deno.readLink(full);
          target = normalize(isAbsolute(text) ? text : join(dirname(full), text));
        }
        if (!inside(target, realRoot)) found.push({ path: relative(realRoot, full), target });
      }
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}
