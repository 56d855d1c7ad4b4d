/**
 * Seeing through a namespace mounted in a namespace: one route from the
 * outer path to the final service.
 *
 * @module
 */

import type { MountRoute } from "./mount_table.ts";

/**
 * True when the route reaches a service below its mount point, away from
 * the mount tree: the table has nothing to decide there, the service does
 * everything.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { isPlainRoute } from "./joined_route.ts";
 * const t = new MountTable();
 * t.add("/tmp", new MemFs());
 * console.log(isPlainRoute(t.route("/tmp/a")), isPlainRoute(t.route("/tmp"))); // true false
 * ```
 */
export function isPlainRoute(r: MountRoute): boolean {
  return r.service !== undefined && !r.inTable && !r.parentSynthesized;
}

/**
 * The route through `outer` and then `inner`, where `outer` leads to a
 * namespace and `inner` is that namespace's route of `outer.path`. Both
 * must be plain ({@linkcode isPlainRoute}): then the nested namespace would
 * only pass the call on, and the outer one can call the final service
 * itself, with errors named by the outer path as before.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * import { joinRoutes } from "./joined_route.ts";
 * const outer = new MountTable();
 * const inner = new MountTable();
 * inner.add("/workspace", new MemFs());
 * outer.add("/sandbox", new MemFs()); // stands for the nested namespace
 * const o = outer.route("/sandbox/workspace/a.txt");
 * const r = joinRoutes(o, inner.route(o.path));
 * console.log(r.full, r.path, r.mountPoint); // "/sandbox/workspace/a.txt" "/a.txt" "/sandbox/workspace"
 * ```
 */
export function joinRoutes(outer: MountRoute, inner: MountRoute): MountRoute {
  const a = outer.mountPoint;
  const b = inner.mountPoint;
  return {
    full: outer.full,
    service: inner.service,
    path: inner.path,
    mountPoint: a === "/" ? b : b === "/" ? a : a + b,
    inTable: false,
    synthesized: false,
    parentSynthesized: false,
    childNames: () => [],
  };
}
