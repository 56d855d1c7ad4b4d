/**
 * FuncFs: files whose content is computed by functions.
 *
 * @module
 */

import { BufferHandle } from "./buffer_handle.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { FsError } from "./errors.ts";
import { resolveOpenFlags } from "./open_flags.ts";
import { baseName, joinPath, normalizePath, parentPath } from "./path.ts";
import { nowNs, nsToMs } from "./time.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "./types.ts";

/**
 * Computes a file's content. Called when a handle first reads, or by `stat`.
 *
 * @example
 * ```ts
 * import type { ReadFn } from "@oanix/oanix";
 * const now: ReadFn = () => new Date(0).toISOString();
 * ```
 */
export type ReadFn = () => Uint8Array | string;

/**
 * Receives what was written to a file, once, when the handle is closed (or
 * flushed). Throw an `FsError` (EINVAL, say) to refuse it.
 *
 * @example
 * ```ts
 * import type { WriteFn } from "@oanix/oanix";
 * const log: string[] = [];
 * const onWrite: WriteFn = (data) => { log.push(new TextDecoder().decode(data)); };
 * ```
 */
export type WriteFn = (data: Uint8Array) => void;

/**
 * Options for one computed file.
 *
 * @example
 * ```ts
 * import type { FuncFileOptions } from "@oanix/oanix";
 * const opts: FuncFileOptions = { whenReadable: () => Promise.resolve() };
 * ```
 */
export interface FuncFileOptions {
  /**
   * For content that arrives later: the read function throws
   * `FsError("EAGAIN")` until then, and this resolves when it is there.
   */
  whenReadable?: (signal?: AbortSignal) => Promise<void>;
}

interface FuncFile {
  read?: ReadFn;
  write?: WriteFn;
  options: FuncFileOptions;
  ino: number;
  mtimeNs: bigint;
}

const encoder = new TextEncoder();

function toBytes(value: Uint8Array | string, path: string): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  throw new FsError("EIO", path, "read function returned neither string nor Uint8Array");
}

/**
 * A file service of computed files. Directories are implied by the files'
 * paths (or added with `dir`). Listing a directory never calls a read
 * function; opening does not either, only the first read does.
 *
 * @example
 * ```ts
 * import { FuncFs, readText, writeText } from "@oanix/oanix";
 * let counter = 0;
 * const fs = new FuncFs()
 *   .readOnly("/time", () => new Date(0).toISOString())
 *   .readWrite("/counter", () => String(counter), (d) => {
 *     counter = Number(new TextDecoder().decode(d));
 *   })
 *   .writeOnly("/reset", () => { counter = 0; });
 * writeText(fs, "/counter", "41");
 * console.log(readText(fs, "/counter")); // "41"
 * ```
 */
export class FuncFs implements FileService {
  readonly kind: string = "func";
  #files = new Map<string, FuncFile>();
  #dirs = new Map<string, Set<string>>([["/", new Set()]]);
  #nextIno = 1;

  #add(path: string, read?: ReadFn, write?: WriteFn, options: FuncFileOptions = {}): this {
    const p = normalizePath(path);
    if (p === "/") throw new FsError("EISDIR", p);
    if (read !== undefined && typeof read !== "function") {
      throw new TypeError(`FuncFs: the read function for ${p} is not a function`);
    }
    if (write !== undefined && typeof write !== "function") {
      throw new TypeError(`FuncFs: the write function for ${p} is not a function`);
    }
    if (this.#files.has(p) || this.#dirs.has(p)) throw new FsError("EEXIST", p);
    this.#addDir(parentPath(p));
    this.#dirs.get(parentPath(p))!.add(baseName(p));
    this.#files.set(p, { read, write, options, ino: this.#nextIno++, mtimeNs: nowNs() });
    return this;
  }

  #addDir(p: string): void {
    if (this.#dirs.has(p)) return;
    if (this.#files.has(p)) throw new FsError("ENOTDIR", p, "a file is in the way");
    this.#addDir(parentPath(p));
    this.#dirs.get(parentPath(p))!.add(baseName(p));
    this.#dirs.set(p, new Set());
  }

  /** Adds a file that can only be read. */
  readOnly(path: string, read: ReadFn, options?: FuncFileOptions): this {
    return this.#add(path, read, undefined, options);
  }

  /** Adds a file that can be read and written. */
  readWrite(path: string, read: ReadFn, write: WriteFn, options?: FuncFileOptions): this {
    return this.#add(path, read, write, options);
  }

  /** Adds a file that can only be written; reading it is EACCES. */
  writeOnly(path: string, write: WriteFn): this {
    return this.#add(path, undefined, write);
  }

  /** Adds an (empty) directory. */
  dir(path: string): this {
    this.#addDir(normalizePath(path));
    return this;
  }

  #file(path: string): FuncFile {
    const f = this.#files.get(path);
    if (f !== undefined) return f;
    if (this.#dirs.has(path)) throw new FsError("EISDIR", path);
    throw new FsError("ENOENT", path);
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    if (f.directory) {
      if (this.#dirs.has(p)) throw new FsError("EISDIR", p);
      throw new FsError(this.#files.has(p) ? "ENOTDIR" : "ENOENT", p);
    }
    const file = this.#file(p);
    if (f.create && f.exclusive) throw new FsError("EEXIST", p);
    if (f.read && file.read === undefined) {
      throw new FsError("EACCES", p, "file is write-only");
    }
    if (f.write && file.write === undefined) {
      throw new FsError("EACCES", p, "file is read-only");
    }
    const read = file.read;
    const computed = () => {
      if (read === undefined || f.truncate || !f.read) return new ByteBuffer();
      return new ByteBuffer(toBytes(read(), p));
    };
    let dirty = false;
    const deliver = (b: ByteBuffer) => {
      if (!dirty) return;
      dirty = false;
      file.write!(b.copy());
      file.mtimeNs = nowNs();
    };
    return new BufferHandle({
      path: p,
      buffer: computed,
      readable: f.read,
      writable: f.write,
      append: f.append,
      readOnlyCode: "EBADF",
      stat: (load) => ({ ...this.#statOf(file, p, false), size: sizeOrZero(load) }),
      onChange: () => {
        dirty = true;
      },
      onFlush: deliver,
      onClose: deliver,
      whenReadable: file.options.whenReadable,
    });
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    const names = this.#dirs.get(p);
    if (names === undefined) {
      throw new FsError(this.#files.has(p) ? "ENOTDIR" : "ENOENT", p);
    }
    return [...names].sort().map((name) => ({
      name,
      kind: this.#dirs.has(joinPath(p, name)) ? "dir" as const : "file" as const,
    }));
  }

  #statOf(file: FuncFile, path: string, computeSize = true): Stat {
    const read = file.read;
    const size = computeSize && read !== undefined ? sizeOrZero(() => toBytes(read(), path)) : 0;
    return {
      kind: "file",
      size,
      mtime: nsToMs(file.mtimeNs),
      readOnly: file.write === undefined,
      ino: file.ino,
      mtimeNs: file.mtimeNs,
    };
  }

  /** Reports on a path. A file's size calls its read function. */
  stat(path: string): Stat {
    const p = normalizePath(path);
    if (this.#dirs.has(p)) {
      return { kind: "dir", size: 0, mtime: 0, readOnly: true, mtimeNs: 0n };
    }
    return this.#statOf(this.#file(p), p);
  }

  mkdir(path: string): void {
    throw new FsError("EROFS", normalizePath(path), "FuncFs files are fixed when built");
  }

  remove(path: string): void {
    throw new FsError("EROFS", normalizePath(path), "FuncFs files are fixed when built");
  }

  rename(from: string, _to: string): void {
    throw new FsError("EROFS", normalizePath(from), "FuncFs files are fixed when built");
  }

  describe(): Record<string, unknown> {
    return { files: [...this.#files.keys()].sort() };
  }
}

/** The size of the content `load` gives, or 0 while it has not arrived (EAGAIN). */
function sizeOrZero(load: () => { length?: number; size?: number }): number {
  try {
    const c = load();
    return c.size ?? c.length ?? 0;
  } catch (e) {
    if (e instanceof FsError && e.code === "EAGAIN") return 0;
    throw e;
  }
}
