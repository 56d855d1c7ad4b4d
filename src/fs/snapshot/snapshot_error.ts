/**
 * The one error a snapshot archive is refused with.
 *
 * @module
 */

/**
 * Why an archive was refused:
 *
 * - `truncated`: it ends early (cut short while copied or written);
 * - `corrupt`: it is not a tar file holding a well-formed OANIX snapshot,
 *   or an entry's size or checksum does not match the manifest;
 * - `unsupported-version`: it was written in a format version this OANIX
 *   cannot read;
 * - `wrong-base`: a copy-on-write layer was taken over a base other than
 *   the one given to restore it onto;
 * - `missing-service`: the archive needs a service the caller must give
 *   (the base of a copy-on-write mount, or a mount it does not hold);
 * - `unsupported-service`: a service of a kind this reader cannot restore.
 *
 * @example
 * ```ts
 * import type { SnapshotErrorCode } from "./snapshot_error.ts";
 * const code: SnapshotErrorCode = "wrong-base";
 * ```
 */
export type SnapshotErrorCode =
  | "truncated"
  | "corrupt"
  | "unsupported-version"
  | "wrong-base"
  | "missing-service"
  | "unsupported-service";

/**
 * An archive was refused. Nothing was restored: every check runs before
 * anything is built.
 *
 * @example
 * ```ts
 * import { SnapshotError } from "./snapshot_error.ts";
 * const e = new SnapshotError("truncated", "the archive ends inside blobs/ab12");
 * console.log(e.message); // "snapshot truncated: the archive ends inside blobs/ab12"
 * ```
 */
export class SnapshotError extends Error {
  /** Why. */
  readonly code: SnapshotErrorCode;

  /**
   * Makes the error; the message starts with the code.
   *
   * @param code why the archive was refused
   * @param detail what exactly is wrong, naming the entry or mount
   */
  constructor(code: SnapshotErrorCode, detail: string) {
    super(`snapshot ${code}: ${detail}`);
    this.name = "SnapshotError";
    this.code = code;
  }
}
