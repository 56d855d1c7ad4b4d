/**
 * The upper layer of a {@linkcode CowFs}: the entries it holds and its
 * whiteouts. Internal to CowFs; exported for its sibling modules.
 *
 * Invariants, which every CowFs operation keeps:
 * - every node's parent is a directory node (the root node always exists);
 * - a whiteout is a name in its parent directory node's `whiteouts`, so
 *   whiteouts below a directory go away with its node;
 * - a node at a path where the base has a visible entry is a copy of that
 *   entry (same kind); anything else placed there goes over a whiteout;
 * - a directory node standing over a base directory (`baseDir`) is never
 *   at or below a whiteout: its base directory is always merged in.
 *
 * @module
 */

import { ByteBuffer } from "./byte_buffer.ts";
import { MAX_PLAIN_PATHS, PlainPaths } from "./cow_plain.ts";
import type { DirListing } from "./dir_listing.ts";
import { type DiskQuota, QuotaBuffer } from "./disk_quota.ts";
import { Timestamped } from "./file_times.ts";
import { baseName, parentPath } from "./path.ts";
import type { DiskUsage, FileKind, Stat } from "./types.ts";

/**
 * One entry of the upper layer: a file, a directory or a symlink.
 *
 * @example
 * ```ts
 * import { CowNode } from "./cow_layer.ts";
 * const n = new CowNode("file", 1, undefined, undefined);
 * console.log(n.data?.size); // 0
 * ```
 */
export class CowNode extends Timestamped {
  /** What the node is. */
  readonly kind: FileKind;
  /**
   * The inode number `stat` reports: the number of the base entry it copies
   * (as the view shows it), or a number of the layer's own.
   */
  readonly ino: number;
  /** A file's content. */
  data: ByteBuffer | undefined;
  /** A symlink's target. */
  target = "";
  /**
   * A directory's entries held in the layer, by path: the same keys as the
   * layer's `nodes`, so that a caller's path string, hashed once, serves
   * both (a name sliced from it would be a fresh string to hash).
   */
  children: Map<string, CowNode> | undefined;
  /** A directory that stands over a base directory and merges its entries. */
  baseDir = false;
  /** A directory's whiteouts: names whose base entries (and all below) are hidden. */
  whiteouts: Set<string> | undefined = undefined;
  /** A directory's cached merged listing. */
  listing: DirListing | undefined = undefined;
  /**
   * A base directory's entries by name, loaded once a lookup in it missed,
   * or once it answered enough removals (see `CowView`).
   */
  baseKinds: Map<string, FileKind> | undefined = undefined;
  /** A directory's removals of base entries looked up one by one, until `baseKinds` is loaded. */
  kindLookups = 0;
  /** Names the node has in the layer (hard links); 0 when it is out of the view. */
  names = 0;
  /** Handles open for writing, while a quota counts. */
  handles = 0;

  /**
   * Makes an empty node, stamped now or, given `copyOf`, with the times of
   * that base entry.
   *
   * @param kind what the node is
   * @param ino the inode number it reports
   * @param copyOf the base entry this node copies
   * @param quota the quota its content counts against, if any
   */
  constructor(kind: FileKind, ino: number, copyOf: Stat | undefined, quota: DiskQuota | undefined) {
    super(copyOf === undefined ? Date.now() : 0);
    this.kind = kind;
    this.ino = ino;
    if (copyOf !== undefined) this.copyTimesOf(copyOf);
    this.data = kind !== "file"
      ? undefined
      : quota === undefined
      ? new ByteBuffer()
      : new QuotaBuffer(quota);
    this.children = kind === "dir" ? new Map() : undefined;
  }

  /** True when the node counts as an entry against a quota (base-directory stand-ins do not). */
  get counts(): boolean {
    return this.kind !== "dir" || !this.baseDir;
  }
}

/**
 * A shared counter bumped at every copy-up, so base handles opened earlier
 * can notice it cheaply.
 *
 * @example
 * ```ts
 * import type { CopyUpClock } from "./cow_layer.ts";
 * const clock: CopyUpClock = { gen: 0 };
 * ```
 */
export interface CopyUpClock {
  /** Bumped at every file copy-up. */
  gen: number;
}

/**
 * How a layer numbers its nodes.
 *
 * @example
 * ```ts
 * import { CowLayer, type LayerNumbering } from "./cow_layer.ts";
 * const numbering: LayerNumbering = { keepBaseIno: true, firstIno: 100 };
 * console.log(new CowLayer(undefined, undefined, numbering).newNode("file").ino); // 201
 * ```
 */
export interface LayerNumbering {
  /**
   * True when the base is a frozen state of the same overlay (or a frozen
   * MemFs), whose numbers are already the ones to report; false for any
   * other base, whose numbers are doubled so that the layer's own (odd)
   * numbers never collide with them.
   */
  keepBaseIno: boolean;
  /** Where the layer's own numbers start (above every number below it). */
  firstIno: number;
}

const PLAIN_BASE: LayerNumbering = { keepBaseIno: false, firstIno: 1 };

/**
 * The upper layer's entries (by normalised path) and whiteouts.
 *
 * @example
 * ```ts
 * import { CowLayer } from "./cow_layer.ts";
 * const layer = new CowLayer(undefined);
 * layer.attach("/a.txt", layer.newNode("file"), true, true);
 * console.log(layer.nodes.has("/a.txt")); // true
 * ```
 */
export class CowLayer {
  /** Every node, by normalised path; `/` is always there. */
  readonly nodes: Map<string, CowNode> = new Map();
  /**
   * Base paths known to be reached without a symlink and untouched by the
   * layer (no node, no whiteout on the way): reads and stats of them go
   * straight to the base. Emptied by any change that could make one of
   * them stale; a path the layer changes is taken out.
   */
  readonly plain: PlainPaths = new PlainPaths();
  /**
   * Base directories known to be reached without a symlink, with no node
   * and no whiteout at or above them: the base answers for their entries
   * (but a symlink among them must still be followed through the view).
   * Emptied with `plain`; a node attached at one takes it out.
   */
  readonly plainDirs: Set<string> = new Set();
  /** Bumped at every file copy-up (shared by the layers that replace this one). */
  readonly clock: CopyUpClock;
  /** The limits, when there are any. */
  readonly quota: DiskQuota | undefined;
  /** False until the first change: until then every call goes straight to the base. */
  dirty = false;
  /** How many whiteouts there are. */
  whiteoutCount = 0;
  /** The nodes with a handle open for writing. */
  readonly writing: Set<CowNode> = new Set();
  /** The nodes that were given a second name (some may have only one left). */
  readonly linked: Set<CowNode> = new Set();
  /** Whether base numbers are kept as they are (see {@linkcode LayerNumbering}). */
  readonly keepBaseIno: boolean;
  #ino: number;

  /**
   * Makes an empty layer.
   *
   * @param quota the limits, if any
   * @param clock the copy-up clock to share (a fresh one by default)
   * @param numbering how nodes are numbered; by default, over a plain base
   */
  constructor(
    quota: DiskQuota | undefined,
    clock: CopyUpClock = { gen: 0 },
    numbering: LayerNumbering = PLAIN_BASE,
  ) {
    this.quota = quota;
    this.clock = clock;
    this.keepBaseIno = numbering.keepBaseIno;
    this.#ino = numbering.firstIno;
    this.clear(undefined);
  }

  /** The first number not yet given out: where a layer stacked on this one starts. */
  get nextFreeIno(): number {
    return this.#ino;
  }

  /** The number a node reports: the base entry's (`copyOf`), or a fresh odd one. */
  inoFor(copyOf?: Stat): number {
    const base = copyOf?.ino;
    if (base === undefined) return this.#ino++ * 2 + 1;
    return this.keepBaseIno ? base : base * 2;
  }

  /** The number the view reports for a base entry numbered `ino`. */
  baseIno(ino: number): number {
    return this.keepBaseIno ? ino : ino * 2;
  }

  /** A new empty node (a copy of base entry `copyOf`'s number and times, when given). */
  newNode(kind: FileKind, copyOf?: Stat): CowNode {
    return new CowNode(kind, this.inoFor(copyOf), copyOf, this.quota);
  }

  /** Forgets every change; the root node copies `rootStat` when given. */
  clear(rootStat: Stat | undefined): void {
    this.nodes.clear();
    this.plain.clear();
    this.plainDirs.clear();
    this.whiteoutCount = 0;
    this.writing.clear();
    this.linked.clear();
    this.quota?.reset();
    const root = this.newNode("dir", rootStat);
    root.baseDir = true;
    root.names = 1;
    this.nodes.set("/", root);
    this.dirty = false;
  }

  /** What the layer holds (counted as a quota counts it), and the limits. */
  usage(): DiskUsage {
    if (this.quota !== undefined) return this.quota.usage();
    let bytes = 0;
    let files = 0;
    const seen = new Set<CowNode>();
    for (const node of this.nodes.values()) {
      if (seen.has(node) || !node.counts) continue;
      seen.add(node);
      files++;
      bytes += node.data?.size ?? 0;
    }
    return { bytes, files, maxBytes: undefined, maxFiles: undefined };
  }

  /** Forgets what was learnt about the base (it changed: a commit failed part-way). */
  forgetBase(): void {
    this.plain.clear();
    this.plainDirs.clear();
    for (const node of this.nodes.values()) {
      node.baseKinds = undefined;
      node.kindLookups = 0;
      node.listing?.changed();
    }
  }

  /** Remembers a base path as plain (bounded: see {@linkcode PlainPaths.add}). */
  addPlain(path: string): void {
    this.plain.add(path);
  }

  /** Remembers a base directory as plain (bounded like `plain`). */
  addPlainDir(path: string): void {
    if (this.plainDirs.size < MAX_PLAIN_PATHS) this.plainDirs.add(path);
  }

  /** True when the base's entry at `path` is hidden by a whiteout at it or above it. */
  isHidden(path: string): boolean {
    if (this.whiteoutCount === 0 || path === "/") return false;
    let dir = this.nodes.get("/")!;
    let at = 1;
    for (;;) {
      const slash = path.indexOf("/", at);
      const name = slash === -1 ? path.slice(at) : path.slice(at, slash);
      if (dir.whiteouts?.has(name)) return true;
      // Below a path without a directory node there can be no whiteout.
      if (slash === -1) return false;
      const next = dir.children!.get(path.slice(0, slash));
      if (next === undefined || next.kind !== "dir") return false;
      dir = next;
      at = slash + 1;
    }
  }

  /** True when `path` itself is a whiteout. */
  isWhiteout(path: string): boolean {
    return this.nodes.get(parentPath(path))?.whiteouts?.has(baseName(path)) ?? false;
  }

  /**
   * Checks that `bytes` and `files` more fit the quota, without counting
   * them (ENOSPC otherwise).
   */
  checkRoom(bytes: number, files: number, path: string): void {
    const quota = this.quota;
    if (quota === undefined) return;
    quota.reserve(bytes, files, path);
    quota.release(bytes, files);
  }

  /**
   * What moving the entry whose layer node is `old` (if any) adds to the
   * quota, given what `collect` made of it: the fresh copies of base
   * entries and fresh directories, less the counted directories they
   * replace. Returns `[bytes, files]`.
   */
  growthOfMove(old: CowNode | undefined, moved: Array<[string, CowNode]>): [number, number] {
    let bytes = 0;
    let files = 0;
    for (const [, n] of moved) {
      if (n.names > 0) continue;
      bytes += n.data?.size ?? 0;
      if (n.counts) files++;
    }
    const stack = old?.kind === "dir" ? [old] : [];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (dir.counts) files--;
      for (const child of dir.children!.values()) if (child.kind === "dir") stack.push(child);
    }
    return [bytes, files];
  }

  /**
   * Puts `node` at `path`, in directory node `parent` (found from the path
   * when not given; it must exist). A node new to the view is counted
   * against the quota: checked first when `check` is true (ENOSPC, and
   * nothing changes), taken as it is otherwise (a move).
   */
  attach(
    path: string,
    node: CowNode,
    touchParent: boolean,
    check: boolean,
    parent: CowNode = this.nodes.get(parentPath(path))!,
  ): void {
    if (node.names === 0) this.#enter(node, check, path);
    if (++node.names === 2 && node.kind !== "dir") this.linked.add(node);
    node.changed();
    parent.children!.set(path, node);
    parent.listing?.changed();
    if (touchParent) parent.touch();
    this.nodes.set(path, node);
    this.plain.delete(path);
    if (node.kind === "dir") this.plainDirs.delete(path);
    this.dirty = true;
  }

  /** Removes the node at `path` and every node below it; returns how many. */
  detach(path: string, touchParent: boolean): number {
    const node = this.nodes.get(path);
    if (node === undefined) return 0;
    const parent = this.nodes.get(parentPath(path))!;
    parent.children!.delete(path);
    parent.listing?.changed();
    if (touchParent) parent.touch();
    let count = 0;
    const stack: Array<[string, CowNode]> = [[path, node]];
    while (stack.length > 0) {
      const [p, n] = stack.pop()!;
      count++;
      this.nodes.delete(p);
      n.changed();
      if (--n.names === 0) this.#leave(n);
      if (n.children !== undefined) {
        if (n.whiteouts !== undefined) this.whiteoutCount -= n.whiteouts.size;
        for (const entry of n.children) stack.push(entry);
      }
    }
    this.dirty = true;
    return count;
  }

  /** Touches the parent directory of `path` (its entries changed). */
  touchParent(path: string): void {
    this.nodes.get(parentPath(path))!.touch();
  }

  /**
   * Hides the base's entry at `path` (and below), named `name` in
   * directory node `parent`; `wasDir` says it may have had children.
   */
  hide(path: string, wasDir: boolean, parent: CowNode, name = baseName(path)): void {
    const whiteouts = parent.whiteouts ??= new Set();
    const before = whiteouts.size;
    this.whiteoutCount += whiteouts.add(name).size - before;
    parent.listing?.changed();
    if (wasDir) {
      this.plain.clear();
      this.plainDirs.clear();
    } else {
      this.plain.delete(path);
    }
    this.dirty = true;
  }

  /** A write handle on `node` opened: its content stays counted until it closes. */
  opened(node: CowNode): void {
    if (node.handles++ === 0) this.writing.add(node);
  }

  /** A write handle on `node` closed. */
  closed(node: CowNode): void {
    if (--node.handles !== 0) return;
    this.writing.delete(node);
    if (node.names === 0 && this.quota !== undefined) (node.data as QuotaBuffer).uncount();
  }

  /**
   * Puts `node`, already counted against the quota (it comes from the layer
   * this one replaced), at `path` in directory node `parent`.
   */
  adopt(path: string, node: CowNode, parent: CowNode): void {
    if (++node.names === 2) this.linked.add(node);
    if (node.handles > 0) this.writing.add(node);
    parent.children!.set(path, node);
    parent.listing?.changed();
    this.nodes.set(path, node);
    this.plain.delete(path);
    this.dirty = true;
  }

  #enter(node: CowNode, check: boolean, path: string): void {
    const quota = this.quota;
    if (quota === undefined) return;
    const data = node.data as QuotaBuffer | undefined;
    const bytes = data !== undefined && !data.counted ? data.size : 0;
    const files = node.counts ? 1 : 0;
    if (check) quota.reserve(bytes, files, path);
    else quota.release(-bytes, -files);
    data?.markCounted();
  }

  #leave(node: CowNode): void {
    const quota = this.quota;
    if (quota === undefined) return;
    if (node.counts) quota.release(0, 1);
    if (node.handles === 0) (node.data as QuotaBuffer | undefined)?.uncount();
  }
}
