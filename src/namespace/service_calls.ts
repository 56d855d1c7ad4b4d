/**
 * What a namespace does around a call to a mounted service: errors named by
 * the namespace path, and the fallbacks of optional contract methods.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import type { FileService, Stat } from "../fs/types.ts";
import type { MountRoute } from "./mount_table.ts";

const SYNTHESIZED_STAT: Stat = { kind: "dir", size: 0, mtime: 0, readOnly: true, mtimeNs: 0n };

/**
 * A route that reached a service.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { isServed, type Served } from "./service_calls.ts";
 * const t = new MountTable();
 * t.add("/tmp", new MemFs());
 * const r = t.route("/tmp/a");
 * if (isServed(r)) console.log((r satisfies Served).service.kind); // "mem"
 * ```
 */
export type Served = MountRoute & { readonly service: FileService };

/**
 * True when the route reached a service.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { isServed } from "./service_calls.ts";
 * const t = new MountTable();
 * t.add("/tmp", new MemFs());
 * console.log(isServed(t.route("/tmp/a")), isServed(t.route("/etc"))); // true false
 * ```
 */
export function isServed(r: MountRoute): r is Served {
  return r.service !== undefined;
}

/**
 * The error for a path no service holds: EROFS above mount points, else
 * ENOENT.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { unserved } from "./service_calls.ts";
 * const t = new MountTable();
 * t.add("/cap/ws", new MemFs());
 * console.log(unserved(t.route("/cap")).code, unserved(t.route("/etc")).code); // "EROFS" "ENOENT"
 * ```
 */
export function unserved(r: MountRoute): FsError {
  return r.inTable
    ? new FsError("EROFS", r.full, "a read-only directory above mount points")
    : new FsError("ENOENT", r.full, "nothing is mounted there");
}

/**
 * `stat`, or `lstat` when not following and the service has it (a service
 * without `lstat` has no symlinks of its own to report).
 *
 * @example
 * ```ts
 * import { MemFs, writeText } from "@oanix/oanix";
 * import { statOf } from "./service_calls.ts";
 * const fs = new MemFs();
 * writeText(fs, "/a", "A");
 * fs.symlink("/a", "/l");
 * console.log(statOf(fs, "/l", true).kind, statOf(fs, "/l", false).kind); // "file" "symlink"
 * ```
 */
export function statOf(svc: FileService, inner: string, follow: boolean): Stat {
  return follow || svc.lstat === undefined ? svc.stat(inner) : svc.lstat(inner);
}

/**
 * `setTimes`, or ENOTSUP (naming the service's path) when the service keeps
 * no times.
 *
 * @example
 * ```ts
 * import { MemFs, writeText } from "@oanix/oanix";
 * import { setTimesOf } from "./service_calls.ts";
 * const fs = new MemFs();
 * writeText(fs, "/a", "A");
 * setTimesOf(fs, "/a", undefined, 5n);
 * console.log(fs.stat("/a").mtimeNs); // 5n
 * ```
 */
export function setTimesOf(
  svc: FileService,
  inner: string,
  atimeNs: bigint | undefined,
  mtimeNs: bigint | undefined,
): void {
  if (svc.setTimes === undefined) {
    throw new FsError("ENOTSUP", inner, `${svc.kind} does not keep times`);
  }
  svc.setTimes(inner, atimeNs, mtimeNs);
}

/**
 * A synthesised directory's status: the covering service's, when it has the
 * directory, else a read-only directory of its own.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { synthesizedStat } from "./service_calls.ts";
 * const t = new MountTable();
 * t.add("/cap/ws", new MemFs());
 * console.log(synthesizedStat(t.route("/cap"), true).readOnly); // true
 * ```
 */
export function synthesizedStat(r: MountRoute, follow: boolean): Stat {
  if (!isServed(r)) return { ...SYNTHESIZED_STAT };
  try {
    return statOf(r.service, r.path, follow);
  } catch (e) {
    if (e instanceof FsError && e.code === "ENOENT") return { ...SYNTHESIZED_STAT };
    throw renamed(e, r);
  }
}

/**
 * True when the service covering a synthesised directory really has it.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { isServed, serviceHasDir } from "./service_calls.ts";
 * const t = new MountTable();
 * t.add("/", new MemFs());
 * t.add("/cap/ws", new MemFs());
 * const r = t.route("/cap");
 * console.log(isServed(r) && serviceHasDir(r)); // false: the root service has no /cap
 * ```
 */
export function serviceHasDir(r: Served): boolean {
  try {
    return r.service.stat(r.path).kind === "dir";
  } catch {
    return false;
  }
}

/**
 * Re-issues a service's FsError with the namespace path in place of the
 * service's own; anything else passes unchanged. Only the error path pays
 * for this.
 *
 * @example
 * ```ts
 * import { FsError, MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { renamed } from "./service_calls.ts";
 * const t = new MountTable();
 * t.add("/tmp", new MemFs());
 * const e = renamed(new FsError("ENOENT", "/a"), t.route("/tmp/a")) as FsError;
 * console.log(e.path); // "/tmp/a"
 * ```
 */
export function renamed(e: unknown, r: MountRoute): unknown {
  if (!(e instanceof FsError) || e.path === undefined) return e;
  let full = r.full;
  if (e.path !== r.path && e.path.startsWith("/")) {
    const point = r.mountPoint;
    full = point === "/" ? e.path : e.path === "/" ? point : point + e.path;
  }
  if (full === e.path) return e;
  return new FsError(e.code, full, e.reason);
}
