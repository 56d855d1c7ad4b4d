/**
 * Making refusals inside the namespace visible: a wrapper that reports
 * every operation a service refused (read-only, not permitted, across
 * mounts) before passing the error on. Together with Deno's audit log this
 * shows both walls: the namespace and the process.
 *
 * @module
 */

import { FsError, type FsErrorCode } from "../../fs/errors.ts";
import type { Namespace } from "../../namespace/namespace.ts";

/**
 * One refused operation.
 *
 * @example
 * ```ts
 * import type { Denial } from "./denial_audit.ts";
 * const d: Denial = { op: "open", path: "/task/spec.json", code: "EROFS" };
 * ```
 */
export interface Denial {
  /** The namespace method. */
  op: string;
  /** The path the error names. */
  path: string;
  /** Why it was refused. */
  code: FsErrorCode;
}

/** The codes that mean "not allowed", as opposed to "not there". */
const REFUSALS = new Set<FsErrorCode>(["EACCES", "EPERM", "EROFS", "EXDEV", "EBUSY"]);

const AUDITED = new Set([
  "open",
  "readFile",
  "writeFile",
  "readdir",
  "stat",
  "lstat",
  "mkdir",
  "remove",
  "rename",
  "setTimes",
  "lsetTimes",
  "link",
  "symlink",
  "readlink",
]);

/**
 * A view of `namespace` that calls `onDenied` for every refused operation.
 * Everything else (resolve, mounts, describe) passes through.
 *
 * @example
 * ```ts
 * import { MapFs, Namespace, writeText } from "@oanix/oanix";
 * import { auditDenials } from "./denial_audit.ts";
 * const ns = Namespace.builder().mount("/ro", MapFs.fromObject({ "/a": "A" })).build();
 * const seen: string[] = [];
 * const audited = auditDenials(ns, (d) => seen.push(`${d.op} ${d.path} ${d.code}`));
 * try {
 *   writeText(audited, "/ro/a", "B");
 * } catch (e) {
 *   console.log((e as Error).message); // EROFS: read-only file system: /ro/a
 * }
 * console.log(seen); // ["open /ro/a EROFS"]
 * ```
 */
export function auditDenials(namespace: Namespace, onDenied: (d: Denial) => void): Namespace {
  return new Proxy(namespace, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (typeof prop !== "string" || !AUDITED.has(prop)) return value.bind(target);
      return (...args: unknown[]) => {
        try {
          return value.apply(target, args);
        } catch (e) {
          if (e instanceof FsError && REFUSALS.has(e.code)) {
            onDenied({ op: prop, path: e.path ?? String(args[0]), code: e.code });
          }
          throw e;
        }
      };
    },
  });
}
