/**
 * POSIX host paths, as `node:path/posix` treats them (the same results),
 * without loading Node's compatibility layer: importing any `node:` module
 * starts it, which costs a Deno process tens of milliseconds and about
 * 6–14 MiB. The runner and the sandboxed child use these, so a run loads
 * no `node:` module at all.
 *
 * @module
 */

/**
 * True when `path` is absolute (starts with `/`).
 *
 * @example
 * ```ts
 * import { isAbsolute } from "./posix_path.ts";
 * console.log(isAbsolute("/srv"), isAbsolute("srv")); // true false
 * ```
 */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/** The segments of `path` with `.` and `..` resolved; `..` kept at the start of a relative path. */
function resolveSegments(path: string, absolute: boolean): string[] {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") out.push(segment);
    else if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (!absolute) out.push("..");
  }
  return out;
}

/**
 * `path` with `.`, `..` and repeated slashes resolved; a trailing slash is
 * kept; the empty path is `.`.
 *
 * @example
 * ```ts
 * import { normalize } from "./posix_path.ts";
 * console.log(normalize("/a//b/./c/../d/")); // "/a/b/d/"
 * console.log(normalize("a/../../b")); // "../b"
 * ```
 */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = isAbsolute(path);
  let body = resolveSegments(path, absolute).join("/");
  if (body === "" && !absolute) body = ".";
  if (body !== "" && path.endsWith("/")) body += "/";
  return absolute ? `/${body}` : body;
}

/**
 * The non-empty `parts` joined with `/` and normalised; `.` when all are
 * empty.
 *
 * @example
 * ```ts
 * import { join } from "./posix_path.ts";
 * console.log(join("/srv", "env", "../out")); // "/srv/out"
 * ```
 */
export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * The absolute path of `parts` taken right to left until one is absolute,
 * against the working folder; no trailing slash but for `/`.
 *
 * @example
 * ```ts
 * import { resolve } from "./posix_path.ts";
 * console.log(resolve("/srv", "env", "../out")); // "/srv/out"
 * ```
 */
export function resolve(...parts: string[]): string {
  let path = "";
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(path); i--) {
    if (parts[i] !== "") path = path === "" ? parts[i] : `${parts[i]}/${path}`;
  }
  if (!isAbsolute(path)) path = path === "" ? Deno.cwd() : `${Deno.cwd()}/${path}`;
  return `/${resolveSegments(path, true).join("/")}`;
}

/**
 * The folder of `path`: everything before its last segment (trailing
 * slashes aside); `.` for a single relative segment, `/` at the root.
 *
 * @example
 * ```ts
 * import { dirname } from "./posix_path.ts";
 * console.log(dirname("/srv/env/env.yaml"), dirname("env.yaml")); // "/srv/env" "."
 * ```
 */
export function dirname(path: string): string {
  if (path === "") return ".";
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  const slash = path.lastIndexOf("/", end - 1);
  if (slash === -1) return ".";
  // Node keeps a leading "//" (POSIX leaves its meaning to the system).
  return slash === 0 ? "/" : slash === 1 && path[0] === "/" ? "//" : path.slice(0, slash);
}

/**
 * The path from `from` to `to` (both resolved first); `""` when they are
 * the same.
 *
 * @example
 * ```ts
 * import { relative } from "./posix_path.ts";
 * console.log(relative("/srv/env", "/srv/out/run")); // "../out/run"
 * ```
 */
export function relative(from: string, to: string): string {
  const a = resolveSegments(resolve(from), true);
  const b = resolveSegments(resolve(to), true);
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  return [...a.slice(same).map(() => ".."), ...b.slice(same)].join("/");
}

/**
 * The host path of a `file:` URL, percent-decoded.
 *
 * @throws {TypeError} for a URL of another scheme, or one whose path
 * encodes a `/` (`%2F`).
 *
 * @example
 * ```ts
 * import { fromFileUrl } from "./posix_path.ts";
 * console.log(fromFileUrl("file:///srv/my%20env/env.yaml")); // "/srv/my env/env.yaml"
 * ```
 */
export function fromFileUrl(url: URL | string): string {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "file:") throw new TypeError(`not a file: URL: ${u.href}`);
  if (/%2f/i.test(u.pathname)) throw new TypeError(`a file: URL must not encode "/": ${u.href}`);
  return decodeURIComponent(u.pathname);
}

/** Characters a path keeps literally that a URL would read otherwise. */
const URL_SPECIAL = /[%\\\n\r\t#?]/g;

/**
 * The `file:` URL of an absolute host path (`%`, `#`, `?` and the like
 * encoded, so that the URL names exactly that file).
 *
 * @throws {TypeError} for a relative path.
 *
 * @example
 * ```ts
 * import { toFileUrl } from "./posix_path.ts";
 * console.log(toFileUrl("/srv/a#1.ts").href); // "file:///srv/a%231.ts"
 * ```
 */
export function toFileUrl(path: string): URL {
  if (!isAbsolute(path)) throw new TypeError(`not an absolute path: ${path}`);
  const encoded = path.replace(
    URL_SPECIAL,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return new URL(`file://${encoded}`);
}
