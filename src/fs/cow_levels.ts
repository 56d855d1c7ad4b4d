/**
 * The frozen states a {@linkcode CowFs} stands on after a checkpoint or a
 * fork. Internal to CowFs.
 *
 * A checkpoint or a fork freezes the overlay's layer as it is: it becomes a
 * level, never changed again, and a fresh empty layer goes on top of it.
 * Levels stack (each over the one below, the first over the base), so a
 * checkpoint keeps only what changed since the one before. Forks share the
 * level they start from, each with a layer of its own.
 *
 * @module
 */

import { ByteBuffer } from "./byte_buffer.ts";
import { flattenLayers } from "./cow_flatten.ts";
import { type CowLayer, CowNode } from "./cow_layer.ts";
import type { DiskQuota, QuotaBuffer } from "./disk_quota.ts";
import type { Timestamped } from "./file_times.ts";
import { parentPath } from "./path.ts";
import type { FileKind, FileService } from "./types.ts";

/**
 * Past this many levels, a new level is merged with those below it into
 * one over the base, so that a read goes through at most this many.
 *
 * @example
 * ```ts
 * import { MAX_LEVELS } from "./cow_levels.ts";
 * console.log(MAX_LEVELS); // 8
 * ```
 */
export const MAX_LEVELS = 8;

/**
 * A frozen state of an overlay.
 *
 * @example
 * ```ts
 * import type { CowLevel } from "./cow_levels.ts";
 * const depthOf = (level: CowLevel | undefined) => level?.depth ?? 0;
 * ```
 */
export interface CowLevel {
  /** The state as a read-only service: what the layers above stand over. */
  readonly service: FileService;
  /** Its changes over the level below (or over the base). */
  readonly layer: CowLayer;
  /** The level below, or undefined when this one stands on the base. */
  readonly below: CowLevel | undefined;
  /** How many levels there are from the base up to this one. */
  readonly depth: number;
  /** What the quota had counted when the level was frozen (when there is a quota). */
  readonly counted: Counts | undefined;
  /**
   * Its files with several names: every layer put on it starts with a copy
   * of each (see {@linkcode takeCarried}).
   */
  readonly linked: readonly LinkedFile[];
}

/**
 * Bytes and entries counted against a quota.
 *
 * @example
 * ```ts
 * import type { Counts } from "./cow_levels.ts";
 * const none: Counts = { bytes: 0, files: 0 };
 * ```
 */
export interface Counts {
  /** Bytes of file content. */
  bytes: number;
  /** Entries. */
  files: number;
}

/**
 * The layers of `level` and of every level below it, bottom first.
 *
 * @example
 * ```ts
 * import { layersOf } from "./cow_levels.ts";
 * console.log(layersOf(undefined)); // []
 * ```
 */
export function layersOf(level: CowLevel | undefined): CowLayer[] {
  const out: CowLayer[] = [];
  for (let l = level; l !== undefined; l = l.below) out.push(l.layer);
  return out.reverse();
}

/**
 * The layer that shows, over the base, what `layer` shows over `level`:
 * `layer` itself when it stands on the base, else the layers merged.
 *
 * @example
 * ```ts
 * import { CowLayer } from "./cow_layer.ts";
 * import { overBase } from "./cow_levels.ts";
 * const layer = new CowLayer(undefined);
 * console.log(overBase(undefined, layer) === layer); // true
 * ```
 */
export function overBase(level: CowLevel | undefined, layer: CowLayer): CowLayer {
  return level === undefined ? layer : flattenLayers([...layersOf(level), layer]);
}

/**
 * A file (or symlink) and its paths: one that goes on in the layer put on
 * top of a frozen one, or one with several names.
 *
 * @example
 * ```ts
 * import type { NamedNode } from "./cow_levels.ts";
 * const paths = (n: NamedNode) => n.paths.join(", ");
 * ```
 */
export interface NamedNode {
  /** The node. */
  node: CowNode;
  /** Its paths in the layer. */
  paths: string[];
}

/**
 * A file (or symlink) with several names in a frozen state: a CowNode of
 * a frozen layer, or a MemNode of a frozen MemFs tree.
 *
 * @example
 * ```ts
 * import type { LinkedFile } from "./cow_levels.ts";
 * const names = (f: LinkedFile) => f.paths.length;
 * ```
 */
export interface LinkedFile {
  /** The node. */
  node: FileNode;
  /** Its paths. */
  paths: readonly string[];
}

/**
 * What freezing a layer takes out of it.
 *
 * @example
 * ```ts
 * import type { Carried } from "./cow_levels.ts";
 * const none: Carried = { live: [], linked: [] };
 * ```
 */
export interface Carried {
  /** The nodes that go on in the next layer (open for writing, or with several names). */
  live: NamedNode[];
  /** The frozen copies left of those with several names. */
  linked: LinkedFile[];
}

/**
 * Takes out of `layer`, which is about to freeze, the files that must go
 * on in the layer put on top of it: those open for writing (their handles
 * write into the node) and those with several names (so that a write
 * through one name is seen through the others: a copy made from a frozen
 * layer would have one name only). Each is replaced, at every one of its
 * paths, by a frozen copy of what it holds now.
 *
 * @example
 * ```ts
 * import { CowLayer } from "./cow_layer.ts";
 * import { takeCarried } from "./cow_levels.ts";
 * console.log(takeCarried(new CowLayer(undefined))); // { live: [], linked: [] }
 * ```
 */
export function takeCarried(layer: CowLayer): Carried {
  const carry = new Set<CowNode>();
  for (const node of layer.writing) if (node.handles > 0 && node.names > 0) carry.add(node);
  for (const node of layer.linked) if (node.names > 1) carry.add(node);
  layer.writing.clear();
  layer.linked.clear();
  const out: Carried = { live: [], linked: [] };
  if (carry.size === 0) return out;
  const found = new Map<CowNode, string[]>();
  for (const [path, node] of layer.nodes) {
    if (carry.has(node)) found.set(node, [...(found.get(node) ?? []), path]);
  }
  for (const [node, paths] of found) {
    const frozen = copyNode(node, undefined);
    frozen.names = node.names;
    for (const path of paths) {
      layer.nodes.set(path, frozen);
      layer.nodes.get(parentPath(path))!.children!.set(path, frozen);
    }
    node.names = 0;
    out.live.push({ node, paths });
    if (paths.length > 1) out.linked.push({ node: frozen, paths });
  }
  return out;
}

/**
 * A node like `node` (number, times, target) with a copy of its bytes,
 * counted against `quota` when given, with no names yet.
 *
 * @example
 * ```ts
 * import { CowNode } from "./cow_layer.ts";
 * import { copyNode } from "./cow_levels.ts";
 * console.log(copyNode(new CowNode("file", 3, undefined, undefined), undefined).ino); // 3
 * ```
 */
export function copyNode(node: FileNode, quota: DiskQuota | undefined): CowNode {
  const out = new CowNode(node.kind, node.ino, undefined, quota);
  out.copyTimesFrom(node);
  out.target = node.target;
  if (node.data !== undefined) {
    if (quota === undefined) out.data = new ByteBuffer(node.data.view());
    else {
      // Already counted, as the file the copy stands for.
      out.data!.replace(node.data.view());
      (out.data as QuotaBuffer).markCounted();
    }
  }
  return out;
}

/**
 * What {@linkcode copyNode} needs of a node: a CowNode's or a MemNode's.
 *
 * @example
 * ```ts
 * import type { FileNode } from "./cow_levels.ts";
 * const size = (n: FileNode) => n.data?.size ?? n.target.length;
 * ```
 */
export interface FileNode extends Timestamped {
  /** What it is. */
  readonly kind: FileKind;
  /** The inode number it reports. */
  readonly ino: number;
  /** A file's content. */
  data: ByteBuffer | undefined;
  /** A symlink's target. */
  target: string;
}

/**
 * What the levels from `level` down hold, as `CowLayer.usage` counts it.
 *
 * @example
 * ```ts
 * import { levelsUsage } from "./cow_levels.ts";
 * console.log(levelsUsage(undefined)); // { bytes: 0, files: 0 }
 * ```
 */
export function levelsUsage(level: CowLevel | undefined): Counts {
  const out = { bytes: 0, files: 0 };
  for (let l = level; l !== undefined; l = l.below) {
    const u = l.layer.usage();
    out.bytes += u.bytes;
    out.files += u.files;
  }
  return out;
}
