/**
 * The in-memory tree behind MemFs and MapFs: nodes, path lookup, listing,
 * and the changes both services share. Internal.
 *
 * Lookups go through an index of every entry by its path (no symlink on
 * the way), so a `stat` or an `open` of a known path is one Map lookup on
 * the string it was given, with no normalising and no splitting. Paths
 * that miss (un-normalised, through a symlink, or new) are normalised and
 * walked segment by segment.
 *
 * @module
 */

import { BufferHandle } from "./buffer_handle.ts";
import { ByteBuffer, MAX_FILE_SIZE } from "./byte_buffer.ts";
import { DirListing } from "./dir_listing.ts";
import { type DiskQuota, QuotaBuffer } from "./disk_quota.ts";
import { FsError } from "./errors.ts";
import { Timestamped } from "./file_times.ts";
import type { ResolvedOpenFlags } from "./open_flags.ts";
import { baseName, joinPath, normalizePath, parentPath } from "./path.ts";
import type { DirEntry, DiskUsage, FileHandle, FileKind, Stat } from "./types.ts";

const MAX_SYMLINK_HOPS = 40;

/**
 * One entry of the tree. One class for every kind keeps the hot paths
 * monomorphic.
 *
 * @example
 * ```ts
 * import { MemNode } from "./mem_tree.ts";
 * console.log(new MemNode("dir", 1).children?.size); // 0
 * ```
 */
export class MemNode extends Timestamped {
  /** What the entry is. */
  readonly kind: FileKind;
  /** Its number, unique in the tree. */
  readonly ino: number;
  /** Names of a file or symlink; 2 + subdirectories for a directory. */
  nlink: number;
  /** Open handles that count against a quota. */
  handles = 0;
  /** A file's content. */
  data: ByteBuffer | undefined = undefined;
  /** A symlink's target. */
  target = "";
  /** A directory's entries. */
  children: Map<string, MemNode> | undefined;
  /** A directory's cached listing. */
  listing: DirListing | undefined = undefined;
  /**
   * The directory holding the node under `name`, while that is its only
   * name (undefined when a file has more names, or lost track of which is
   * left): a lookup then needs no slicing of the path.
   */
  parent: MemNode | undefined = undefined;
  /** The node's name in `parent`. */
  name = "";

  /**
   * Makes an empty node stamped now.
   *
   * @param kind what it is
   * @param ino its number
   */
  constructor(kind: FileKind, ino: number) {
    super(Date.now());
    this.kind = kind;
    this.ino = ino;
    this.nlink = kind === "dir" ? 2 : 1;
    this.children = kind === "dir" ? new Map() : undefined;
  }
}

/**
 * Where a path led: the directory holding it, its name there, the node if
 * any, and the path itself with every symlink on the way resolved.
 *
 * @example
 * ```ts
 * import { MemTree } from "./mem_tree.ts";
 * const w = new MemTree(false, undefined).locate("/new", false);
 * console.log(w.path, w.name, w.node); // "/new" "new" undefined
 * ```
 */
export interface Where {
  /** The resolved path. */
  path: string;
  /** The directory holding it. */
  parent: MemNode;
  /** Its name in `parent` ("" for the root). */
  name: string;
  /** The node there, if any. */
  node: MemNode | undefined;
}

/**
 * The tree, with an index of every entry by path.
 *
 * @example
 * ```ts
 * import { MemTree } from "./mem_tree.ts";
 * const t = new MemTree(false, undefined);
 * t.add(t.locate("/d", false), "dir");
 * console.log(t.stat(t.get("/d", true)).kind); // "dir"
 * ```
 */
export class MemTree {
  /** The root directory. */
  readonly root: MemNode;
  /** Stats say `readOnly` (MapFs). */
  readonly readOnly: boolean;
  /** The limits, when there are any. */
  readonly quota: DiskQuota | undefined;
  /** Every entry of the tree by each of its paths (no symlink on the way). */
  #index = new Map<string, MemNode>();
  #nextIno = 1;
  /** Handles open for writing. */
  writers = 0;
  /** Files and symlinks with more than one name. */
  #multiLinked = 0;

  /**
   * Makes an empty tree.
   *
   * @param readOnly whether stats report `readOnly: true`
   * @param quota the limits, if any
   */
  constructor(readOnly: boolean, quota: DiskQuota | undefined) {
    this.readOnly = readOnly;
    this.quota = quota;
    this.root = new MemNode("dir", this.#nextIno++);
    this.#index.set("/", this.root);
  }

  // ---- lookup ----------------------------------------------------------------

  /**
   * The node indexed at exactly `path` (normalised, no symlink on the way),
   * unless it is a symlink to follow; otherwise undefined, and the caller
   * goes on with {@linkcode MemTree.locate}.
   */
  peek(path: string, follow: boolean): MemNode | undefined {
    const node = this.#index.get(path);
    return node !== undefined && (!follow || node.kind !== "symlink") ? node : undefined;
  }

  /** The node at `path`; a final symlink is followed when `follow` is true. ENOENT when none. */
  get(path: string, follow: boolean): MemNode {
    const hit = this.#index.get(path);
    if (hit !== undefined && (!follow || hit.kind !== "symlink")) return hit;
    const node = this.locate(path, follow).node;
    if (node === undefined) throw new FsError("ENOENT", path);
    return node;
  }

  /** The directory at `path` (ENOENT, ENOTDIR). */
  dir(path: string): MemNode {
    const node = this.get(path, true);
    if (node.kind !== "dir") throw new FsError("ENOTDIR", path);
    return node;
  }

  /**
   * Where `path` leads; symlinks among the parents are always followed, a
   * final one only when `follow` is true. ENOENT or ENOTDIR when a parent
   * is missing or not a directory.
   */
  locate(path: string, follow: boolean): Where {
    const index = this.#index;
    // A known path is its own normal form: no need to normalise it.
    const known = index.get(path);
    if (known !== undefined && (!follow || known.kind !== "symlink")) {
      return this.#where(path, known);
    }
    const p = normalizePath(path);
    const found = p === path ? known : index.get(p);
    if (found !== undefined) {
      if (!follow || found.kind !== "symlink") return this.#where(p, found);
    } else {
      const parent = index.get(parentPath(p));
      if (parent !== undefined && parent.kind === "dir") {
        return { path: p, parent, name: baseName(p), node: undefined };
      }
    }
    return this.#walk(p, path, follow);
  }

  /** Where the indexed path `p` of `node` is. */
  #where(p: string, node: MemNode): Where {
    const parent = node.parent;
    if (parent !== undefined) return { path: p, parent, name: node.name, node };
    if (p === "/") return { path: p, parent: node, name: "", node };
    // A file with several names (or one, not yet known which): find the directory from the path.
    const w = { path: p, parent: this.#index.get(parentPath(p))!, name: baseName(p), node };
    if (node.nlink === 1) this.#named(node, w.parent, w.name);
    return w;
  }

  /** The segment-by-segment walk, for paths through symlinks and errors. */
  #walk(start: string, original: string, follow: boolean): Where {
    let hops = 0;
    let p = start;
    restart: for (;;) {
      if (p === "/") return { path: p, parent: this.root, name: "", node: this.root };
      let dir = this.root;
      let at = 1;
      for (;;) {
        const slash = p.indexOf("/", at);
        const last = slash === -1;
        const name = last ? p.slice(at) : p.slice(at, slash);
        const node = dir.children!.get(name);
        if (node?.kind === "symlink" && (!last || follow)) {
          if (++hops > MAX_SYMLINK_HOPS) throw new FsError("ELOOP", original);
          const here = p.slice(0, last ? p.length : slash);
          const target = node.target.startsWith("/")
            ? node.target
            : joinPath(parentPath(here), node.target);
          p = normalizePath(last ? target : target + p.slice(slash));
          continue restart;
        }
        if (last) return { path: p, parent: dir, name, node };
        if (node === undefined) throw new FsError("ENOENT", original);
        if (node.kind !== "dir") throw new FsError("ENOTDIR", original);
        dir = node;
        at = slash + 1;
      }
    }
  }

  // ---- reports ---------------------------------------------------------------

  /** What `stat` says about `node`: a frozen snapshot, shared until the node changes. */
  stat(node: MemNode): Stat {
    return node.cachedStat ??= this.#statOf(node);
  }

  #statOf(node: MemNode): Stat {
    const kind = node.kind;
    return Object.freeze({
      kind,
      size: kind === "file" ? node.data!.size : kind === "symlink" ? node.target.length : 0,
      mtime: node.mtimeMs,
      readOnly: this.readOnly,
      ino: node.ino,
      nlink: node.nlink,
      mtimeNs: node.mtimeNs,
      atimeNs: node.atimeNs,
    });
  }

  /** The bytes and entries held (as a quota counts them), and the limits. */
  usage(): DiskUsage {
    if (this.quota !== undefined) return this.quota.usage();
    let bytes = 0;
    let files = 0;
    const seen = new Set<MemNode>();
    const stack = [this.root];
    while (stack.length > 0) {
      for (const child of stack.pop()!.children!.values()) {
        if (seen.has(child)) continue;
        seen.add(child);
        files++;
        if (child.data !== undefined) bytes += child.data.size;
        if (child.children !== undefined) stack.push(child);
      }
    }
    return { bytes, files, maxBytes: undefined, maxFiles: undefined };
  }

  /** The sorted entries of directory `dir` (a fresh array of frozen entries). */
  list(dir: MemNode): DirEntry[] {
    return (dir.listing ??= new DirListing()).entries(dir.children!);
  }

  /** A copy of a file's bytes; EISDIR for a directory. */
  readFile(path: string): Uint8Array {
    const node = this.get(path, true);
    if (node.kind !== "file") throw new FsError("EISDIR", path);
    return node.data!.copy();
  }

  /** The first inode number not given out yet. */
  get nextFreeIno(): number {
    return this.#nextIno;
  }

  /** A handle on file `node`, shared with every other handle on it. */
  handle(path: string, node: MemNode, f: ResolvedOpenFlags): FileHandle {
    if (f.write) {
      this.writers++;
      if (this.quota !== undefined) node.handles++;
    }
    return new BufferHandle({
      path,
      buffer: node.data!,
      readable: f.read,
      writable: f.write,
      append: f.append,
      stat: () => this.stat(node),
      onChange: f.write ? () => node.touch() : undefined,
      onClose: f.write ? () => this.#closed(node) : undefined,
    });
  }

  // ---- changes ---------------------------------------------------------------

  /** Makes a new entry of `kind` at `w` (which must be free) and returns it. */
  add(w: Where, kind: FileKind, data?: Uint8Array): MemNode {
    const quota = this.quota;
    if (data !== undefined && data.length > MAX_FILE_SIZE) {
      throw new FsError("EFBIG", w.path, `a file may hold ${MAX_FILE_SIZE} bytes`);
    }
    if (quota !== undefined) quota.reserve(data?.length ?? 0, 1, w.path);
    const node = new MemNode(kind, this.#nextIno++);
    if (kind === "file") {
      node.data = quota === undefined ? new ByteBuffer(data) : new QuotaBuffer(quota, data, true);
    }
    this.link(w, node);
    return node;
  }

  /** Gives the file or symlink `node` a second (third, ...) name: `w`, which is free. */
  addName(w: Where, node: MemNode): void {
    if (++node.nlink === 2) this.#multiLinked++;
    node.changed();
    this.link(w, node);
  }

  /** The files and symlinks with several names, with their paths (a scan, unless there are none). */
  linkedFiles(): Array<{ node: MemNode; paths: string[] }> {
    if (this.#multiLinked === 0) return [];
    const found = new Map<MemNode, string[]>();
    for (const [path, node] of this.#index) {
      if (node.kind !== "dir" && node.nlink > 1) {
        found.set(node, [...(found.get(node) ?? []), path]);
      }
    }
    return [...found].map(([node, paths]) => ({ node, paths }));
  }

  /** Gives `node` the free name `w`, stamping the parent with the node's time. */
  link(w: Where, node: MemNode): void {
    const parent = w.parent;
    parent.children!.set(w.name, node);
    this.#index.set(w.path, node);
    this.#named(node, parent, w.name);
    parent.listing?.added(w.name, node.kind);
    if (node.kind === "dir") parent.nlink++;
    parent.touchAs(node);
  }

  /** Notes that `node` was given the name `name` in `parent`. */
  #named(node: MemNode, parent: MemNode, name: string): void {
    if (node.kind === "dir" || node.nlink === 1) {
      node.parent = parent;
      node.name = name;
    } else {
      node.parent = undefined;
    }
  }

  /** Takes the name `w` away from its node; the node is gone with its last name. */
  unlink(w: Where): void {
    const node = w.node!;
    const parent = w.parent;
    parent.children!.delete(w.name);
    this.#index.delete(w.path);
    parent.listing?.changed();
    parent.touch();
    if (node.kind === "dir") {
      parent.nlink--;
      this.#gone(node);
    } else {
      node.changed();
      if (--node.nlink === 0) this.#gone(node);
      else if (node.nlink === 1) this.#multiLinked--;
      node.parent = undefined; // which name is left is not known here
    }
  }

  /** Moves the entry at `src` to the free name `dst` (checks done by the caller). */
  move(src: Where, dst: Where): void {
    const node = src.node!;
    src.parent.children!.delete(src.name);
    src.parent.listing?.changed();
    dst.parent.children!.set(dst.name, node);
    dst.parent.listing?.added(dst.name, node.kind);
    if (node.kind === "dir") {
      src.parent.nlink--;
      dst.parent.nlink++;
    }
    this.#reindex(src.path, dst.path, node);
    if (node.parent !== undefined) this.#named(node, dst.parent, dst.name);
    src.parent.touch();
    dst.parent.touchAs(src.parent);
  }

  /** Moves the index entries of `node` (and everything below it) from `from` to `to`. */
  #reindex(from: string, to: string, node: MemNode): void {
    const index = this.#index;
    index.delete(from);
    index.set(to, node);
    if (node.children === undefined) return;
    const stack: Array<[string, string, MemNode]> = [[from, to, node]];
    while (stack.length > 0) {
      const [a, b, dir] = stack.pop()!;
      for (const [childName, child] of dir.children!) {
        const ca = a + "/" + childName;
        const cb = b + "/" + childName;
        index.delete(ca);
        index.set(cb, child);
        if (child.children !== undefined) stack.push([ca, cb, child]);
      }
    }
  }

  /** Writes a whole file: creates it, or replaces its content. */
  writeFile(path: string, data: Uint8Array): void {
    let node = this.peek(path, true);
    if (node === undefined) {
      const w = this.locate(path, true);
      if (w.node === undefined) {
        this.add(w, "file", data);
        return;
      }
      node = w.node;
    }
    if (node.kind !== "file") throw new FsError("EISDIR", path);
    node.data!.replace(data, path);
    node.touch();
  }

  /** A node left the tree: with no handle open either, its space is free. */
  #gone(node: MemNode): void {
    const quota = this.quota;
    if (quota === undefined) return;
    quota.release(0, 1);
    if (node.handles === 0) (node.data as QuotaBuffer | undefined)?.uncount();
  }

  #closed(node: MemNode): void {
    this.writers--;
    if (this.quota !== undefined && --node.handles === 0 && node.nlink === 0) {
      (node.data as QuotaBuffer | undefined)?.uncount();
    }
  }
}
