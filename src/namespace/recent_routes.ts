/**
 * The latest routes through a mount table that no longer changes.
 *
 * @module
 */

import type { MountRoute } from "./mount_table.ts";

/**
 * How many routes make one generation; then they are all let go at once.
 *
 * @example
 * ```ts
 * import { KEPT } from "./recent_routes.ts";
 * console.log(KEPT); // 1024
 * ```
 */
export const KEPT = 1024;
/** Longer paths are not kept, which bounds the memory held. */
const LONGEST = 256;
/**
 * After a generation that missed more than it hit, this many routes are
 * answered without keeping them.
 *
 * @example
 * ```ts
 * import { PAUSE } from "./recent_routes.ts";
 * console.log(PAUSE); // 4096
 * ```
 */
export const PAUSE = 4 * KEPT;

/**
 * Routes through mount tables that no longer change, remembering the latest
 * by the path string asked for. A route depends only on the path and the
 * tables, so a hit needs no checking; and it hands the service the same
 * inner path string as last time, whose hash V8 keeps, where a fresh slice
 * would be hashed again by a service that indexes by path.
 *
 * Keeping costs a hash of the path and an insertion per miss. When paths
 * do not come back (a walk over more files than are kept), a generation
 * misses more than it hits, and routes go unkept for a while.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
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
  /** Hits in the current generation. */
  #hits = 0;
  /** Routes still to answer without keeping them. */
  #paused = 0;

  /** Keeps what `find` answers; it must answer the same for the same path. */
  constructor(find: (path: string) => MountRoute) {
    this.#find = find;
  }

  /** The route of `path`: the one kept, or what `find` answers. */
  route(path: string): MountRoute {
    if (this.#paused > 0) {
      this.#paused--;
      return this.#find(path);
    }
    const known = this.#kept.get(path);
    if (known !== undefined) {
      this.#hits++;
      return known;
    }
    const r = this.#find(path);
    if (path.length <= LONGEST) {
      if (this.#kept.size >= KEPT) this.#nextGeneration();
      this.#kept.set(path, r);
    }
    return r;
  }

  /**
   * Lets every kept route go at once (one by one, V8 would walk the holes
   * it leaves at the front of a Map), and pauses after a poor generation.
   */
  #nextGeneration(): void {
    if (this.#hits < KEPT) this.#paused = PAUSE;
    this.#hits = 0;
    this.#kept.clear();
  }
}
