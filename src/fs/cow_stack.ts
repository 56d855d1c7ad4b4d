/**
 * The layers under a {@linkcode CowFs}'s view: the live layer, the frozen
 * levels it stands on after forks and checkpoints, the checkpoints, and
 * how the limits count across them. Internal to CowFs.
 *
 * @module
 */

import { flattenLayers } from "./cow_flatten.ts";
import { CowLayer, type LayerNumbering } from "./cow_layer.ts";
import {
  copyNode,
  type Counts,
  type CowLevel,
  layersOf,
  levelsUsage,
  type LinkedFile,
  MAX_LEVELS,
  type NamedNode,
  overBase,
  takeCarried,
} from "./cow_levels.ts";
import { CowView } from "./cow_view.ts";
import { DiskQuota, type QuotaBuffer } from "./disk_quota.ts";
import { parentPath } from "./path.ts";
import type { DiskUsage, FileService, QuotaOptions } from "./types.ts";

/**
 * What a stack is made of.
 *
 * @example
 * ```ts
 * import type { StackParts } from "./cow_stack.ts";
 * import { MemFs } from "./mem_fs.ts";
 * const parts: StackParts = {
 *   base: new MemFs(),
 *   limits: undefined,
 *   numbering: { keepBaseIno: false, firstIno: 1 },
 *   baseCounts: undefined,
 *   baseLinked: [],
 *   level: undefined,
 *   counted: undefined,
 * };
 * ```
 */
export interface StackParts {
  /** The base: what `diff` and `commit` compare with. */
  base: FileService;
  /** The limits, as given. */
  limits: QuotaOptions | undefined;
  /** How layers standing on the base number their nodes. */
  numbering: LayerNumbering;
  /** What the quota counts when the stack stands on the base with no change. */
  baseCounts: Counts | undefined;
  /** The base's files with several names, when the base is a frozen MemFs tree. */
  baseLinked: readonly LinkedFile[];
  /** The frozen level to stand on (undefined: the base). */
  level: CowLevel | undefined;
  /** What the quota counts to begin with. */
  counted: Counts | undefined;
}

/**
 * Makes the read-only service through which a frozen level is read: a
 * CowFs over `parts` whose layer is `layer`, never changed again.
 *
 * @example
 * ```ts
 * import type { FrozenViewMaker } from "./cow_stack.ts";
 * const never: FrozenViewMaker = () => { throw new Error("not in this example"); };
 * ```
 */
export type FrozenViewMaker = (parts: StackParts, layer: CowLayer) => FileService;

/**
 * The stack: the view's live layer over the base or a frozen level.
 *
 * @example
 * ```ts
 * import { CowStack } from "./cow_stack.ts";
 * import { MemFs } from "./mem_fs.ts";
 * const stack = new CowStack({
 *   base: new MemFs(),
 *   limits: undefined,
 *   numbering: { keepBaseIno: false, firstIno: 1 },
 *   baseCounts: undefined,
 *   baseLinked: [],
 *   level: undefined,
 *   counted: undefined,
 * }, undefined, () => new MemFs());
 * console.log(stack.checkpoint(), stack.checkpoints()); // 1 [1]
 * ```
 */
export class CowStack {
  /** The view: the live layer over what it stands on (rebased in place). */
  readonly view: CowView;
  #parts: StackParts;
  #checkpoints: Map<number, CowLevel | null> | undefined = undefined;
  #nextCheckpoint = 1;
  #frozenView: FrozenViewMaker;

  /**
   * Makes the stack of `parts`, over a fresh layer, or over `layer` (a
   * frozen level's own, or one restored from a snapshot) taken as it is.
   *
   * @param parts what it is made of
   * @param layer a layer to take as it is, if any
   * @param frozenView how frozen levels are read
   */
  constructor(parts: StackParts, layer: CowLayer | undefined, frozenView: FrozenViewMaker) {
    this.#parts = parts;
    this.#frozenView = frozenView;
    const lower = parts.level?.service ?? parts.base;
    const live = layer ??
      new CowLayer(
        DiskQuota.from(parts.limits, "CowFs"),
        undefined,
        this.#numberingOver(parts.level),
      );
    this.view = new CowView(lower, live);
    if (layer === undefined) this.#startLayer(parts.counted, undefined);
  }

  /** The base. */
  get base(): FileService {
    return this.#parts.base;
  }

  /** The live layer. */
  get layer(): CowLayer {
    return this.view.layer;
  }

  /** What the live layer stands over: the base, or the frozen level's view. */
  get lower(): FileService {
    return this.view.base;
  }

  /** How a layer standing on `level` numbers its nodes. */
  #numberingOver(level: CowLevel | undefined): LayerNumbering {
    return level === undefined
      ? this.#parts.numbering
      : { keepBaseIno: true, firstIno: level.layer.nextFreeIno };
  }

  /**
   * Gives the (fresh) layer its root, the quota its counts, and the files
   * that go on in it: `live` when given (the nodes of the layer just
   * frozen), else copies of the frozen state's files with several names.
   */
  #startLayer(counted: Counts | undefined, live: readonly NamedNode[] | undefined): void {
    const view = this.view;
    const layer = view.layer;
    layer.clear(view.rootStat());
    const quota = layer.quota;
    if (quota !== undefined && counted !== undefined) {
      quota.bytes = counted.bytes;
      quota.files = counted.files;
    }
    const carried = live ??
      (this.#parts.level?.linked ?? this.#parts.baseLinked).map(({ node, paths }) => ({
        node: copyNode(node, quota),
        paths,
      }));
    for (const { node, paths } of carried) {
      for (const path of paths) layer.adopt(path, node, view.ensureDir(parentPath(path)));
      if (quota !== undefined) (node.data as QuotaBuffer | undefined)?.markCounted();
    }
  }

  /** Puts a fresh layer on `level` (or on the base) in place of the present one. */
  #standOn(
    level: CowLevel | undefined,
    counted: Counts | undefined,
    live?: readonly NamedNode[],
  ): void {
    const old = this.view.layer;
    const layer = new CowLayer(old.quota, old.clock, this.#numberingOver(level));
    this.#parts = { ...this.#parts, level };
    this.view.rebase(level?.service ?? this.#parts.base, layer);
    this.#startLayer(counted, live);
  }

  /**
   * Freezes the layer (when it holds changes) into a new level and puts a
   * fresh layer on it; returns the level the view now stands on.
   */
  #seal(): CowLevel | undefined {
    const layer = this.view.layer;
    if (!layer.dirty) return this.#parts.level;
    const { live, linked } = takeCarried(layer);
    const quota = layer.quota;
    const counted = quota === undefined ? undefined : { bytes: quota.bytes, files: quota.files };
    let level = this.#frozen(this.#parts.level, layer, counted, linked);
    if (level.depth > MAX_LEVELS) {
      level = this.#frozen(undefined, flattenLayers(layersOf(level)), counted, linked);
    }
    // Files open for writing or with several names go on in the new layer.
    this.#standOn(level, counted, live);
    return level;
  }

  /** A level made of `layer`, frozen, over `below` (or the base). */
  #frozen(
    below: CowLevel | undefined,
    layer: CowLayer,
    counted: Counts | undefined,
    linked: readonly LinkedFile[],
  ): CowLevel {
    const parts = { ...this.#parts, limits: undefined, level: below, baseLinked: [] };
    const service = this.#frozenView(parts, layer);
    return { service, layer, below, depth: (below?.depth ?? 0) + 1, counted, linked };
  }

  /** The parts of a new stack showing what this one shows now (see `CowFs.fork`). */
  fork(): StackParts {
    const level = this.#seal();
    const parts = this.#parts;
    return { ...parts, level, counted: level === undefined ? parts.baseCounts : level.counted };
  }

  /** Takes a checkpoint; returns its id (see `CowFs.checkpoint`). */
  checkpoint(): number {
    const level = this.#seal();
    const id = this.#nextCheckpoint++;
    (this.#checkpoints ??= new Map()).set(id, level ?? null);
    return id;
  }

  /** Brings the view back to checkpoint `id` (see `CowFs.rewind`). */
  rewind(id: number): void {
    const level = this.#checkpointAt(id, "rewind");
    this.#standOn(level, level === undefined ? this.#parts.baseCounts : level.counted);
  }

  /** The ids of the checkpoints kept, oldest first. */
  checkpoints(): number[] {
    return [...(this.#checkpoints?.keys() ?? [])];
  }

  /** Forgets checkpoint `id`. */
  dropCheckpoint(id: number): void {
    this.#checkpointAt(id, "dropCheckpoint");
    this.#checkpoints!.delete(id);
  }

  #checkpointAt(id: number, method: string): CowLevel | undefined {
    const level = this.#checkpoints?.get(id);
    if (level === undefined) {
      const known = this.checkpoints();
      throw new RangeError(
        `CowFs.${method}: no checkpoint ${String(id)} (${
          known.length === 0 ? "none taken" : `known: ${known.join(", ")}`
        })`,
      );
    }
    return level ?? undefined;
  }

  /** Drops every change and every checkpoint: the view is the base again. */
  reset(): void {
    this.#checkpoints = undefined;
    this.#standOn(undefined, this.#parts.baseCounts);
  }

  /** Every change as one layer over the base (the live layer itself when there is no level). */
  changes(): CowLayer {
    return overBase(this.#parts.level, this.view.layer);
  }

  /** The base changed behind the stack (a commit failed part-way): forget what was learnt of it. */
  forgetBase(): void {
    this.view.layer.forgetBase();
    for (const layer of layersOf(this.#parts.level)) layer.forgetBase();
  }

  /** What the overlay holds, and the limits (see `CowFs.usage`). */
  usage(): DiskUsage {
    const layer = this.view.layer;
    if (layer.quota !== undefined) return layer.quota.usage();
    // A frozen MemFs tree under the overlay counts too (see MemFs.fork).
    const own = layer.usage();
    const below = levelsUsage(this.#parts.level);
    const base = this.#parts.baseCounts ?? { bytes: 0, files: 0 };
    own.bytes += below.bytes + base.bytes;
    own.files += below.files + base.files;
    return own;
  }
}
