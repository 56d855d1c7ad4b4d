/**
 * Preopened directories: which namespace directories a guest is handed at
 * start (fd 3 onwards), under which names, and with which rights.
 *
 * Like wasmtime's `--dir HOST::GUEST`, each preopen is a namespace path and
 * the name the guest sees (`fd_prestat_dir_name`); wasi-libc resolves an
 * absolute guest path against the preopen with the longest matching name.
 *
 * @module
 */

import { normalizePath } from "../fs/path.ts";
import type { FileService } from "../fs/types.ts";
import { DIR_RIGHTS } from "./constants.ts";
import type { FdTable } from "./fd_table.ts";
import { DIR_INHERITING } from "./rights.ts";

/**
 * One preopened directory: the namespace directory `path`, seen by the
 * guest as `name` (default: `path` itself).
 *
 * @example
 * ```ts
 * import type { WasiPreopen } from "@oanix/oanix";
 * // The guest sees the namespace's /workspace as its root "/".
 * const p: WasiPreopen = { path: "/workspace", name: "/" };
 * ```
 */
export interface WasiPreopen {
  /** The directory in the namespace. */
  path: string;
  /** The name the guest sees. Default: `path`. */
  name?: string;
}

/** A preopen after validation: a normalised namespace path and a guest name. */
interface Preopen {
  path: string;
  name: string;
}

/** The preopens when none are given: the namespace root, as "/". */
const DEFAULT_PREOPENS: readonly (string | WasiPreopen)[] = Object.freeze(["/"]);

/**
 * Reads one preopen spec: a namespace path (seen under the same name), a
 * `{ path, name }` object, or the command-line form `"PATH::NAME"`.
 *
 * @throws {TypeError} for anything else, an empty name or a NUL byte.
 *
 * @example
 * ```ts
 * import { parsePreopen } from "./preopens.ts";
 * console.log(parsePreopen("/workspace::/")); // { path: "/workspace", name: "/" }
 * console.log(parsePreopen({ path: "/tmp/" })); // { path: "/tmp", name: "/tmp" }
 * ```
 */
export function parsePreopen(spec: string | WasiPreopen): { path: string; name: string } {
  let path: unknown;
  let name: unknown;
  if (typeof spec === "string") {
    const sep = spec.indexOf("::");
    path = sep === -1 ? spec : spec.slice(0, sep);
    name = sep === -1 ? undefined : spec.slice(sep + 2);
  } else if (spec !== null && typeof spec === "object") {
    path = spec.path;
    name = spec.name;
  } else {
    throw new TypeError(
      `a preopen is a path or { path, name }, got ${spec === null ? "null" : typeof spec}`,
    );
  }
  if (typeof path !== "string" || path.length === 0) {
    throw new TypeError(`preopen path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  if (name !== undefined && (typeof name !== "string" || name.length === 0)) {
    throw new TypeError(`preopen name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  const normal = normalizePath(path);
  const shown = (name as string | undefined) ?? normal;
  if (path.includes("\0") || shown.includes("\0")) {
    throw new TypeError(`preopen contains NUL: ${JSON.stringify(spec)}`);
  }
  return { path: normal, name: shown };
}

/**
 * Adds the preopens to `fds` (from fd 3 on): each must be a directory of
 * `root`. Preopens get directory rights only; the files and directories
 * opened through them may get any file or directory right.
 *
 * @throws {TypeError} for a bad spec or a path that is not a directory.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { addPreopens } from "./preopens.ts";
 * import { FdTable } from "./fd_table.ts";
 * const fds = new FdTable(8);
 * fds.add({ kind: "dir", path: "/", rights: 0, inheriting: 0, fdflags: 0 }); // stand-ins for stdio
 * fds.add({ kind: "dir", path: "/", rights: 0, inheriting: 0, fdflags: 0 });
 * fds.add({ kind: "dir", path: "/", rights: 0, inheriting: 0, fdflags: 0 });
 * addPreopens(fds, new MemFs(), [{ path: "/", name: "/data" }]);
 * console.log(fds.get(3).kind); // "dir"
 * ```
 */
export function addPreopens(
  fds: FdTable,
  root: FileService,
  specs: readonly (string | WasiPreopen)[] | undefined = DEFAULT_PREOPENS,
): void {
  if (!Array.isArray(specs)) {
    throw new TypeError("preopens must be an array of paths or { path, name } objects");
  }
  const list: Preopen[] = specs.map(parsePreopen);
  for (const p of list) {
    let kind: string;
    try {
      kind = root.stat(p.path).kind;
    } catch (e) {
      throw new TypeError(`preopen ${p.path}: ${(e as Error).message}`, { cause: e });
    }
    if (kind !== "dir") throw new TypeError(`preopen ${p.path} is not a directory`);
  }
  for (const p of list) {
    fds.add({
      kind: "dir",
      path: p.path,
      preopen: p.name,
      rights: DIR_RIGHTS,
      inheriting: DIR_INHERITING,
      fdflags: 0,
    });
  }
}
