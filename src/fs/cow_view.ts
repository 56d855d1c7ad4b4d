/**
 * The merged view of a {@linkcode CowFs}: path resolution through the
 * overlay and its base, listing, stat, copy-up. Internal to CowFs.
 *
 * @module
 */

import { BufferHandle } from "./buffer_handle.ts";
import type { PassHost } from "./cow_handle.ts";
import type { CowLayer, CowNode } from "./cow_layer.ts";
import type { KeptStat } from "./cow_plain.ts";
import { byName, DirListing, frozenEntry, handOut, sortedEntries } from "./dir_listing.ts";
import { FsError } from "./errors.ts";
import type { ResolvedOpenFlags } from "./open_flags.ts";
import { joinPath, normalizePath, parentPath } from "./path.ts";
import type { DirEntry, FileHandle, FileKind, FileService, Stat } from "./types.ts";

const MAX_SYMLINK_HOPS = 40;

/**
 * After this many removals in a base directory looked up one by one, its
 * node loads the base's names: a removal then asks the base nothing.
 * Loading costs a listing of the directory, once per node, so it waits
 * until enough removals have shown that more are likely (an `rm -r`).
 */
const LOAD_NAMES_AFTER = 8;

/** What a kind-only lookup gives for a base file: its kind, nothing else. */
const A_BASE_FILE: Stat = Object.freeze({ kind: "file", size: 0, mtime: 0, readOnly: true });

/**
 * Where a path led in the merged view. At most one of `node` and `base` is set.
 *
 * @example
 * ```ts
 * import type { Found } from "./cow_view.ts";
 * const nowhere: Found = { path: "/x", node: undefined, base: undefined, plain: false };
 * ```
 */
export interface Found {
  /** The path with every symlink on the way resolved. */
  path: string;
  /** The layer's node there. */
  node: CowNode | undefined;
  /**
   * The base's (lstat) entry there, when the view shows it. After a
   * kind-only `resolve`, only its `kind` is sure to be the entry's.
   */
  base: Stat | undefined;
  /** Reached without a symlink, untouched by the layer: the base answers alone. */
  plain: boolean;
  /** The layer's node of the directory holding the entry, when `resolve` saw it. */
  parent?: CowNode;
  /** The entry's name in that directory, when `resolve` had it at hand (else `baseName(path)`). */
  name?: string;
}

/**
 * What a found entry is, or undefined when there is none.
 *
 * @example
 * ```ts
 * import { kindOf } from "./cow_view.ts";
 * console.log(kindOf({ path: "/x", node: undefined, base: undefined, plain: false })); // undefined
 * ```
 */
export function kindOf(found: Found): FileKind | undefined {
  return found.node !== undefined ? found.node.kind : found.base?.kind;
}

/**
 * The merged view of a base service and an overlay layer.
 *
 * @example
 * ```ts
 * import { CowLayer } from "./cow_layer.ts";
 * import { CowView } from "./cow_view.ts";
 * import { MemFs } from "@oanix/oanix";
 * const view = new CowView(new MemFs(), new CowLayer(undefined));
 * console.log(view.resolve("/", true).node?.kind); // "dir"
 * ```
 */
export class CowView {
  /** The service under the overlay (a frozen state of it, after a fork or a checkpoint). */
  base: FileService;
  /** The overlay. */
  layer: CowLayer;
  /** The hooks given to handles on base files. */
  readonly host: PassHost;

  /**
   * Joins `base` and `layer`.
   *
   * @param base the service under the overlay
   * @param layer the overlay
   */
  constructor(base: FileService, layer: CowLayer) {
    this.base = base;
    this.layer = layer;
    this.host = {
      clock: layer.clock,
      copyOf: (path) => {
        const node = this.layer.nodes.get(path);
        return node?.kind === "file" && !this.layer.isHidden(path) ? node : undefined;
      },
      baseStat: (st) => this.baseStat(st),
      nodeStat: (node) => this.nodeStat(node),
    };
  }

  /**
   * Puts `layer` over `base` in place of the present pair. The layer must
   * share the present layer's copy-up clock, so that handles opened on the
   * base before still move over to copies made after.
   */
  rebase(base: FileService, layer: CowLayer): void {
    if (layer.clock !== this.host.clock) {
      throw new Error("CowView.rebase: the clock must be shared");
    }
    this.base = base;
    this.layer = layer;
  }

  /** A handle on a node's content, shared with every other handle on it. */
  nodeHandle(path: string, node: CowNode, f: ResolvedOpenFlags): FileHandle {
    const layer = this.layer;
    if (f.write) layer.opened(node);
    return new BufferHandle({
      path,
      buffer: node.data!,
      readable: f.read,
      writable: f.write,
      append: f.append,
      stat: () => this.nodeStat(node),
      onChange: f.write ? () => node.touch() : undefined,
      // The layer of the moment: after a checkpoint the node may sit in a newer one.
      onClose: f.write ? () => this.layer.closed(node) : undefined,
    });
  }

  /**
   * Walks `input` through the merged view. Symlinks on the way are always
   * followed, a final one only when `follow` is true. Throws ENOENT or
   * ENOTDIR when a parent is missing or not a directory. With `kindOnly`
   * (for removals), the caller needs no more of a base entry than its
   * kind, which may then come from the directory's loaded names.
   */
  resolve(input: string, follow: boolean, kindOnly = false): Found {
    const nodes = this.layer.nodes;
    const p = normalizePath(input);
    // Fast paths. A path with a node is reached through directory nodes
    // only (every node's parent is a directory node), so nothing on the way
    // can be a symlink or a whiteout that matters.
    const node = nodes.get(p);
    if (node !== undefined) {
      if (!follow || node.kind !== "symlink") {
        return { path: p, node, base: undefined, plain: false };
      }
    } else if (p !== "/") {
      const dir = parentPath(p);
      const parent = nodes.get(dir);
      if (parent !== undefined && parent.kind === "dir") {
        // The parent has a directory node: only the last name needs a look
        // at the base (a base-directory node is never below a whiteout).
        const at = dir.length === 1 ? 1 : dir.length + 1;
        // The name is sliced only when something looks it up (a fresh string costs a hash).
        const whiteouts = parent.whiteouts;
        const name = whiteouts !== undefined || kindOnly ? p.slice(at) : undefined;
        const shown = parent.baseDir && (whiteouts === undefined || !whiteouts.has(name!));
        const base = !shown
          ? undefined
          : kindOnly
          ? this.#baseKind(parent, p, at, name!)
          : this.#baseEntry(parent, p, at);
        if (base === undefined || base.kind !== "symlink" || !follow) {
          const plain = base !== undefined && base.kind !== "symlink";
          return { path: p, node: undefined, base, plain, parent, name };
        }
      } else if (parent === undefined && this.layer.plainDirs.has(dir)) {
        // The parent is a base directory the layer has not touched.
        const base = this.baseLstatOrNone(p);
        if (base === undefined || base.kind !== "symlink" || !follow) {
          const plain = base !== undefined && base.kind !== "symlink";
          return { path: p, node: undefined, base, plain };
        }
      }
    }
    return this.#walk(p, input, follow);
  }

  /** The segment-by-segment walk, for paths through symlinks and errors. */
  #walk(start: string, input: string, follow: boolean): Found {
    const nodes = this.layer.nodes;
    let p = start;
    let hops = 0;
    restart: for (;;) {
      if (p === "/") return { path: p, node: nodes.get(p), base: undefined, plain: false };
      let at = 1;
      let dir = nodes.get("/"); // the layer's node for the directory walked into, if it has one
      let baseHere = true; // the base's directory at the current prefix is merged in
      for (;;) {
        const slash = p.indexOf("/", at);
        const last = slash === -1;
        const q = last ? p : p.slice(0, slash);
        let node: CowNode | undefined;
        let base: Stat | undefined;
        if (dir !== undefined) {
          node = nodes.get(q);
          const whiteouts = dir.whiteouts;
          if (baseHere && whiteouts !== undefined && whiteouts.has(q.slice(at))) baseHere = false;
        }
        if (node !== undefined) {
          baseHere = baseHere && node.kind === "dir" && node.baseDir;
        } else if (baseHere) {
          base = this.#baseEntry(dir, q, at);
          baseHere = base?.kind === "dir";
          if (baseHere) this.layer.addPlainDir(q);
        }
        const kind = node !== undefined ? node.kind : base?.kind;
        if (kind === "symlink" && (!last || follow)) {
          if (++hops > MAX_SYMLINK_HOPS) throw new FsError("ELOOP", input);
          const target = node !== undefined ? node.target : this.baseReadlink(q);
          const dest = target.startsWith("/") ? target : joinPath(parentPath(q), target);
          p = normalizePath(last ? dest : dest + p.slice(slash));
          continue restart;
        }
        if (last) {
          const plain = hops === 0 && base !== undefined && base.kind !== "symlink";
          return { path: p, node, base, plain, parent: dir, name: q.slice(at) };
        }
        if (kind === undefined) throw new FsError("ENOENT", input);
        if (kind !== "dir") throw new FsError("ENOTDIR", input);
        dir = node;
        at = slash + 1;
      }
    }
  }

  /**
   * The base's entry at `q` (a child of the directory ending before `at`),
   * or undefined. In a directory with a node, the base's names are loaded
   * after the first miss, so later misses (creating files there) cost a
   * Map lookup instead of an error thrown and caught.
   */
  #baseEntry(dir: CowNode | undefined, q: string, at: number): Stat | undefined {
    if (dir === undefined) return this.baseLstatOrNone(q);
    const kinds = dir.baseKinds;
    if (kinds !== undefined && !kinds.has(q.slice(at))) return undefined;
    const st = this.baseLstatOrNone(q);
    if (st === undefined && kinds === undefined) {
      dir.baseKinds = this.#baseKinds(at === 1 ? "/" : q.slice(0, at - 1));
    }
    return st;
  }

  /**
   * The base's entry at `q`, named `name` in directory node `dir`, for a
   * caller that needs only its kind: a file is answered from the
   * directory's names when they are loaded (and they are, after
   * {@linkcode LOAD_NAMES_AFTER} such lookups). Directories and symlinks
   * are always asked of the base, whose listing of them may differ from
   * its lstat.
   */
  #baseKind(dir: CowNode, q: string, at: number, name: string): Stat | undefined {
    let kinds = dir.baseKinds;
    if (kinds === undefined && ++dir.kindLookups === LOAD_NAMES_AFTER) {
      kinds = dir.baseKinds = this.#baseKinds(at === 1 ? "/" : q.slice(0, at - 1));
    }
    if (kinds !== undefined) {
      const kind = kinds.get(name);
      if (kind === undefined) return undefined;
      if (kind === "file") return A_BASE_FILE;
    }
    return this.#baseEntry(dir, q, at);
  }

  /** The base directory's entries by name; undefined when it cannot be listed. */
  #baseKinds(path: string): Map<string, FileKind> | undefined {
    let entries: DirEntry[];
    try {
      entries = this.base.readdir(path);
    } catch {
      return undefined;
    }
    const kinds = new Map<string, FileKind>();
    for (const e of entries) kinds.set(e.name, e.kind);
    return kinds;
  }

  /** Lists a directory of the view (found by `resolve`), sorted by name: a fresh array. */
  list(found: Found): DirEntry[] {
    const node = found.node;
    if (node === undefined) {
      if (found.plain) this.layer.addPlain(found.path);
      return sortedEntries(this.base.readdir(found.path));
    }
    const listing = node.listing ??= new DirListing();
    return handOut(listing.sorted(() => this.#merged(found.path, node)));
  }

  /** The layer's entries of directory `node` merged with the base's, as frozen entries. */
  #merged(path: string, node: CowNode): DirEntry[] {
    const upper: DirEntry[] = [];
    const at = path === "/" ? 1 : path.length + 1;
    for (const [p, child] of node.children!) upper.push(frozenEntry(p.slice(at), child.kind));
    upper.sort(byName);
    if (!node.baseDir || this.layer.isHidden(path)) return upper;
    const lower = sortedEntries(this.base.readdir(path));
    const whiteouts = node.whiteouts;
    const out: DirEntry[] = [];
    let i = 0;
    for (const e of lower) {
      while (i < upper.length && upper[i].name < e.name) out.push(upper[i++]);
      if (i < upper.length && upper[i].name === e.name) continue;
      if (whiteouts !== undefined && whiteouts.has(e.name)) continue;
      out.push(Object.isFrozen(e) ? e : frozenEntry(e.name, e.kind));
    }
    while (i < upper.length) out.push(upper[i++]);
    return out;
  }

  /** Reports on a found entry; ENOENT when there is none. */
  statOf(found: Found, path: string): Stat {
    if (found.node !== undefined) return this.nodeStat(found.node);
    if (found.base === undefined) throw new FsError("ENOENT", path);
    if (found.plain) this.layer.addPlain(found.path);
    return this.baseStat(found.base);
  }

  /** Reports on a node. */
  nodeStat(node: CowNode): Stat {
    return node.cachedStat ??= this.#nodeStat(node);
  }

  #nodeStat(node: CowNode): Stat {
    const kind = node.kind;
    const st: Stat = {
      kind,
      size: kind === "file" ? node.data!.size : kind === "symlink" ? node.target.length : 0,
      mtime: node.mtimeMs,
      readOnly: false,
      ino: node.ino,
      mtimeNs: node.mtimeNs,
      atimeNs: node.atimeNs,
    };
    // A directory's count would need the merged listing: left out.
    if (kind !== "dir") st.nlink = node.names;
    return Object.freeze(st);
  }

  /**
   * The view's stat of plain base path `path`, given `st`, the base's stat
   * of it now, and `kept`, what the layer's plain set keeps for it: the
   * kept stat when it was made from `st`, else a new one, kept (frozen)
   * when `st` is frozen, since only then does the same object mean the
   * same entry.
   */
  plainStat(path: string, kept: KeptStat | null, st: Stat): Stat {
    if (kept !== null && kept.of === st) return kept.view;
    const view = this.baseStat(st);
    if (!Object.isFrozen(st)) return view;
    Object.freeze(view);
    this.layer.plain.keep(path, st, view);
    return view;
  }

  /** The view of a base entry's stat: writable, with the overlay's inode number. */
  baseStat(st: Stat): Stat {
    const out: Stat = { kind: st.kind, size: st.size, mtime: st.mtime, readOnly: false };
    if (st.ino !== undefined) out.ino = this.layer.baseIno(st.ino);
    if (st.nlink !== undefined) out.nlink = st.nlink;
    if (st.mtimeNs !== undefined) out.mtimeNs = st.mtimeNs;
    if (st.atimeNs !== undefined) out.atimeNs = st.atimeNs;
    return out;
  }

  /** The base root's stat, if the base gives one. */
  rootStat(): Stat | undefined {
    try {
      return this.base.stat("/");
    } catch {
      return undefined;
    }
  }

  /** lstat on the base (stat when it has no lstat, and so no symlinks). */
  baseLstat(path: string): Stat {
    const base = this.base;
    return base.lstat !== undefined ? base.lstat(path) : base.stat(path);
  }

  /** lstat on the base; undefined when there is nothing there. */
  baseLstatOrNone(path: string): Stat | undefined {
    try {
      return this.baseLstat(path);
    } catch (e) {
      if (e instanceof FsError && (e.code === "ENOENT" || e.code === "ENOTDIR")) return undefined;
      throw e;
    }
  }

  /** readlink on the base. */
  baseReadlink(path: string): string {
    if (this.base.readlink === undefined) {
      throw new FsError("ENOSYS", path, `the base (${this.base.kind}) cannot read symlinks`);
    }
    return this.base.readlink(path);
  }

  /** True when the base has a visible entry under the view's entry `found`. */
  onBase(found: Found): boolean {
    if (found.base !== undefined) return true;
    const node = found.node;
    if (node === undefined || this.layer.isHidden(found.path)) return false;
    if (node.kind === "dir") return node.baseDir;
    return this.baseLstatOrNone(found.path) !== undefined;
  }

  /**
   * Takes `path` out of the view: drops its nodes, whites out the base's
   * entry. `parent` is the directory node holding it, `name` its name
   * there when known.
   */
  drop(path: string, onBase: boolean, isDir: boolean, parent: CowNode, name?: string): void {
    this.layer.detach(path, false);
    if (onBase) this.layer.hide(path, isDir, parent, name);
  }

  /** The directory node holding `found`, made over the base's directory when needed. */
  parentOf(found: Found): CowNode {
    return found.parent ?? this.ensureDir(parentPath(found.path));
  }

  /**
   * Makes sure the view's directory `path` (resolved, symlink-free) has a
   * node, creating nodes over the base's directories as needed.
   */
  ensureDir(path: string): CowNode {
    const existing = this.layer.nodes.get(path);
    if (existing !== undefined) return existing;
    this.ensureDir(parentPath(path));
    const st = this.baseLstat(path);
    if (st.kind !== "dir") throw new FsError("ENOTDIR", path);
    const node = this.layer.newNode("dir", st);
    node.baseDir = true;
    this.layer.attach(path, node, false, true);
    return node;
  }
}
