/**
 * MapFs: an immutable tree of files fixed when it is built.
 *
 * @module
 */

import { FsError, isFsError } from "./errors.ts";
import { MemTree } from "./mem_tree.ts";
import { resolveOpenFlags, wantsMutation } from "./open_flags.ts";
import { normalizePath, parentPath, splitPath } from "./path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "./types.ts";

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
  #tree = new MemTree(true, undefined);
  #built = false;

  #ensureDir(path: string): void {
    const tree = this.#tree;
    let at = "";
    for (const seg of splitPath(path)) {
      at += "/" + seg;
      const node = tree.peek(at, false);
      if (node === undefined) tree.add(tree.locate(at, false), "dir");
      else if (node.kind !== "dir") throw new FsError("ENOTDIR", at, "a file is in the way");
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
    const tree = this.#tree;
    if (tree.peek(p, false) !== undefined) throw new FsError("EEXIST", p);
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    tree.add(tree.locate(p, false), "file", bytes);
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
    if (typeof target !== "string" || target === "" || target.includes("\0")) {
      throw new FsError("EINVAL", p, "bad symlink target");
    }
    this.#ensureDir(parentPath(p));
    const tree = this.#tree;
    if (tree.peek(p, false) !== undefined) throw new FsError("EEXIST", p);
    tree.add(tree.locate(p, false), "symlink").target = target;
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
 * A read-only view of `tree`, which must never change again (a MemFs's
 * tree frozen at its first fork). Internal.
 *
 * @example
 * ```ts
 * import { frozenTreeFs } from "./map_fs.ts";
 * import { MemTree } from "./mem_tree.ts";
 * console.log(frozenTreeFs(new MemTree(false, undefined)).readdir("/")); // []
 * ```
 */
export function frozenTreeFs(tree: MemTree): MapFs {
  return new MapFs(tree, GUARD);
}

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
  #tree: MemTree;

  /** Use {@linkcode MapFs.builder} or {@linkcode MapFs.fromObject}. */
  constructor(tree: unknown, guard: symbol) {
    if (guard !== GUARD || !(tree instanceof MemTree)) {
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
      return this.#tree.get(path, true).kind;
    } catch (e) {
      if (isFsError(e, "ENOENT")) return undefined;
      throw e;
    }
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const f = resolveOpenFlags(flags, path);
    const tree = this.#tree;
    if (wantsMutation(f)) {
      const p = normalizePath(path);
      const kind = this.#kindAt(p);
      if (kind === undefined && !f.create) throw new FsError("ENOENT", p);
      if (kind === "dir") throw new FsError("EISDIR", p);
      throw new FsError("EROFS", p);
    }
    let node = tree.peek(path, true);
    let at = path;
    if (node === undefined) {
      const w = tree.locate(path, true);
      if (w.node === undefined) throw new FsError("ENOENT", path);
      node = w.node;
      at = w.path;
    }
    if (node.kind === "dir") throw new FsError("EISDIR", path);
    if (f.directory) throw new FsError("ENOTDIR", path);
    return tree.handle(at, node, f);
  }

  readFile(path: string): Uint8Array {
    return this.#tree.readFile(path);
  }

  readdir(path: string): DirEntry[] {
    const tree = this.#tree;
    return tree.list(tree.dir(path));
  }

  stat(path: string): Stat {
    const tree = this.#tree;
    return tree.stat(tree.get(path, true));
  }

  lstat(path: string): Stat {
    const tree = this.#tree;
    return tree.stat(tree.get(path, false));
  }

  readlink(path: string): string {
    const node = this.#tree.get(path, false);
    if (node.kind !== "symlink") throw new FsError("EINVAL", path, "not a symlink");
    return node.target;
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

  link(existing: string, _newPath: string): void {
    throw new FsError("EROFS", normalizePath(existing));
  }

  setTimes(path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  lsetTimes(path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  symlink(_target: string, path: string): void {
    throw new FsError("EROFS", normalizePath(path));
  }

  describe(): Record<string, unknown> {
    return {};
  }
}
