/**
 * Host paths in manifests: relative ones resolve against the manifest's
 * folder.
 *
 * @module
 */

import { isAbsolute, join, normalize } from "./posix_path.ts";

/**
 * Resolves `path` against `baseDir` (an absolute host folder). `file:` URLs
 * are accepted.
 *
 * @example
 * ```ts
 * import { resolveFrom } from "./host_path.ts";
 * console.log(resolveFrom("/srv/env", "./project")); // "/srv/env/project"
 * console.log(resolveFrom("/srv/env", "/abs")); // "/abs"
 * ```
 */
export function resolveFrom(baseDir: string, path: string): string {
  if (/^file:/i.test(path)) path = decodeURIComponent(new URL(path).pathname);
  const full = isAbsolute(path) ? normalize(path) : join(baseDir, path);
  return full.length > 1 && full.endsWith("/") ? full.slice(0, -1) : full;
}
