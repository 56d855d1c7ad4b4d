/**
 * MapFs: an immutable tree of files fixed when it is built.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import { MemFs } from "./mem_fs.ts";
import { resolveOpenFlags, wantsMutation } from "./open_flags.ts";
import { normalizePath, parentPath, splitPath } from "./path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, SeekFrom, Stat } from "./types.ts";

/**
 * Builds a {@linkcode MapFs}: add files and directories, then `build()`.
 * Parent directories are created as needed.
 *
 * @example
 * ```ts
 * import { MapFs } from "@oanix/oanix";
 * const fs = MapFs.builder()
 *   .file("/src/main.rs", 'fn main() { println!("hi"); }')
 *   .dir("/empty")
 *   .build();
 * console.log(fs.readdir("/")); // [{ name: "empty", ... }, { name: "src", ... }]
 * ```
 */
export class MapFsBuilder {
  #tree = new MemFs();
  #built = false;

  #ensureDir(path: string): void {
    let at = "";
    for (const seg of splitPath(path)) {
      at += "/" + seg;
      const kind = this.#kindAt(at);
      if (kind === undefined) this.#tree.mkdir(at);
      else if (kind !== "dir") throw new FsError("ENOTDIR", at, "a file is in the way");
    }
  }

  #kindAt(path: string): string | undefined {
    try {
      return this.#tree.lstat(path).kind;
    } catch (e) {
      if (e instanceof FsError && e.code === "ENOENT") return undefined;
      throw e;
    }
  }

  #check(): void {
    if (this.#built) throw new Error("MapFsBuilder: already built");
  }

  /** Adds a file; a string is UTF-8 encoded. Adding a path twice is EEXIST. */
  file(path: string, content: Uint8Array | string): this {
    this.#check();
    const p = normalizePath(path);
    if (p === "/") throw new FsError("EISDIR", p, "the root is a directory");
    if (typeof content !== "string" && !(content instanceof Uint8Array)) {
      throw new FsError("EINVAL", p, "file content must be a Uint8Array or a string");
    }
    this.#ensureDir(parentPath(p));
    if (this.#kindAt(p) !== undefined) throw new FsError("EEXIST", p);
    const h = this.#tree.open(p, { write: true, create: true, exclusive: true });
    h.write(typeof content === "string" ? new TextEncoder().encode(content) : content);
    h.close();
    return this;
  }

  /** Adds a directory (and its parents). */
  dir(path: string): this {
    this.#check();
    this.#ensureDir(normalizePath(path));
    return this;
  }

  /** Adds a symlink. */
  symlink(target: string, path: string): this {
    this.#check();
    const p = normalizePath(path);
    this.#ensureDir(parentPath(p));
    this.#tree.symlink(target, p);
    return this;
  }

  /** Freezes the tree into a MapFs. The builder cannot be used again. */
  build(): MapFs {
    this.#check();
    this.#built = true;
    return new MapFs(this.#tree, GUARD);
  }
}

const GUARD = Symbol("MapFs");

/**
 * A read-only file service over data fixed at build time: every write,
 * create, mkdir, remove or rename is EROFS.
 *
 * @example
 * ```ts
 * import { MapFs, readText } from "@oanix/oanix";
 * const assets = MapFs.fromObject({ "/README.md": "# hi", "/data/x.bin": new Uint8Array([1, 2]) });
 * console.log(readText(assets, "/README.md")); // "# hi"
 * ```
 */
export class MapFs implements FileService {
  readonly kind: string = "map";
  #tree: MemFs;

  /** Use {@linkcode MapFs.builder} or {@linkcode MapFs.fromObject}. */
  constructor(tree: MemFs, guard: symbol) {
    if (guard !== GUARD) {
      throw new TypeError("use MapFs.builder() or MapFs.fromObject() to make a MapFs");
    }
    this.#tree = tree;
  }

  /**
   * A new builder.
   *
   * @example
   * ```ts
   * import { MapFs } from "@oanix/oanix";
   * const fs = MapFs.builder().file("/a", "1").build();
   * ```
   */
  static builder(): MapFsBuilder {
    return new MapFsBuilder();
  }

  /**
   * A MapFs from an object of path → content. A key ending in `/` is an
   * empty directory.
   *
   * @example
   * ```ts
   * import { MapFs } from "@oanix/oanix";
   * const fs = MapFs.fromObject({ "/a.txt": "A", "/empty/": "" });
   * ```
   */
  static fromObject(files: Record<string, Uint8Array | string>): MapFs {
    if (files === null || typeof files !== "object" || Array.isArray(files)) {
      throw new TypeError("MapFs.fromObject: expected an object of path → content");
    }
    const b = new MapFsBuilder();
    for (const [path, content] of Object.entries(files)) {
      if (path.endsWith("/") && path !== "/") b.dir(path);
      else b.file(path, content);
    }
    return b.build();
  }

  #kindAt(path: string): string | undefined {
    try {
      return this.#tree.stat(path).kind;
    } catch (e) {
      if (e instanceof FsError && e.code === "ENOENT") return undefined;
      throw e;
    }
  }

  #readOnly(stat: Stat): Stat {
    return { ...stat, readOnly: true };
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const f = resolveOpenFlags(flags, path);
    if (wantsMutation(f)) {
      const p = normalizePath(path);
      const kind = this.#kindAt(p);
      if (kind === undefined && !f.create) throw new FsError("ENOENT", p);
      if (kind === "dir") throw new FsError("EISDIR", p);
      throw new FsError("EROFS", p);
    }
    return new ReadOnlyHandle(this.#tree.open(path, f));
  }

  readdir(path: string): DirEntry[] {
    return this.#tree.readdir(path);
  }

  stat(path: string): Stat {
    return this.#readOnly(this.#tree.stat(path));
  }

  lstat(path: string): Stat {
    return this.#readOnly(this.#tree.lstat(path));
  }

  readlink(path: string): string {
    return this.#tree.readlink(path);
  }

  mkdir(path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  remove(path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  rename(from: string, _to: string): void {
    throw new FsError("EROFS", normalizePath(from));
  }

  setTimes(path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  symlink(_target: string, path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  describe(): Record<string, unknown> {
    return {};
  }
}

/** A handle that forwards to another and reports the file read-only. */
class ReadOnlyHandle implements FileHandle {
  readonly path: string;
  #inner: FileHandle;
  constructor(inner: FileHandle) {
    this.#inner = inner;
    this.path = inner.path;
  }
  read(buf: Uint8Array): number {
    return this.#inner.read(buf);
  }
  write(_data: Uint8Array): number {
    throw new FsError("EBADF", this.path, "not opened for writing");
  }
  pread(buf: Uint8Array, offset: number): number {
    return this.#inner.pread(buf, offset);
  }
  pwrite(_data: Uint8Array, _offset: number): number {
    throw new FsError("EBADF", this.path, "not opened for writing");
  }
  seek(offset: number, whence?: SeekFrom): number {
    return this.#inner.seek(offset, whence);
  }
  position(): number {
    return this.#inner.position();
  }
  flush(): void {
    this.#inner.flush();
  }
  close(): void {
    this.#inner.close();
  }
  stat(): Stat {
    return { ...this.#inner.stat(), readOnly: true };
  }
  truncate(_size: number): void {
    throw new FsError("EBADF", this.path, "not opened for writing");
  }
}
