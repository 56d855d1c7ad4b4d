/**
 * The upper layer of a {@linkcode CowFs}: the entries it holds and its
 * whiteouts. Internal to CowFs; exported for its sibling modules.
 *
 * Invariants, which every CowFs operation keeps:
 * - every node's parent is a directory node (the root node always exists);
 * - the parent of every whiteout is a directory node;
 * - a node at a path where the base has a visible entry is a copy of that
 *   entry (same kind); anything else placed there goes over a whiteout.
 *
 * @module
 */

import { ByteBuffer } from "./byte_buffer.ts";
import { baseName, isWithin, parentPath } from "./path.ts";
import { msToNs, nowNs } from "./time.ts";
import type { FileKind, Stat } from "./types.ts";

/**
 * One entry of the upper layer: a file, a directory or a symlink.
 *
 * @example
 * ```ts
 * import { CowNode } from "./cow_layer.ts";
 * const n = new CowNode("file", 1);
 * console.log(n.data?.size); // 0
 * ```
 */
export class CowNode {
  /** What the node is. */
  readonly kind: FileKind;
  /** A number unique within the layer. */
  readonly ino: number;
  /** The base's inode number when the node is a copy of a base entry. */
  origin: number | undefined = undefined;
  /** Modification time, ns. */
  mtimeNs: bigint;
  /** Access time, ns. */
  atimeNs: bigint;
  /** A file's content. */
  data: ByteBuffer | undefined;
  /** A symlink's target. */
  target = "";
  /** A directory's entries held in the layer, by name. */
  children: Map<string, CowNode> | undefined;
  /** A directory that stands over a base directory and merges its entries. */
  baseDir = false;

  /**
   * Makes an empty node, stamped now or, given `copyOf`, a copy of that
   * base entry's number and times.
   *
   * @param kind what the node is
   * @param ino its number within the layer
   * @param copyOf the base entry this node copies
   */
  constructor(kind: FileKind, ino: number, copyOf?: Stat) {
    this.kind = kind;
    this.ino = ino;
    if (copyOf === undefined) this.mtimeNs = this.atimeNs = nowNs();
    else {
      this.origin = copyOf.ino;
      this.mtimeNs = copyOf.mtimeNs ?? msToNs(copyOf.mtime);
      this.atimeNs = copyOf.atimeNs ?? this.mtimeNs;
    }
    this.data = kind === "file" ? new ByteBuffer() : undefined;
    this.children = kind === "dir" ? new Map() : undefined;
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
 * The upper layer's entries (by normalised path) and whiteouts.
 *
 * @example
 * ```ts
 * import { CowLayer, CowNode } from "./cow_layer.ts";
 * const layer = new CowLayer();
 * layer.attach("/a.txt", new CowNode("file", layer.nextIno()), true);
 * console.log(layer.nodes.has("/a.txt")); // true
 * ```
 */
export class CowLayer {
  /** Every node, by normalised path; `/` is always there. */
  readonly nodes: Map<string, CowNode> = new Map();
  /** Whiteouts: the base's entry at each path, and all below it, is hidden. */
  readonly hidden: Set<string> = new Set();
  /**
   * Base paths known to be reached without a symlink and untouched by the
   * layer (no node, no whiteout on the way): reads of them go straight to
   * the base. Emptied by any change that could make one of them stale.
   */
  readonly plain: Set<string> = new Set();
  /** Bumped at every file copy-up. */
  readonly clock: CopyUpClock = { gen: 0 };
  /** False until the first change: until then every call goes straight to the base. */
  dirty = false;
  #ino = 1;

  /** Makes an empty layer. */
  constructor() {
    this.clear(undefined);
  }

  /** A fresh node number. */
  nextIno(): number {
    return this.#ino++;
  }

  /** Forgets every change; the root node copies `rootStat` when given. */
  clear(rootStat: Stat | undefined): void {
    this.nodes.clear();
    this.hidden.clear();
    this.plain.clear();
    const root = new CowNode("dir", this.nextIno(), rootStat);
    root.baseDir = true;
    this.nodes.set("/", root);
    this.dirty = false;
  }

  /** Remembers a base path as plain (bounded: the set is emptied when full). */
  addPlain(path: string): void {
    if (this.plain.size >= 65536) this.plain.clear();
    this.plain.add(path);
  }

  /** True when the base's entry at `path` is hidden by a whiteout at it or above it. */
  isHidden(path: string): boolean {
    const hidden = this.hidden;
    if (hidden.size === 0 || path === "/") return false;
    let at = 1;
    for (;;) {
      const slash = path.indexOf("/", at);
      const q = slash === -1 ? path : path.slice(0, slash);
      if (hidden.has(q)) return true;
      // Below a path without a node there can be no whiteout.
      if (slash === -1 || !this.nodes.has(q)) return false;
      at = slash + 1;
    }
  }

  /** Puts `node` at `path`; the parent node must exist. */
  attach(path: string, node: CowNode, touchParent: boolean): void {
    const parent = this.nodes.get(parentPath(path))!;
    parent.children!.set(baseName(path), node);
    if (touchParent) parent.mtimeNs = nowNs();
    this.nodes.set(path, node);
    this.plain.delete(path);
    this.dirty = true;
  }

  /** Removes the node at `path` and every node below it; returns them, parents first. */
  detach(path: string, touchParent: boolean): Array<[string, CowNode]> {
    const node = this.nodes.get(path);
    if (node === undefined) return [];
    const parent = this.nodes.get(parentPath(path))!;
    parent.children!.delete(baseName(path));
    if (touchParent) parent.mtimeNs = nowNs();
    const out: Array<[string, CowNode]> = [];
    const stack: Array<[string, CowNode]> = [[path, node]];
    while (stack.length > 0) {
      const [p, n] = stack.pop()!;
      out.push([p, n]);
      this.nodes.delete(p);
      if (n.children !== undefined) {
        for (const [name, child] of n.children) stack.push([p + "/" + name, child]);
      }
    }
    this.dirty = true;
    return out;
  }

  /** Touches the parent directory of `path` (its entries changed). */
  touchParent(path: string): void {
    this.nodes.get(parentPath(path))!.mtimeNs = nowNs();
  }

  /** Hides the base's entry at `path` (and below); `wasDir` says it may have had children. */
  hide(path: string, wasDir: boolean): void {
    this.hidden.add(path);
    this.pruneBelow(path);
    if (wasDir) this.plain.clear();
    else this.plain.delete(path);
    this.dirty = true;
  }

  /** Drops the whiteouts strictly below `path`, which nothing needs any more. */
  pruneBelow(path: string): void {
    if (this.hidden.size === 0) return;
    for (const h of this.hidden) {
      if (h !== path && isWithin(h, path)) this.hidden.delete(h);
    }
  }
}
