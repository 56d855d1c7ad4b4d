/**
 * The position a seek lands on: one rule for every handle that keeps its
 * own position.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import type { SeekFrom } from "./types.ts";

/**
 * The new position of a handle at `position` in a file of `size()` bytes
 * after seeking `offset` from `whence`. `size` is called only for `"end"`.
 *
 * @throws {FsError} EINVAL for an offset that is not a safe integer, an
 * unknown origin, or a position before the start of the file.
 *
 * @example
 * ```ts
 * import { seekTarget } from "./seek.ts";
 * console.log(seekTarget("/f", -2, "end", 0, () => 10)); // 8
 * ```
 */
export function seekTarget(
  path: string,
  offset: number,
  whence: SeekFrom,
  position: number,
  size: () => number,
): number {
  if (!Number.isSafeInteger(offset)) {
    throw new FsError("EINVAL", path, `bad seek offset ${offset}`);
  }
  const base = whence === "start"
    ? 0
    : whence === "current"
    ? position
    : whence === "end"
    ? size()
    : NaN;
  if (Number.isNaN(base)) throw new FsError("EINVAL", path, `bad seek origin ${whence}`);
  const next = base + offset;
  if (next < 0) throw new FsError("EINVAL", path, "seek before start of file");
  return next;
}
