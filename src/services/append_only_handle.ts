/**
 * A BufferHandle for append-only files: every write goes to the end and
 * the file cannot be cut.
 *
 * @module
 */

import { BufferHandle, type BufferHandleOptions } from "../fs/buffer_handle.ts";
import { FsError } from "../fs/errors.ts";

/**
 * A {@linkcode BufferHandle} in append mode whose `truncate` is EPERM.
 */
export class AppendOnlyHandle extends BufferHandle {
  #writable: boolean;

  /** @param opts as for BufferHandle; `append` is forced on */
  constructor(opts: BufferHandleOptions) {
    super({ ...opts, append: true });
    this.#writable = opts.writable;
  }

  override truncate(_size: number): void {
    this.position(); // EBADF once closed
    if (!this.#writable) throw new FsError("EBADF", this.path, "not opened for writing");
    throw new FsError("EPERM", this.path, "log files are append-only");
  }
}
