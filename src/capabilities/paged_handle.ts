/**
 * A FileHandle over a {@linkcode PagedBytes} store: HttpFs's upload files
 * (written by the agent) and response body files (read with read/pread,
 * like any file, once the response has arrived).
 *
 * @module
 */

import { seekTarget } from "../fs/seek.ts";
import { FsError } from "../fs/errors.ts";
import type { FileHandle, SeekFrom, Stat } from "../fs/types.ts";
import { BodyLimitError } from "./byte_budget.ts";
import { PagedBytes } from "./paged_bytes.ts";
import { fileStat } from "./synthetic_stat.ts";

/**
 * What a handle reads: a {@linkcode PagedBytes} store, or read-only
 * content that reads like one (such as a `TextBytes`).
 *
 * @example
 * ```ts
 * import type { ReadableBytes } from "./paged_handle.ts";
 * const empty: ReadableBytes = { size: 0, readAt: () => 0 };
 * ```
 */
export interface ReadableBytes {
  /** The number of bytes. */
  readonly size: number;
  /** Copies up to `buf.length` bytes from `offset` into `buf`; returns the count (0 at the end). */
  readAt(buf: Uint8Array, offset: number): number;
}

/**
 * How a {@linkcode PagedHandle} behaves.
 *
 * @example
 * ```ts
 * import { PagedBytes } from "@oanix/oanix";
 * import { type PagedHandleOptions } from "./paged_handle.ts";
 * const body = new PagedBytes();
 * const opts: PagedHandleOptions = { path: "/x", content: () => body, readable: true, writable: false };
 * ```
 */
export interface PagedHandleOptions {
  /** The path inside the service, for messages. */
  path: string;
  /**
   * The store, asked for at every operation (so a store that is replaced
   * or removed is seen at once): it may throw `FsError("EAGAIN")` while
   * the content has not arrived, or another FsError when it is gone. A
   * writable handle's store is a PagedBytes.
   */
  content: () => PagedBytes | ReadableBytes;
  /** The store `stat` reports on, when it differs from `content` (default: `content`). */
  statContent?: () => ReadableBytes;
  /** The handle may read. */
  readable: boolean;
  /** The handle may write. */
  writable: boolean;
  /** Every write goes to the end. */
  append?: boolean;
  /** What `stat` reports as `readOnly` (default: the handle is not writable). */
  readOnly?: boolean;
  /** Turns a refused write (too large) into the FsError to throw. */
  onLimit?: (e: BodyLimitError) => FsError;
  /** Called once, by `close()`. */
  onClose?: () => void;
  /** When present, becomes the handle's `whenReadable`. */
  whenReadable?: (signal?: AbortSignal) => Promise<void>;
}

/**
 * A FileHandle over paged bytes.
 *
 * @example
 * ```ts
 * import { PagedBytes } from "@oanix/oanix";
 * import { PagedHandle } from "./paged_handle.ts";
 * const body = PagedBytes.wrap(new TextEncoder().encode("hello"));
 * const h = new PagedHandle({ path: "/body", content: () => body, readable: true, writable: false });
 * const buf = new Uint8Array(3);
 * console.log(h.pread(buf, 2), new TextDecoder().decode(buf)); // 3 "llo"
 * h.close();
 * ```
 */
export class PagedHandle implements FileHandle {
  readonly path: string;
  /** Resolves when a read will not fail with EAGAIN. */
  readonly whenReadable?: (signal?: AbortSignal) => Promise<void>;
  readonly #opts: PagedHandleOptions;
  #pos = 0;
  #closed = false;

  /**
   * Makes a handle; the store is asked for when an operation needs it.
   *
   * @param opts how the handle behaves
   */
  constructor(opts: PagedHandleOptions) {
    this.path = opts.path;
    this.#opts = opts;
    if (opts.whenReadable !== undefined) this.whenReadable = opts.whenReadable;
  }

  #open(): void {
    if (this.#closed) throw new FsError("EBADF", this.path, "handle is closed");
  }

  #load(): PagedBytes | ReadableBytes {
    this.#open();
    return this.#opts.content();
  }

  #reading(): PagedBytes | ReadableBytes {
    this.#open();
    if (!this.#opts.readable) throw new FsError("EBADF", this.path, "not opened for reading");
    return this.#load();
  }

  #writing<T>(fn: (store: PagedBytes) => T): T {
    this.#open();
    if (!this.#opts.writable) throw new FsError("EBADF", this.path, "not opened for writing");
    const store = this.#load();
    if (!(store instanceof PagedBytes)) {
      throw new FsError("EBADF", this.path, "not writable content");
    }
    try {
      return fn(store);
    } catch (e) {
      if (e instanceof BodyLimitError) {
        throw this.#opts.onLimit?.(e) ?? new FsError("EFBIG", this.path, e.message);
      }
      throw e;
    }
  }

  read(buf: Uint8Array): number {
    const n = this.#reading().readAt(buf, this.#pos);
    this.#pos += n;
    return n;
  }

  pread(buf: Uint8Array, offset: number): number {
    checkOffset(offset, this.path);
    return this.#reading().readAt(buf, offset);
  }

  write(data: Uint8Array): number {
    return this.#writing((s) => {
      if (this.#opts.append) this.#pos = s.size;
      const n = s.writeAt(data, this.#pos);
      this.#pos += n;
      return n;
    });
  }

  pwrite(data: Uint8Array, offset: number): number {
    checkOffset(offset, this.path);
    return this.#writing((s) => s.writeAt(data, this.#opts.append ? s.size : offset));
  }

  truncate(size: number): void {
    checkOffset(size, this.path);
    this.#writing((s) => s.truncate(size));
  }

  seek(offset: number, whence: SeekFrom = "start"): number {
    this.#open();
    this.#pos = seekTarget(this.path, offset, whence, this.#pos, () => this.#load().size);
    return this.#pos;
  }

  position(): number {
    this.#open();
    return this.#pos;
  }

  flush(): void {
    this.#open();
  }

  stat(): Stat {
    this.#open();
    let size = 0;
    try {
      size = (this.#opts.statContent ?? this.#opts.content)().size;
    } catch (e) {
      if (!(e instanceof FsError && e.code === "EAGAIN")) throw e;
    }
    return fileStat(size, this.#opts.readOnly ?? !this.#opts.writable);
  }

  close(): void {
    this.#open();
    this.#closed = true;
    this.#opts.onClose?.();
  }
}

function checkOffset(offset: number, path: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FsError("EINVAL", path, `bad offset ${offset}`);
  }
}
