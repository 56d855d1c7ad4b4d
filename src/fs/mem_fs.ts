/**
 * MemFs: an in-memory read/write tree.
 *
 * @module
 */

import { type CowFs, overFrozenTree } from "./cow_fs.ts";
import { DiskQuota } from "./disk_quota.ts";
import { FsError } from "./errors.ts";
import { frozenTreeFs } from "./map_fs.ts";
import { MemTree } from "./mem_tree.ts";
import { resolveOpenFlags } from "./open_flags.ts";
import { isWithin } from "./path.ts";
import type {
  DirEntry,
  DiskUsage,
  FileHandle,
  FileService,
  OpenFlags,
  QuotaOptions,
  Stat,
} from "./types.ts";

/**
 * Options for a {@linkcode MemFs}: its limits (see {@linkcode QuotaOptions}).
 *
 * @example
 * ```ts
 * import type { MemFsOptions } from "@oanix/oanix";
 * const opts: MemFsOptions = { maxBytes: 1 << 20, maxFiles: 1000 };
 * ```
 */
export type MemFsOptions = QuotaOptions;

/** The tree of a MemFs that was made as a fork, or has frozen its own: never used. */
const RETIRED = new MemTree(false, undefined);

/** The overlay a MemFs being made by `fork()` takes over. */
let adopting: CowFs | undefined;

function checkTime(t: unknown, path: unknown): void {
  if (t !== undefined && typeof t !== "bigint") {
    throw new FsError("EINVAL", String(path), "times must be bigint nanoseconds");
  }
}

/**
 * An in-memory read/write file service. Writes through a handle are seen
 * by other handles at once; rename is atomic and follows POSIX; symlinks
 * resolve inside the tree and never above its root; hard links share
 * content and inode number (`nlink` counts the names).
 *
 * **Limits**: `new MemFs({ maxBytes, maxFiles })` bounds the bytes of all
 * files together and the number of entries. A write, truncate, create or
 * mkdir that would pass a limit fails with ENOSPC and changes nothing
 * (`writeFile` then keeps the file's old content). A file counts while it
 * has a name or a handle open for writing. `usage()` reports the totals.
 *
 * **Times** are stamped at millisecond granularity on writes (like the
 * coarse clock Linux uses for file times); `setTimes` keeps nanoseconds.
 *
 * **Listings** are sorted by name and cached; the entries are frozen and
 * may be shared between calls (the array is always fresh).
 *
 * @example
 * ```ts
 * import { MemFs, readText, writeText } from "@oanix/oanix";
 * const tmp = new MemFs();
 * tmp.mkdir("/notes");
 * writeText(tmp, "/notes/a.txt", "remember");
 * console.log(tmp.readdir("/notes")); // [{ name: "a.txt", kind: "file" }]
 * console.log(readText(tmp, "/notes/a.txt"));
 * ```
 */
export class MemFs implements FileService {
  readonly kind: string = "mem";
  #tree: MemTree;
  /** From the first fork on: the overlay over the frozen tree, which serves every call. */
  #over: CowFs | undefined = undefined;

  /**
   * Makes an empty tree.
   *
   * @param options limits; none by default
   * @throws {TypeError} for a limit that is not an integer ≥ 0.
   */
  constructor(options?: MemFsOptions) {
    const over = adopting;
    adopting = undefined;
    if (over !== undefined) {
      this.#tree = RETIRED;
      this.#over = over;
      return;
    }
    this.#tree = new MemTree(false, DiskQuota.from(options, "MemFs"));
  }

  /**
   * A new, independent MemFs holding what this one holds now, made in the
   * same time whatever the size of the tree: nothing is copied. At the
   * first fork the tree is frozen and shared, and this MemFs and every
   * fork go on as a copy-on-write overlay over it (a {@linkcode CowFs}),
   * each with changes of its own; later forks freeze only what changed
   * since. The files, times and inode numbers seen stay as they were.
   * What changes is that directories no longer report `nlink`, and that
   * the limits count, besides what changed, the frozen tree as a whole: a
   * file removed or rewritten after a fork still takes its space, since
   * the frozen tree holds it.
   *
   * @throws {FsError} EBUSY when a file is open for writing at the first
   * fork (the frozen tree must not change): close it and fork again.
   *
   * @example
   * ```ts
   * import { MemFs, readText, writeText } from "@oanix/oanix";
   * const prepared = new MemFs();
   * writeText(prepared, "/notes.txt", "start");
   * const a = prepared.fork();
   * const b = prepared.fork();
   * writeText(a, "/notes.txt", "a's notes");
   * console.log(readText(b, "/notes.txt"), readText(prepared, "/notes.txt")); // "start" "start"
   * ```
   */
  fork(): MemFs {
    const over = this.#over ?? this.#freeze();
    adopting = over.fork();
    return new MemFs();
  }

  /** Freezes the tree and makes the overlay that serves from now on. */
  #freeze(): CowFs {
    const tree = this.#tree;
    if (tree.writers > 0) {
      throw new FsError(
        "EBUSY",
        "/",
        `${tree.writers} handle(s) open for writing: close them before the first fork`,
      );
    }
    const { bytes, files, maxBytes, maxFiles } = tree.usage();
    const limits = tree.quota === undefined ? undefined : { maxBytes, maxFiles };
    const over = overFrozenTree(
      frozenTreeFs(tree),
      tree.nextFreeIno,
      limits,
      { bytes, files },
      tree.linkedFiles(),
    );
    this.#over = over;
    this.#tree = RETIRED;
    return over;
  }

  /**
   * The bytes and entries held, and the limits.
   *
   * @example
   * ```ts
   * import { MemFs, writeText } from "@oanix/oanix";
   * const fs = new MemFs({ maxFiles: 10 });
   * writeText(fs, "/a", "abc");
   * console.log(fs.usage()); // { bytes: 3, files: 1, maxBytes: undefined, maxFiles: 10 }
   * ```
   */
  usage(): DiskUsage {
    const over = this.#over;
    if (over !== undefined) return over.usage();
    return this.#tree.usage();
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const over = this.#over;
    if (over !== undefined) return over.open(path, flags);
    const f = resolveOpenFlags(flags, path);
    const tree = this.#tree;
    let node = tree.peek(path, true);
    let at = path;
    if (node === undefined) {
      const w = tree.locate(path, true);
      at = w.path;
      node = w.node;
      if (node === undefined) {
        if (!f.create) throw new FsError("ENOENT", path);
        if (f.directory) throw new FsError("ENOENT", path, "no such directory");
        return tree.handle(at, tree.add(w, "file"), f);
      }
    }
    if (f.create && f.exclusive) throw new FsError("EEXIST", path);
    if (node.kind === "dir") throw new FsError("EISDIR", path);
    if (f.directory) throw new FsError("ENOTDIR", path);
    if (f.truncate && node.data!.size > 0) {
      node.data!.truncate(0);
      node.touch();
    }
    return tree.handle(at, node, f);
  }

  readFile(path: string): Uint8Array {
    const over = this.#over;
    if (over !== undefined) return over.readFile(path);
    return this.#tree.readFile(path);
  }

  writeFile(path: string, data: Uint8Array): void {
    const over = this.#over;
    if (over !== undefined) return over.writeFile(path, data);
    if (!(data instanceof Uint8Array)) {
      throw new FsError("EINVAL", String(path), "data must be a Uint8Array");
    }
    this.#tree.writeFile(path, data);
  }

  readdir(path: string): DirEntry[] {
    const over = this.#over;
    if (over !== undefined) return over.readdir(path);
    const tree = this.#tree;
    return tree.list(tree.dir(path));
  }

  stat(path: string): Stat {
    const over = this.#over;
    if (over !== undefined) return over.stat(path);
    const tree = this.#tree;
    return tree.stat(tree.get(path, true));
  }

  lstat(path: string): Stat {
    const over = this.#over;
    if (over !== undefined) return over.lstat(path);
    const tree = this.#tree;
    return tree.stat(tree.get(path, false));
  }

  mkdir(path: string): void {
    const over = this.#over;
    if (over !== undefined) return over.mkdir(path);
    const tree = this.#tree;
    const w = tree.locate(path, false);
    if (w.node !== undefined) throw new FsError("EEXIST", path);
    tree.add(w, "dir");
  }

  remove(path: string): void {
    const over = this.#over;
    if (over !== undefined) return over.remove(path);
    const tree = this.#tree;
    const w = tree.locate(path, false);
    const node = w.node;
    if (node === undefined) throw new FsError("ENOENT", path);
    if (node === tree.root) throw new FsError("EBUSY", path, "cannot remove the root");
    if (node.kind === "dir" && node.children!.size > 0) throw new FsError("ENOTEMPTY", path);
    tree.unlink(w);
  }

  rename(from: string, to: string): void {
    const over = this.#over;
    if (over !== undefined) return over.rename(from, to);
    const tree = this.#tree;
    const src = tree.locate(from, false);
    const dst = tree.locate(to, false);
    const node = src.node;
    if (node === undefined) throw new FsError("ENOENT", from);
    if (node === tree.root || dst.node === tree.root) {
      throw new FsError("EBUSY", from, "cannot rename the root");
    }
    if (node === dst.node) return;
    if (node.kind === "dir" && isWithin(dst.path, src.path)) {
      throw new FsError("EINVAL", to, `cannot move ${from} inside itself`);
    }
    if (dst.node !== undefined) {
      if (node.kind === "dir") {
        if (dst.node.kind !== "dir") throw new FsError("ENOTDIR", to);
        if (dst.node.children!.size > 0) throw new FsError("ENOTEMPTY", to);
      } else if (dst.node.kind === "dir") {
        throw new FsError("EISDIR", to);
      }
      // Every check is done: from here nothing can fail.
      tree.unlink(dst);
    }
    tree.move(src, dst);
  }

  /**
   * Makes `newPath` a second name for the file or symlink at `existing`
   * (a final symlink is not followed, as in Linux `link(2)`). EPERM for a
   * directory, EEXIST when `newPath` exists.
   */
  link(existing: string, newPath: string): void {
    const over = this.#over;
    if (over !== undefined) return over.link(existing, newPath);
    const tree = this.#tree;
    const node = tree.get(existing, false);
    if (node.kind === "dir") throw new FsError("EPERM", existing, "cannot link a directory");
    const w = tree.locate(newPath, false);
    if (w.node !== undefined) throw new FsError("EEXIST", newPath);
    tree.addName(w, node);
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    const over = this.#over;
    if (over !== undefined) return over.setTimes(path, atimeNs, mtimeNs);
    checkTime(atimeNs, path);
    checkTime(mtimeNs, path);
    this.#tree.get(path, true).setTimesNs(atimeNs, mtimeNs);
  }

  lsetTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    const over = this.#over;
    if (over !== undefined) return over.lsetTimes(path, atimeNs, mtimeNs);
    checkTime(atimeNs, path);
    checkTime(mtimeNs, path);
    this.#tree.get(path, false).setTimesNs(atimeNs, mtimeNs);
  }

  symlink(target: string, path: string): void {
    const over = this.#over;
    if (over !== undefined) return over.symlink(target, path);
    if (typeof target !== "string" || target === "" || target.includes("\0")) {
      throw new FsError("EINVAL", path, "bad symlink target");
    }
    const tree = this.#tree;
    const w = tree.locate(path, false);
    if (w.node !== undefined) throw new FsError("EEXIST", path);
    tree.add(w, "symlink").target = target;
  }

  readlink(path: string): string {
    const over = this.#over;
    if (over !== undefined) return over.readlink(path);
    const node = this.#tree.get(path, false);
    if (node.kind !== "symlink") throw new FsError("EINVAL", path, "not a symlink");
    return node.target;
  }

  describe(): Record<string, unknown> {
    const { maxBytes, maxFiles } = this.usage();
    if (maxBytes === undefined && maxFiles === undefined) return {};
    return { maxBytes, maxFiles };
  }
}
