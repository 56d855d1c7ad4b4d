/**
 * The latest routes through a mount table that no longer changes.
 *
 * @module
 */

import type { MountRoute } from "./mount_table.ts";

/** How many routes are kept at most; past that, they are all let go. */
const KEPT = 1024;
/** Longer paths are not kept, which bounds the memory held. */
const LONGEST = 256;

/**
 * Routes through mount tables that no longer change, remembering the latest
 * by the path string asked for. A route depends only on the path and the
 * tables, so a hit needs no checking; and it hands the service the same
 * inner path string as last time, whose hash V8 keeps, where a fresh slice
 * would be hashed again by a service that indexes by path.
 *
 * @example
 * ```ts
 * import { MemFs, MountTable } from "@oanix/oanix";
 * import { RecentRoutes } from "./recent_routes.ts";
 * const table = new MountTable();
 * table.add("/tmp", new MemFs());
 * const routes = new RecentRoutes((p) => table.route(p));
 * console.log(routes.route("/tmp/a") === routes.route("/tmp/a")); // true
 * ```
 */
export class RecentRoutes {
  #find: (path: string) => MountRoute;
  #kept = new Map<string, MountRoute>();

  /** Keeps what `find` answers; it must answer the same for the same path. */
  constructor(find: (path: string) => MountRoute) {
    this.#find = find;
  }

  /** The route of `path`: the one kept, or what `find` answers. */
  route(path: string): MountRoute {
    const known = this.#kept.get(path);
    if (known !== undefined) return known;
    const r = this.#find(path);
    if (path.length <= LONGEST) {
      // Dropping all at once costs nothing per route; dropping the oldest
      // one by one would walk the holes V8 leaves at the front of the Map.
      if (this.#kept.size >= KEPT) this.#kept.clear();
      this.#kept.set(path, r);
    }
    return r;
  }
}
