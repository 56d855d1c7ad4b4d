/**
 * CowFs: a writable copy-on-write overlay over any file service.
 *
 * @module
 */

import { applyChanges, computeChanges, type CowChange } from "./cow_diff.ts";
import { PassHandle, type PassHost } from "./cow_handle.ts";
import { CowLayer, CowNode } from "./cow_layer.ts";
import { CowView, kindOf, sortedEntries } from "./cow_view.ts";
import { FsError } from "./errors.ts";
import { type ResolvedOpenFlags, resolveOpenFlags } from "./open_flags.ts";
import { isWithin, normalizePath, parentPath } from "./path.ts";
import { nowNs } from "./time.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "./types.ts";

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
  #base: FileService;
  #layer = new CowLayer();
  #host: PassHost;
  #view: CowView;

  /**
   * Makes an overlay over `base`, with no changes yet.
   *
   * @param base the service to overlay; it is never written to, except by `commit`
   */
  constructor(base: FileService) {
    if (
      base === null || typeof base !== "object" || typeof base.open !== "function" ||
      typeof base.readdir !== "function" || typeof base.stat !== "function"
    ) {
      throw new TypeError(
        `CowFs: expected a FileService, got ${base === null ? "null" : typeof base}`,
      );
    }
    this.#base = base;
    this.#view = new CowView(base, this.#layer);
    this.#host = this.#view.host;
    this.#layer.clear(this.#view.rootStat());
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
    return this.#base;
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
        return new PassHandle(this.#host, this.#base.open(p, flags), flags?.read !== false);
      }
    }
    return this.#openSlow(path, resolveOpenFlags(flags, path));
  }

  readdir(path: string): DirEntry[] {
    const p = this.#direct(path);
    if (p !== undefined) return sortedEntries(this.#base.readdir(p));
    const found = this.#view.resolve(path, true);
    const kind = kindOf(found);
    if (kind === undefined) throw new FsError("ENOENT", path);
    if (kind !== "dir") throw new FsError("ENOTDIR", path);
    return this.#view.list(found);
  }

  stat(path: string): Stat {
    const p = this.#direct(path);
    if (p !== undefined) return this.#view.baseStat(this.#base.stat(p));
    return this.#view.statOf(this.#view.resolve(path, true), path);
  }

  lstat(path: string): Stat {
    const p = this.#direct(path);
    if (p !== undefined) return this.#view.baseStat(this.#view.baseLstat(p));
    return this.#view.statOf(this.#view.resolve(path, false), path);
  }

  readlink(path: string): string {
    const found = this.#view.resolve(path, false);
    if (found.node?.kind === "symlink") return found.node.target;
    if (found.base?.kind === "symlink") return this.#view.baseReadlink(found.path);
    if (kindOf(found) === undefined) throw new FsError("ENOENT", path);
    throw new FsError("EINVAL", path, "not a symlink");
  }

  // ---- changes -------------------------------------------------------------

  mkdir(path: string): void {
    const found = this.#view.resolve(path, false);
    if (kindOf(found) !== undefined) throw new FsError("EEXIST", path);
    this.#view.ensureDir(parentPath(found.path));
    this.#layer.attach(found.path, new CowNode("dir", this.#layer.nextIno()), true);
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
    this.#view.ensureDir(parentPath(found.path));
    const node = new CowNode("symlink", this.#layer.nextIno());
    node.target = target;
    this.#layer.attach(found.path, node, true);
  }

  remove(path: string): void {
    const found = this.#view.resolve(path, false);
    const kind = kindOf(found);
    if (kind === undefined) throw new FsError("ENOENT", path);
    if (found.path === "/") throw new FsError("EBUSY", path, "cannot remove the root");
    if (kind === "dir" && this.#view.list(found).length > 0) throw new FsError("ENOTEMPTY", path);
    const onBase = this.#view.onBase(found);
    this.#view.ensureDir(parentPath(found.path));
    this.#view.drop(found.path, onBase, kind === "dir");
    this.#layer.touchParent(found.path);
  }

  rename(from: string, to: string): void {
    const src = this.#view.resolve(from, false);
    const dst = this.#view.resolve(to, false);
    const kind = kindOf(src);
    if (kind === undefined) throw new FsError("ENOENT", from);
    if (src.path === "/" || dst.path === "/") {
      throw new FsError("EBUSY", from, "cannot rename the root");
    }
    if (src.path === dst.path) return;
    if (kind === "dir" && isWithin(dst.path, src.path)) {
      throw new FsError("EINVAL", to, `cannot move ${from} inside itself`);
    }
    const dstKind = kindOf(dst);
    if (dstKind !== undefined) {
      if (kind === "dir") {
        if (dstKind !== "dir") throw new FsError("ENOTDIR", to);
        if (this.#view.list(dst).length > 0) throw new FsError("ENOTEMPTY", to);
      } else if (dstKind === "dir") {
        throw new FsError("EISDIR", to);
      }
    }
    // Everything that reads the base (and so may fail) happens first.
    this.#view.ensureDir(parentPath(src.path));
    this.#view.ensureDir(parentPath(dst.path));
    const srcOnBase = this.#view.onBase(src);
    const dstOnBase = dstKind !== undefined && this.#view.onBase(dst);
    const moved = this.#view.collect(src);
    // From here nothing can fail.
    const layer = this.#layer;
    if (dstKind !== undefined) this.#view.drop(dst.path, dstOnBase, dstKind === "dir");
    this.#view.drop(src.path, srcOnBase, kind === "dir");
    for (const [rel, node] of moved) layer.attach(dst.path + rel, node, false);
    layer.touchParent(src.path);
    layer.touchParent(dst.path);
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    for (const t of [atimeNs, mtimeNs]) {
      if (t !== undefined && typeof t !== "bigint") {
        throw new FsError("EINVAL", String(path), "times must be bigint nanoseconds");
      }
    }
    const found = this.#view.resolve(path, true);
    const kind = kindOf(found);
    if (kind === undefined) throw new FsError("ENOENT", path);
    const node = kind === "dir" ? this.#view.ensureDir(found.path) : this.#view.copyUp(found);
    if (atimeNs !== undefined) node.atimeNs = atimeNs;
    if (mtimeNs !== undefined) node.mtimeNs = mtimeNs;
    this.#layer.dirty = true;
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
    return computeChanges(this.#base, this.#layer).map(({ node: _, ...change }) => change);
  }

  /**
   * Applies every change to the base (deletions deepest first, then
   * additions and modifications parents first), then empties the overlay;
   * returns the changes applied. The base must be writable.
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
    const changes = computeChanges(this.#base, this.#layer);
    applyChanges(this.#base, changes);
    this.#layer.clear(this.#view.rootStat());
    return changes.map(({ node: _, ...change }) => change);
  }

  /**
   * Discards every change: the view is the base again.
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
    this.#layer.clear(this.#view.rootStat());
  }

  describe(): Record<string, unknown> {
    const layer = this.#layer;
    return { base: this.#base.kind, entries: layer.nodes.size - 1, whiteouts: layer.hidden.size };
  }

  // ---- internals -----------------------------------------------------------

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
    return layer.plain.has(p) ? p : undefined;
  }

  #openSlow(path: string, f: ResolvedOpenFlags): FileHandle {
    const found = this.#view.resolve(path, !(f.create && f.exclusive));
    const kind = kindOf(found);
    if (kind !== undefined) {
      if (f.create && f.exclusive) throw new FsError("EEXIST", path);
      if (kind === "dir") throw new FsError("EISDIR", path);
      if (f.directory) throw new FsError("ENOTDIR", path);
      if (f.write) {
        const node = this.#view.copyUp(found);
        if (f.truncate && node.data!.size > 0) {
          node.data!.truncate(0);
          node.mtimeNs = nowNs();
        }
        return this.#view.nodeHandle(found.path, node, f);
      }
      if (found.node !== undefined) return this.#view.nodeHandle(found.path, found.node, f);
      if (found.plain) this.#layer.addPlain(found.path);
      const inner = this.#base.open(found.path, { read: f.read, nonBlocking: f.nonBlocking });
      return new PassHandle(this.#host, inner, f.read);
    }
    if (!f.create) throw new FsError("ENOENT", path);
    if (f.directory) throw new FsError("ENOENT", path, "no such directory");
    this.#view.ensureDir(parentPath(found.path));
    const node = new CowNode("file", this.#layer.nextIno());
    this.#layer.attach(found.path, node, true);
    return this.#view.nodeHandle(found.path, node, f);
  }
}
