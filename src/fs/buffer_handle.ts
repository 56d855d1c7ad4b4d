/**
 * The one FileHandle implementation for in-memory content. MemFs, MapFs,
 * FuncFs, TaskFs, LogsFs and the capability files all open files as a
 * BufferHandle over a {@linkcode ByteBuffer}, and differ only in the hooks.
 *
 * @module
 */

import { seekTarget } from "./seek.ts";
import type { ByteBuffer } from "./byte_buffer.ts";
import { FsError } from "./errors.ts";
import type { FileHandle, SeekFrom, Stat } from "./types.ts";

/**
 * How a {@linkcode BufferHandle} behaves.
 *
 * @example
 * ```ts
 * import type { BufferHandleOptions } from "@oanix/oanix";
 * const opts: Partial<BufferHandleOptions> = { readable: true, writable: false };
 * ```
 */
export interface BufferHandleOptions {
  /** The path inside the service, for messages. */
  path: string;
  /** The content; a function is called the first time the handle needs it. */
  buffer: ByteBuffer | (() => ByteBuffer);
  /** The handle may read. */
  readable: boolean;
  /** The handle may write. */
  writable: boolean;
  /** Every write goes to the end. */
  append?: boolean;
  /** The error code for a write on a handle that may not write (default EBADF). */
  readOnlyCode?: "EBADF" | "EROFS" | "EACCES";
  /**
   * Reports on the file; called by `stat()` with a function that loads (and
   * keeps) the handle's content, for services whose size depends on it.
   */
  stat: (load: () => ByteBuffer) => Stat;
  /** Called after every change to the content. */
  onChange?: () => void;
  /**
   * Called once, by `close()`, when the content was loaded (a lazy buffer
   * that nobody touched is not). May throw to refuse the content.
   */
  onClose?: (buffer: ByteBuffer) => void;
  /** Called by `flush()`. */
  onFlush?: (buffer: ByteBuffer) => void;
  /** When present, becomes the handle's `whenReadable`. */
  whenReadable?: (signal?: AbortSignal) => Promise<void>;
}

/**
 * A FileHandle over a shared {@linkcode ByteBuffer}.
 *
 * @example
 * ```ts
 * import { BufferHandle, ByteBuffer } from "@oanix/oanix";
 * const buffer = ByteBuffer.from("hello");
 * const h = new BufferHandle({
 *   path: "/greeting",
 *   buffer,
 *   readable: true,
 *   writable: false,
 *   stat: () => ({ kind: "file", size: buffer.size, mtime: 0, readOnly: true }),
 * });
 * const out = new Uint8Array(5);
 * h.read(out);
 * h.close();
 * ```
 */
export class BufferHandle implements FileHandle {
  readonly path: string;
  #opts: BufferHandleOptions;
  #buffer: ByteBuffer | undefined;
  #pos = 0;
  #closed = false;
  /** Resolves when a read will not fail with EAGAIN (capability files). */
  readonly whenReadable?: (signal?: AbortSignal) => Promise<void>;

  /**
   * Makes a handle over `opts.buffer`.
   *
   * @param opts how the handle behaves
   */
  constructor(opts: BufferHandleOptions) {
    this.path = opts.path;
    this.#opts = opts;
    if (typeof opts.buffer !== "function") this.#buffer = opts.buffer;
    if (opts.whenReadable) this.whenReadable = opts.whenReadable;
  }

  #checkOpen(): void {
    if (this.#closed) throw new FsError("EBADF", this.path, "handle is closed");
  }

  #live(): ByteBuffer {
    this.#checkOpen();
    if (this.#buffer === undefined) {
      this.#buffer = (this.#opts.buffer as () => ByteBuffer)();
    }
    return this.#buffer;
  }

  #checkRead(): ByteBuffer {
    const b = this.#live();
    if (!this.#opts.readable) {
      throw new FsError("EBADF", this.path, "not opened for reading");
    }
    return b;
  }

  #checkWrite(): ByteBuffer {
    const b = this.#live();
    if (!this.#opts.writable) {
      throw new FsError(
        this.#opts.readOnlyCode ?? "EBADF",
        this.path,
        "not opened for writing",
      );
    }
    return b;
  }

  read(buf: Uint8Array): number {
    const n = this.#checkRead().readAt(buf, this.#pos);
    this.#pos += n;
    return n;
  }

  write(data: Uint8Array): number {
    const b = this.#checkWrite();
    if (this.#opts.append) this.#pos = b.size;
    const n = b.writeAt(data, this.#pos, this.path);
    this.#pos += n;
    this.#opts.onChange?.();
    return n;
  }

  pread(buf: Uint8Array, offset: number): number {
    checkOffset(offset, this.path);
    return this.#checkRead().readAt(buf, offset);
  }

  pwrite(data: Uint8Array, offset: number): number {
    checkOffset(offset, this.path);
    const b = this.#checkWrite();
    const n = b.writeAt(data, this.#opts.append ? b.size : offset, this.path);
    this.#opts.onChange?.();
    return n;
  }

  seek(offset: number, whence: SeekFrom = "start"): number {
    this.#checkOpen();
    this.#pos = seekTarget(this.path, offset, whence, this.#pos, () => this.#live().size);
    return this.#pos;
  }

  position(): number {
    this.#checkOpen();
    return this.#pos;
  }

  flush(): void {
    this.#checkOpen();
    if (this.#buffer !== undefined) this.#opts.onFlush?.(this.#buffer);
  }

  /** Closes the handle; `onClose` runs only when the content was loaded. */
  close(): void {
    this.#checkOpen();
    this.#closed = true;
    if (this.#buffer !== undefined) this.#opts.onClose?.(this.#buffer);
  }

  stat(): Stat {
    this.#checkOpen();
    return this.#opts.stat(() => this.#live());
  }

  truncate(size: number): void {
    checkOffset(size, this.path);
    this.#checkWrite().truncate(size, this.path);
    this.#opts.onChange?.();
  }
}

function checkOffset(offset: number, path: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FsError("EINVAL", path, `bad offset ${offset}`);
  }
}
