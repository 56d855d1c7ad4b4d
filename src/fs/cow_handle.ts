/**
 * The handle a {@linkcode CowFs} returns for a file read straight from its
 * base. Internal to CowFs.
 *
 * @module
 */

import { BufferHandle } from "./buffer_handle.ts";
import type { CopyUpClock, CowNode } from "./cow_layer.ts";
import type { FileHandle, SeekFrom, Stat } from "./types.ts";

/**
 * What a {@linkcode PassHandle} needs from its CowFs.
 *
 * @example
 * ```ts
 * import type { PassHost } from "./cow_handle.ts";
 * const host: PassHost = {
 *   clock: { gen: 0 },
 *   copyOf: () => undefined,
 *   baseStat: (st) => ({ ...st, readOnly: false }),
 *   nodeStat: () => ({ kind: "file", size: 0, mtime: 0, readOnly: false }),
 * };
 * ```
 */
export interface PassHost {
  /** Bumped at every copy-up. */
  readonly clock: CopyUpClock;
  /** The copied-up node standing for the base file at `path`, if there is one now. */
  copyOf(path: string): CowNode | undefined;
  /** Maps a base stat to the overlay's view of it. */
  baseStat(st: Stat): Stat;
  /** Reports on a node. */
  nodeStat(node: CowNode): Stat;
}

/**
 * A read-only handle on a base file. It reports the file as the overlay
 * sees it (`readOnly: false`, overlay inode numbers), and once the file is
 * copied up (at its path, by a write through the CowFs) it moves over to
 * the copy at the same position, so it sees the overlay's writes at once.
 *
 * @example
 * ```ts
 * import { CowFs, MemFs, writeText } from "@oanix/oanix";
 * const base = new MemFs();
 * writeText(base, "/a", "old");
 * const cow = new CowFs(base);
 * const h = cow.open("/a"); // a PassHandle on the base file
 * writeText(cow, "/a", "new"); // copy-up: h now reads the copy
 * const buf = new Uint8Array(3);
 * h.read(buf); // "new"
 * h.close();
 * ```
 */
export class PassHandle implements FileHandle {
  readonly path: string;
  #host: PassHost;
  #inner: FileHandle;
  #readable: boolean;
  #seen: number;
  #moved = false;
  #closed = false;
  /** Present when the base handle has it. */
  readonly whenReadable?: (signal?: AbortSignal) => Promise<void>;

  /**
   * Wraps `inner`, a handle opened read-only on the base file at `path`.
   *
   * @param host the CowFs's hooks
   * @param inner the base handle
   * @param readable whether the handle was opened for reading
   */
  constructor(host: PassHost, inner: FileHandle, readable: boolean) {
    this.path = inner.path;
    this.#host = host;
    this.#inner = inner;
    this.#readable = readable;
    this.#seen = host.clock.gen;
    if (inner.whenReadable !== undefined) {
      this.whenReadable = (signal) => this.#inner.whenReadable?.(signal) ?? Promise.resolve();
    }
  }

  /** The current handle, after moving over to a copy made since the last call. */
  #h(): FileHandle {
    if (this.#seen !== this.#host.clock.gen) this.#follow();
    return this.#inner;
  }

  #follow(): void {
    this.#seen = this.#host.clock.gen;
    if (this.#moved || this.#closed) return;
    const node = this.#host.copyOf(this.path);
    if (node === undefined) return;
    const host = this.#host;
    const next = new BufferHandle({
      path: this.path,
      buffer: node.data!,
      readable: this.#readable,
      writable: false,
      stat: () => host.nodeStat(node),
    });
    next.seek(this.#inner.position());
    this.#inner.close();
    this.#inner = next;
    this.#moved = true;
  }

  read(buf: Uint8Array): number {
    return this.#h().read(buf);
  }

  write(data: Uint8Array): number {
    return this.#h().write(data);
  }

  pread(buf: Uint8Array, offset: number): number {
    return this.#h().pread(buf, offset);
  }

  pwrite(data: Uint8Array, offset: number): number {
    return this.#h().pwrite(data, offset);
  }

  seek(offset: number, whence?: SeekFrom): number {
    return this.#h().seek(offset, whence);
  }

  position(): number {
    return this.#h().position();
  }

  flush(): void {
    this.#h().flush();
  }

  close(): void {
    this.#inner.close();
    this.#closed = true;
  }

  stat(): Stat {
    const st = this.#h().stat();
    return this.#moved ? st : this.#host.baseStat(st);
  }

  truncate(size: number): void {
    this.#h().truncate(size);
  }
}
