/**
 * CowFs: a writable copy-on-write overlay over any file service.
 *
 * @module
 */

import { copyUp } from "./cow_copy.ts";
import { applyChanges, computeChanges, type CowChange, type PendingChange } from "./cow_diff.ts";
import { PassHandle, type PassHost } from "./cow_handle.ts";
import type { CowLayer, LayerNumbering } from "./cow_layer.ts";
import type { Counts, LinkedFile } from "./cow_levels.ts";
import { linkEntry, renameEntry } from "./cow_moves.ts";
import { CowStack, type StackParts } from "./cow_stack.ts";
import { type CowView, kindOf } from "./cow_view.ts";
import { sortedEntries } from "./dir_listing.ts";
import { DiskQuota } from "./disk_quota.ts";
import { FsError } from "./errors.ts";
import { readFile } from "./file_io.ts";
import { MapFs } from "./map_fs.ts";
import { type ResolvedOpenFlags, resolveOpenFlags } from "./open_flags.ts";
import { normalizePath } from "./path.ts";
import type {
  DirEntry,
  DiskUsage,
  FileHandle,
  FileService,
  OpenFlags,
  QuotaOptions,
  Stat,
} from "./types.ts";

const EMPTY = new Uint8Array(0);

/**
 * Options for a {@linkcode CowFs}: limits on what its overlay holds (see
 * {@linkcode QuotaOptions}).
 *
 * @example
 * ```ts
 * import type { CowFsOptions } from "@oanix/oanix";
 * const opts: CowFsOptions = { maxBytes: 256 * 1024 * 1024 };
 * ```
 */
export type CowFsOptions = QuotaOptions;

/** How the layers of a CowFs over any base number their nodes. */
const OVER_ANY_BASE: LayerNumbering = { keepBaseIno: false, firstIno: 1 };

/** What CowFs's own constructions give the constructor in place of its arguments. */
interface Parts extends StackParts {
  /** A layer to take as it is: a frozen level's (for its read-only view), or a restored one. */
  layer?: CowLayer;
}

let handoff: Parts | undefined;

/** Reads a CowFs's changes as one layer over its base; set by the class. */
let layerOverBase: (cow: CowFs) => CowLayer;

/** How a CowFs's frozen levels are read: through a CowFs of their own. */
const frozenView = (parts: StackParts, layer: CowLayer): FileService =>
  assemble({ ...parts, layer });

/**
 * What `cow` changed, as one layer over its base (its frozen levels and
 * its layer merged): for snapshots. Read it, never change it. Internal.
 *
 * @example
 * ```ts
 * import { changesOf, CowFs } from "./cow_fs.ts";
 * import { MemFs } from "./mem_fs.ts";
 * console.log(changesOf(new CowFs(new MemFs())).dirty); // false
 * ```
 */
export function changesOf(cow: CowFs): CowLayer {
  return layerOverBase(cow);
}

/**
 * A CowFs over `base` whose changes are `layer`, a layer made over that
 * base with the quota for `limits`: a restored snapshot's. Internal.
 *
 * @example
 * ```ts
 * import { cowWithLayer } from "./cow_fs.ts";
 * import { CowLayer } from "./cow_layer.ts";
 * import { MemFs } from "./mem_fs.ts";
 * const base = new MemFs();
 * const layer = new CowLayer(undefined);
 * layer.clear(base.stat("/"));
 * console.log(cowWithLayer(base, layer, undefined).diff()); // []
 * ```
 */
export function cowWithLayer(
  base: FileService,
  layer: CowLayer,
  limits: CowFsOptions | undefined,
): CowFs {
  return assemble({
    base,
    limits,
    numbering: OVER_ANY_BASE,
    baseCounts: undefined,
    baseLinked: [],
    level: undefined,
    counted: undefined,
    layer,
  });
}

/** A CowFs made of `parts`. */
function assemble(parts: Parts): CowFs {
  handoff = parts;
  try {
    return new CowFs(parts.base);
  } finally {
    handoff = undefined;
  }
}

/**
 * An overlay over a frozen MemFs tree (`frozen`, whose numbers are kept
 * as they are), counting `counted` to begin with: what a MemFs turns into
 * at its first fork. Internal.
 *
 * @example
 * ```ts
 * import { overFrozenTree } from "./cow_fs.ts";
 * import { MapFs } from "./map_fs.ts";
 * const cow = overFrozenTree(MapFs.fromObject({ "/a": "A" }), 10, undefined, undefined, []);
 * console.log(cow.stat("/a").ino); // the tree's own number
 * ```
 */
export function overFrozenTree(
  frozen: FileService,
  firstIno: number,
  limits: CowFsOptions | undefined,
  counted: Counts | undefined,
  linked: readonly LinkedFile[],
): CowFs {
  return assemble({
    base: frozen,
    limits,
    numbering: { keepBaseIno: true, firstIno },
    baseCounts: counted,
    baseLinked: linked,
    level: undefined,
    counted,
  });
}

function checkTimes(path: unknown, ...times: unknown[]): void {
  for (const t of times) {
    if (t !== undefined && typeof t !== "bigint") {
      throw new FsError("EINVAL", String(path), "times must be bigint nanoseconds");
    }
  }
}

/**
 * A writable copy-on-write overlay over any base {@linkcode FileService}.
 * CowFs never writes to its base, except in {@linkcode CowFs.commit}.
 *
 * - **Reads** go straight to the base until a path is changed. Opening a
 *   file read-only never copies it up.
 * - **Writes**: the first open for writing (or `setTimes`) copies the file
 *   up into the overlay; new files and directories live in the overlay.
 * - **Deletes** leave whiteouts, so `remove("/d")` then `mkdir("/d")` gives
 *   an empty directory, and nothing can be created below a removed
 *   directory (ENOENT, as `stat` says).
 * - **Directories** list the base's and the overlay's entries merged,
 *   sorted by name. **Rename** moves files and whole directories (a
 *   directory's subtree is copied up, and its old path whited out).
 * - **Symlinks** from the base and made in the overlay are followed in the
 *   merged view, so a link to a changed file reads the change.
 * - **Handles**: handles on a changed file share its content, so a write
 *   through one is seen by the others at once. A handle opened read-only
 *   before the file's copy-up moves over to the copy at that moment (at the
 *   same position) and sees later writes too. A handle opened before
 *   `commit` or `reset` keeps working on the content it had, detached.
 * - **Stat** reports every entry `readOnly: false`. Inode numbers are the
 *   base's doubled (kept across copy-up) and odd for entries new in the
 *   overlay, so they never collide and stacking works.
 * - **Stacking**: a CowFs over a CowFs works; each layer commits into the
 *   one below it.
 * - **Hard links** (`link`) share one node in the overlay: a write through
 *   either name is seen through the other, and `stat` gives both the same
 *   inode number and `nlink`. Linking a base file copies it up first (a
 *   copy-up breaks a hard link the base had). `commit` recreates links
 *   between paths it writes with the base's `link` when it has one, and
 *   writes separate copies otherwise.
 * - **Forks and checkpoints**: `fork()` gives an independent CowFs
 *   showing the same view, in constant time (the overlay's layer is
 *   frozen and shared, nothing copied); `checkpoint()` and `rewind(id)`
 *   save and restore the view incrementally (see docs/snapshots.md).
 * - **Limits**: `new CowFs(base, { maxBytes, maxFiles })` bounds what the
 *   overlay holds: the bytes of its files (a copied-up file counts whole)
 *   and its entries (whiteouts and the directories that only stand over
 *   the base's do not count). Past a limit, the change fails with ENOSPC
 *   and nothing changes. `usage()` reports the totals; `commit` and
 *   `reset` empty them.
 *
 * The base is assumed not to change behind the overlay's back (as with
 * Linux overlayfs); if it does, the view is still safe to read but may
 * show a mix.
 *
 * @example
 * ```ts
 * import { CowFs, MapFs, readText, writeText } from "@oanix/oanix";
 * const base = MapFs.fromObject({ "/src/main.ts": "console.log(1)", "/README.md": "# hi" });
 * const ws = new CowFs(base);
 * writeText(ws, "/src/main.ts", "console.log(2)");
 * ws.remove("/README.md");
 * writeText(ws, "/notes.txt", "done");
 * console.log(readText(base, "/src/main.ts")); // "console.log(1)": the base is untouched
 * console.log(ws.diff().map((c) => `${c.change} ${c.path}`));
 * // ["deleted /README.md", "added /notes.txt", "modified /src/main.ts"]
 * ```
 */
export class CowFs implements FileService {
  readonly kind: string = "cow";
  /** The layers under the view; the live layer and what it stands on are cached below. */
  #stack: CowStack;
  /** The live layer. */
  #layer: CowLayer;
  /** What the live layer stands over: the base, or a frozen level's view. */
  #lower: FileService;
  #host: PassHost;
  #view: CowView;
  /**
   * True when `#lower` can never change (a MapFs): a plain path's kept stat
   * then stands without asking it again.
   */
  #lowerFixed: boolean;

  /**
   * Makes an overlay over `base`, with no changes yet.
   *
   * @param base the service to overlay; it is never written to, except by `commit`
   * @param options limits on the overlay; none by default
   * @throws {TypeError} for a base that is not a FileService, or a limit
   * that is not an integer ≥ 0.
   */
  constructor(base: FileService, options?: CowFsOptions) {
    let parts = handoff;
    handoff = undefined;
    if (parts === undefined) {
      if (
        base === null || typeof base !== "object" || typeof base.open !== "function" ||
        typeof base.readdir !== "function" || typeof base.stat !== "function"
      ) {
        throw new TypeError(
          `CowFs: expected a FileService, got ${base === null ? "null" : typeof base}`,
        );
      }
      DiskQuota.from(options, "CowFs"); // checks the limits
      const limits = options === undefined
        ? undefined
        : { maxBytes: options.maxBytes, maxFiles: options.maxFiles };
      parts = {
        base,
        limits,
        numbering: OVER_ANY_BASE,
        baseCounts: undefined,
        baseLinked: [],
        level: undefined,
        counted: undefined,
      };
    }
    const stack = new CowStack(parts, parts.layer, frozenView);
    this.#stack = stack;
    this.#view = stack.view;
    this.#host = stack.view.host;
    this.#layer = stack.layer;
    this.#lower = stack.lower;
    this.#lowerFixed = this.#lower instanceof MapFs;
  }

  static {
    layerOverBase = (cow) => cow.#stack.changes();
  }

  /** Takes the live layer and what it stands on from the stack, after it changed them. */
  #sync(): void {
    this.#layer = this.#stack.layer;
    this.#lower = this.#stack.lower;
    this.#lowerFixed = this.#lower instanceof MapFs;
  }

  /**
   * The service this overlay stands over.
   *
   * @example
   * ```ts
   * import { CowFs, MemFs } from "@oanix/oanix";
   * const base = new MemFs();
   * console.log(new CowFs(base).base === base); // true
   * ```
   */
  get base(): FileService {
    return this.#stack.base;
  }

  /**
   * What the overlay holds, and the limits.
   *
   * @example
   * ```ts
   * import { CowFs, MemFs, writeText } from "@oanix/oanix";
   * const cow = new CowFs(new MemFs(), { maxBytes: 1000 });
   * writeText(cow, "/a", "abc");
   * console.log(cow.usage()); // { bytes: 3, files: 1, maxBytes: 1000, maxFiles: undefined }
   * ```
   */
  usage(): DiskUsage {
    return this.#stack.usage();
  }

  // ---- forks and checkpoints ----------------------------------------------

  /**
   * A new, independent CowFs over the same base, showing what this one
   * shows now. It costs the same whatever the overlay holds: the overlay's
   * layer is frozen (file contents are never copied) and both this CowFs
   * and the fork go on with a fresh layer of their own over it. This CowFs
   * stays as it was in every way that can be seen: its view, its diff,
   * its checkpoints, its handles (a file open for writing goes on being
   * written, and the fork gets a copy of what it held). The fork has the
   * same limits and counts what the overlay held as its own, and has no
   * checkpoints.
   *
   * `commit()` from a fork (or from this CowFs) writes into the base they
   * share, which the others then see below their changes; commit only
   * once the others are done.
   *
   * @example
   * ```ts
   * import { CowFs, MapFs, readText, writeText } from "@oanix/oanix";
   * const prepared = new CowFs(MapFs.fromObject({ "/task.md": "fix the bug" }));
   * writeText(prepared, "/setup.txt", "done");
   * const trials = [1, 2, 3].map(() => prepared.fork());
   * writeText(trials[0], "/answer.txt", "42");
   * console.log(trials[0].diff().length, trials[1].diff().length); // 2 1
   * console.log(readText(trials[2], "/setup.txt")); // "done"
   * ```
   */
  fork(): CowFs {
    const parts = this.#stack.fork();
    this.#sync();
    return assemble(parts);
  }

  /**
   * Remembers the view as it is now and returns the checkpoint's id (1, 2,
   * 3, ... in order) for {@linkcode CowFs.rewind}. Cheap and incremental:
   * the overlay's layer is frozen (the changes since the checkpoint before,
   * and nothing else) and a fresh one goes on top. Reads of files that
   * have not changed since go down through the frozen layers; past 8 of
   * them, the next checkpoint merges them into one (copying their index,
   * never file contents). A file changed again after a checkpoint is
   * copied into the new layer, so its old version is kept, and counted
   * against the limits, as long as a checkpoint needs it.
   *
   * @example
   * ```ts
   * import { CowFs, MemFs, readText, writeText } from "@oanix/oanix";
   * const cow = new CowFs(new MemFs());
   * writeText(cow, "/plan.md", "step 1");
   * const step1 = cow.checkpoint();
   * writeText(cow, "/plan.md", "step 2 (a mistake)");
   * cow.rewind(step1);
   * console.log(readText(cow, "/plan.md")); // "step 1"
   * ```
   */
  checkpoint(): number {
    const id = this.#stack.checkpoint();
    this.#sync();
    return id;
  }

  /**
   * Brings the view back to checkpoint `id`: every change made since is
   * dropped (handles open on changed files keep working, detached, as
   * after `reset`). Every checkpoint is kept, those taken after `id` too,
   * so the view can go back and forth between them; ids are never reused.
   *
   * @throws {RangeError} when there is no checkpoint `id`.
   *
   * @example
   * ```ts
   * import { CowFs, exists, MemFs, writeText } from "@oanix/oanix";
   * const cow = new CowFs(new MemFs());
   * const empty = cow.checkpoint();
   * writeText(cow, "/a", "1");
   * const one = cow.checkpoint();
   * cow.rewind(empty);
   * console.log(exists(cow, "/a")); // false
   * cow.rewind(one);
   * console.log(exists(cow, "/a")); // true
   * ```
   */
  rewind(id: number): void {
    this.#stack.rewind(id);
    this.#sync();
  }

  /**
   * The ids of the checkpoints kept, oldest first.
   *
   * @example
   * ```ts
   * import { CowFs, MemFs } from "@oanix/oanix";
   * const cow = new CowFs(new MemFs());
   * cow.checkpoint();
   * cow.checkpoint();
   * console.log(cow.checkpoints()); // [1, 2]
   * ```
   */
  checkpoints(): number[] {
    return this.#stack.checkpoints();
  }

  /**
   * Forgets checkpoint `id`, so that what only it kept can be freed.
   *
   * @throws {RangeError} when there is no checkpoint `id`.
   *
   * @example
   * ```ts
   * import { CowFs, MemFs } from "@oanix/oanix";
   * const cow = new CowFs(new MemFs());
   * const id = cow.checkpoint();
   * cow.dropCheckpoint(id);
   * console.log(cow.checkpoints()); // []
   * ```
   */
  dropCheckpoint(id: number): void {
    this.#stack.dropCheckpoint(id);
  }

  // ---- reads ---------------------------------------------------------------

  open(path: string, flags?: OpenFlags): FileHandle {
    if (
      flags === undefined ||
      (typeof flags === "object" && flags !== null && flags.write !== true &&
        flags.append !== true && flags.create !== true && flags.truncate !== true)
    ) {
      const p = this.#direct(path);
      if (p !== undefined) {
        return new PassHandle(this.#host, this.#lower.open(p, flags), flags?.read !== false);
      }
    }
    return this.#openSlow(path, resolveOpenFlags(flags, path));
  }

  readFile(path: string): Uint8Array {
    const p = this.#direct(path);
    if (p !== undefined) return readFile(this.#lower, p);
    const found = this.#view.resolve(path, true);
    const node = found.node;
    if (node !== undefined) {
      if (node.kind === "dir") throw new FsError("EISDIR", path);
      return node.data!.copy();
    }
    const kind = found.base?.kind;
    if (kind === undefined) throw new FsError("ENOENT", path);
    if (kind === "dir") throw new FsError("EISDIR", path);
    if (found.plain) this.#layer.addPlain(found.path);
    return readFile(this.#lower, found.path);
  }

  readdir(path: string): DirEntry[] {
    const p = this.#direct(path);
    if (p !== undefined) return sortedEntries(this.#lower.readdir(p));
    const found = this.#view.resolve(path, true);
    const kind = kindOf(found);
    if (kind === undefined) throw new FsError("ENOENT", path);
    if (kind !== "dir") throw new FsError("ENOTDIR", path);
    return this.#view.list(found);
  }

  stat(path: string): Stat {
    return this.#plainStat(path, true) ??
      this.#view.statOf(this.#view.resolve(path, true), path);
  }

  lstat(path: string): Stat {
    return this.#plainStat(path, false) ??
      this.#view.statOf(this.#view.resolve(path, false), path);
  }

  readlink(path: string): string {
    const found = this.#view.resolve(path, false);
    if (found.node?.kind === "symlink") return found.node.target;
    if (found.base?.kind === "symlink") return this.#view.baseReadlink(found.path);
    if (kindOf(found) === undefined) throw new FsError("ENOENT", path);
    throw new FsError("EINVAL", path, "not a symlink");
  }

  // ---- changes -------------------------------------------------------------

  writeFile(path: string, data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new FsError("EINVAL", String(path), "data must be a Uint8Array");
    }
    const view = this.#view;
    const found = view.resolve(path, true);
    const kind = kindOf(found);
    if (kind === "dir") throw new FsError("EISDIR", path);
    let node = found.node;
    if (node !== undefined) {
      node.data!.replace(data, path);
    } else if (kind !== undefined) {
      node = copyUp(view, found, data);
    } else {
      const parent = view.parentOf(found);
      node = this.#layer.newNode("file");
      node.data!.replace(data, path);
      this.#layer.attach(found.path, node, true, true, parent);
      return;
    }
    node.touch();
  }

  mkdir(path: string): void {
    const found = this.#view.resolve(path, false);
    if (kindOf(found) !== undefined) throw new FsError("EEXIST", path);
    const parent = this.#view.parentOf(found);
    this.#layer.attach(found.path, this.#layer.newNode("dir"), true, true, parent);
  }

  symlink(target: string, path: string): void {
    if (typeof target !== "string" || target === "" || target.includes("\0")) {
      throw new FsError(
        "EINVAL",
        typeof path === "string" ? path : String(path),
        "bad symlink target",
      );
    }
    const found = this.#view.resolve(path, false);
    if (kindOf(found) !== undefined) throw new FsError("EEXIST", path);
    const parent = this.#view.parentOf(found);
    const node = this.#layer.newNode("symlink");
    node.target = target;
    this.#layer.attach(found.path, node, true, true, parent);
  }

  /**
   * Makes `newPath` a second name for the file or symlink at `existing`
   * (a final symlink is not followed, as in Linux `link(2)`); a base file
   * is copied up first. EPERM for a directory, EEXIST when `newPath` exists.
   */
  link(existing: string, newPath: string): void {
    linkEntry(this.#view, existing, newPath);
  }

  remove(path: string): void {
    const view = this.#view;
    const found = view.resolve(path, false, true);
    const kind = kindOf(found);
    if (kind === undefined) throw new FsError("ENOENT", path);
    if (found.path === "/") throw new FsError("EBUSY", path, "cannot remove the root");
    if (kind === "dir" && view.list(found).length > 0) throw new FsError("ENOTEMPTY", path);
    const onBase = view.onBase(found);
    const parent = view.parentOf(found);
    view.drop(found.path, onBase, kind === "dir", parent, found.name);
    parent.touch();
  }

  rename(from: string, to: string): void {
    renameEntry(this.#view, from, to);
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    checkTimes(path, atimeNs, mtimeNs);
    this.#timesOf(path, true).setTimesNs(atimeNs, mtimeNs);
    this.#layer.dirty = true;
  }

  lsetTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    checkTimes(path, atimeNs, mtimeNs);
    this.#timesOf(path, false).setTimesNs(atimeNs, mtimeNs);
    this.#layer.dirty = true;
  }

  /** The node whose times to set at `path`, copied up (or made for a directory) as needed. */
  #timesOf(path: string, follow: boolean) {
    const found = this.#view.resolve(path, follow);
    const kind = kindOf(found);
    if (kind === undefined) throw new FsError("ENOENT", path);
    return kind === "dir" ? this.#view.ensureDir(found.path) : copyUp(this.#view, found);
  }

  // ---- diff, commit, reset ------------------------------------------------

  /**
   * Lists every change against the base, sorted by path (see
   * {@linkcode CowChange} for what each entry means). Content is compared
   * byte for byte, so there are no false entries: a file written back to
   * its original bytes, or created and then deleted, is no change. A
   * removed base directory is listed together with every entry that was
   * below it. A directory removed and made again is not listed itself
   * (directories are never "modified"); the base entries it lost are
   * listed as deleted. Times are not compared: `setTimes` alone is no change.
   *
   * @example
   * ```ts
   * import { CowFs, MapFs, writeText } from "@oanix/oanix";
   * const cow = new CowFs(MapFs.fromObject({ "/a.txt": "A" }));
   * writeText(cow, "/a.txt", "B");
   * writeText(cow, "/a.txt", "A"); // back to the original: no change
   * writeText(cow, "/b.txt", "new");
   * console.log(cow.diff()); // [{ path: "/b.txt", change: "added", kind: "file", size: 3 }]
   * ```
   */
  diff(): CowChange[] {
    return this.#changes().map(({ node: _, ...change }) => change);
  }

  /** Every change against the base, with the nodes holding the new content. */
  #changes(): PendingChange[] {
    return computeChanges(this.#stack.base, this.#stack.changes());
  }

  /**
   * Applies every change to the base (deletions deepest first, then
   * additions and modifications parents first), then empties the overlay
   * and drops every checkpoint; returns the changes applied. The base must
   * be writable. Forks of this CowFs stand on the same base and see the
   * changes under their own.
   *
   * Safe: if the base refuses (EROFS, say), the error is thrown and the
   * overlay is kept as it was, so no change is lost and the view does not
   * change. A FileService has no transactions, so changes applied before
   * the refusal stay in the base; `diff()` then lists what is left, and
   * `commit()` can be tried again.
   *
   * @example
   * ```ts
   * import { CowFs, MemFs, readText, writeText } from "@oanix/oanix";
   * const base = new MemFs();
   * const cow = new CowFs(base);
   * writeText(cow, "/out.txt", "result");
   * cow.commit();
   * console.log(readText(base, "/out.txt"), cow.diff().length); // "result" 0
   * ```
   */
  commit(): CowChange[] {
    const changes = this.#changes();
    try {
      applyChanges(this.#stack.base, changes);
    } catch (e) {
      // Part of the changes reached the base: what the layers knew of it is stale.
      this.#stack.forgetBase();
      throw e;
    }
    this.reset();
    return changes.map(({ node: _, ...change }) => change);
  }

  /**
   * Discards every change and every checkpoint: the view is the base again.
   *
   * @example
   * ```ts
   * import { CowFs, exists, MemFs, writeText } from "@oanix/oanix";
   * const cow = new CowFs(new MemFs());
   * writeText(cow, "/scratch", "x");
   * cow.reset();
   * console.log(exists(cow, "/scratch")); // false
   * ```
   */
  reset(): void {
    this.#stack.reset();
    this.#sync();
  }

  describe(): Record<string, unknown> {
    const quota = this.#layer.quota;
    const changes = this.#stack.changes(); // the levels of forks and checkpoints included
    const out: Record<string, unknown> = {
      base: this.#stack.base.kind,
      entries: changes.nodes.size - 1,
      whiteouts: changes.whiteoutCount,
    };
    const checkpoints = this.#stack.checkpoints().length;
    if (checkpoints > 0) out.checkpoints = checkpoints;
    if (quota !== undefined) {
      out.maxBytes = quota.usage().maxBytes;
      out.maxFiles = quota.usage().maxFiles;
    }
    return out;
  }

  // ---- internals -----------------------------------------------------------

  /**
   * `stat` (or `lstat`) of a path the base answers alone, as `#direct`
   * finds them, or undefined. The layer's plain set keeps each plain
   * path's stat (one Map lookup tells both), so a repeated stat allocates
   * nothing: over a MapFs, which never changes, the kept stat is the
   * answer; over any other base, it is the answer while the base hands out
   * the very stat it was made from.
   */
  #plainStat(path: string, follow: boolean): Stat | undefined {
    const layer = this.#layer;
    const view = this.#view;
    if (!layer.dirty) {
      const p = typeof path === "string" ? path : normalizePath(path);
      return view.baseStat(follow ? this.#lower.stat(p) : view.baseLstat(p));
    }
    const plain = layer.plain;
    let p = path;
    let kept = plain.get(p);
    if (kept === undefined) {
      p = normalizePath(path);
      if (p === path || (kept = plain.get(p)) === undefined) return undefined;
    }
    if (kept !== null && this.#lowerFixed) return kept.view;
    return view.plainStat(p, kept, follow ? this.#lower.stat(p) : view.baseLstat(p));
  }

  /**
   * The fast path: the normalised path when the base alone can answer for
   * it (no change yet, or a path known to be untouched and symlink-free),
   * otherwise undefined. The plain set holds normalised paths only, so a
   * hit on the raw string needs no normalising. (Every FileService
   * normalises and checks the paths it is given, so the base does it once.)
   */
  #direct(path: string): string | undefined {
    const layer = this.#layer;
    // No change yet: the base alone answers, and normalises (and checks) the path itself.
    if (!layer.dirty) return typeof path === "string" ? path : normalizePath(path);
    if (layer.plain.has(path)) return path;
    const p = normalizePath(path);
    return p !== path && layer.plain.has(p) ? p : undefined;
  }

  #openSlow(path: string, f: ResolvedOpenFlags): FileHandle {
    const found = this.#view.resolve(path, !(f.create && f.exclusive));
    const kind = kindOf(found);
    if (kind !== undefined) {
      if (f.create && f.exclusive) throw new FsError("EEXIST", path);
      if (kind === "dir") throw new FsError("EISDIR", path);
      if (f.directory) throw new FsError("ENOTDIR", path);
      if (f.write) {
        const size = found.node !== undefined ? found.node.data!.size : found.base!.size;
        // A truncating open copies nothing up: the old bytes would be cut at once.
        const node = copyUp(this.#view, found, f.truncate ? EMPTY : undefined);
        if (f.truncate && size > 0) {
          node.data!.truncate(0);
          node.touch();
        }
        return this.#view.nodeHandle(found.path, node, f);
      }
      if (found.node !== undefined) return this.#view.nodeHandle(found.path, found.node, f);
      if (found.plain) this.#layer.addPlain(found.path);
      const inner = this.#lower.open(found.path, { read: f.read, nonBlocking: f.nonBlocking });
      return new PassHandle(this.#host, inner, f.read);
    }
    if (!f.create) throw new FsError("ENOENT", path);
    if (f.directory) throw new FsError("ENOENT", path, "no such directory");
    const parent = this.#view.parentOf(found);
    const node = this.#layer.newNode("file");
    this.#layer.attach(found.path, node, true, true, parent);
    return this.#view.nodeHandle(found.path, node, f);
  }
}
