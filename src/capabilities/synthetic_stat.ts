/**
 * The stats of the capability services' synthetic files and directories
 * (also re-exported by `virtual_files.ts`).
 *
 * @module
 */

import type { Stat } from "../fs/types.ts";

/**
 * The stat of a synthetic directory.
 *
 * @example
 * ```ts
 * import { dirStat } from "./synthetic_stat.ts";
 * console.log(dirStat().kind); // "dir"
 * ```
 */
export function dirStat(): Stat {
  return { kind: "dir", size: 0, mtime: 0, readOnly: true, mtimeNs: 0n };
}

/**
 * The stat of a synthetic file of `size` bytes.
 *
 * @example
 * ```ts
 * import { fileStat } from "./synthetic_stat.ts";
 * console.log(fileStat(3, true).size); // 3
 * ```
 */
export function fileStat(size: number, readOnly: boolean): Stat {
  return { kind: "file", size, mtime: 0, readOnly, mtimeNs: 0n };
}
