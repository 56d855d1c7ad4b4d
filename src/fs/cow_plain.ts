/**
 * The base paths a {@linkcode CowLayer} knows to be plain, and the view's
 * stat of each, made once. Internal to CowFs.
 *
 * @module
 */

import type { Stat } from "./types.ts";

/**
 * How many paths a set learns at most (see {@linkcode PlainPaths.add}).
 *
 * @example
 * ```ts
 * import { MAX_PLAIN_PATHS } from "./cow_plain.ts";
 * console.log(MAX_PLAIN_PATHS); // 65536
 * ```
 */
export const MAX_PLAIN_PATHS = 65536;

/**
 * The view's stat of a plain base entry, and the base's stat it was made
 * from: it stands while the base hands out that same (frozen) stat.
 *
 * @example
 * ```ts
 * import type { KeptStat } from "./cow_plain.ts";
 * const of = Object.freeze({ kind: "file" as const, size: 1, mtime: 0, readOnly: true, ino: 3 });
 * const kept: KeptStat = { of, view: Object.freeze({ ...of, readOnly: false, ino: 6 }) };
 * ```
 */
export interface KeptStat {
  /** The base's stat. */
  readonly of: Stat;
  /** What the view reports for it (frozen). */
  readonly view: Stat;
}

/**
 * Base paths known to be reached without a symlink and untouched by the
 * layer (no node, no whiteout on the way): reads and stats of them go
 * straight to the base. Each may keep the view's stat of its entry, so a
 * repeated `stat` allocates nothing; a kept stat is reused only while the
 * base hands out the very stat object it was made from (MemFs and MapFs
 * keep one frozen stat per entry until the entry changes), so a base that
 * changes after all is still reported as it is.
 *
 * @example
 * ```ts
 * import { PlainPaths } from "./cow_plain.ts";
 * const plain = new PlainPaths();
 * plain.add("/a.txt");
 * console.log(plain.has("/a.txt"), plain.get("/a.txt")); // true null
 * ```
 */
export class PlainPaths {
  /** Plain paths, each with its kept stat or null. */
  readonly #paths: Map<string, KeptStat | null> = new Map();

  /** How many paths are known. */
  get size(): number {
    return this.#paths.size;
  }

  /** True when `path` is known to be plain. */
  has(path: string): boolean {
    return this.#paths.has(path);
  }

  /** The kept stat of plain `path` (null when none is kept yet); undefined when not plain. */
  get(path: string): KeptStat | null | undefined {
    return this.#paths.get(path);
  }

  /**
   * Remembers `path` as plain. Bounded: past {@linkcode MAX_PLAIN_PATHS} paths it learns no
   * more (what it holds stays right; other paths take the slower way), so
   * a scan of more paths than that does not churn it.
   */
  add(path: string): void {
    const paths = this.#paths;
    if (paths.size < MAX_PLAIN_PATHS && !paths.has(path)) paths.set(path, null);
  }

  /**
   * Keeps `view`, the view's stat of plain `path` made from the base's
   * frozen stat `of`. Nothing is kept for a path not known to be plain.
   */
  keep(path: string, of: Stat, view: Stat): void {
    const paths = this.#paths;
    if (paths.has(path)) paths.set(path, { of, view });
  }

  /** Forgets `path` (the layer changed it, or something on its way). */
  delete(path: string): void {
    this.#paths.delete(path);
  }

  /** Forgets every path. */
  clear(): void {
    this.#paths.clear();
  }
}
