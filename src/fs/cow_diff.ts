/**
 * What a {@linkcode CowFs} changed, and how its changes are applied to the
 * base. Internal to CowFs; the types are public.
 *
 * @module
 */

import type { CowLayer, CowNode } from "./cow_layer.ts";
import { FsError } from "./errors.ts";
import { writeFile } from "./file_io.ts";
import { joinPath } from "./path.ts";
import type { FileKind, FileService, Stat } from "./types.ts";
import { walk } from "./walk.ts";

/**
 * How a path changed, compared with the base.
 *
 * @example
 * ```ts
 * import type { CowChangeType } from "@oanix/oanix";
 * const c: CowChangeType = "modified";
 * ```
 */
export type CowChangeType = "added" | "modified" | "deleted";

/**
 * One change listed by `CowFs.diff()`.
 *
 * - `added`: the path is new (`size` for a file or symlink).
 * - `modified`: a file whose bytes differ from the base's, or a symlink
 *   whose target does (`size` and `baseSize`). Directories are never
 *   "modified": their changes are the entries listed below them.
 * - `deleted`: the base's entry is gone (`baseSize` for a file or symlink).
 *   A deleted directory is listed, and so is every entry that was below it.
 *
 * A path whose kind changed (a file replaced by a directory, say) is listed
 * twice: `deleted` with the old kind, then `added` with the new one.
 *
 * @example
 * ```ts
 * import type { CowChange } from "@oanix/oanix";
 * const c: CowChange = { path: "/src/main.ts", change: "modified", kind: "file", size: 120, baseSize: 98 };
 * ```
 */
export interface CowChange {
  /** The normalised path. */
  path: string;
  /** How it changed. */
  change: CowChangeType;
  /** What the path is now (for `deleted`: what it was). */
  kind: FileKind;
  /** Size in the overlay, for an added or modified file or symlink. */
  size?: number;
  /** Size in the base, for a modified or deleted file or symlink. */
  baseSize?: number;
}

/**
 * A change with the node that holds its new content.
 *
 * @example
 * ```ts
 * import type { PendingChange } from "./cow_diff.ts";
 * const c: PendingChange = { path: "/gone", change: "deleted", kind: "file", baseSize: 1 };
 * ```
 */
export interface PendingChange extends CowChange {
  /** The overlay's node, for added and modified entries. */
  node?: CowNode;
}

interface Ctx {
  base: FileService;
  layer: CowLayer;
  out: PendingChange[];
}

const NO_KIDS: ReadonlyMap<string, FileKind> = new Map();
const READ = Object.freeze({ read: true });

function lstatBase(base: FileService, path: string): Stat {
  return base.lstat ? base.lstat(path) : base.stat(path);
}

/**
 * Compares the layer with the base and lists every change, sorted by path
 * (a `deleted` before an `added` at the same path). Content is compared
 * byte for byte, so a file written back to its original bytes is no change.
 *
 * @example
 * ```ts
 * import { CowLayer } from "./cow_layer.ts";
 * import { computeChanges } from "./cow_diff.ts";
 * import { MemFs } from "@oanix/oanix";
 * console.log(computeChanges(new MemFs(), new CowLayer(undefined))); // []
 * ```
 */
export function computeChanges(base: FileService, layer: CowLayer): PendingChange[] {
  const ctx: Ctx = { base, layer, out: [] };
  if (!layer.dirty) return ctx.out;
  visitDir(ctx, "/", layer.nodes.get("/")!, true, false);
  return ctx.out.sort(byPath);
}

function byPath(a: CowChange, b: CowChange): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.change === b.change ? 0 : a.change === "deleted" ? -1 : 1;
}

/** The base's entries of a directory, by name. */
function kidsOf(base: FileService, path: string): Map<string, FileKind> {
  const out = new Map<string, FileKind>();
  for (const e of base.readdir(path)) out.set(e.name, e.kind);
  return out;
}

function visitDir(
  ctx: Ctx,
  path: string,
  node: CowNode,
  baseIsDir: boolean,
  hiddenHere: boolean,
): void {
  // A directory node over the base's keeps the base's names once it has looked them up.
  const kids = !baseIsDir
    ? NO_KIDS
    : node.baseDir && node.baseKinds !== undefined
    ? node.baseKinds
    : kidsOf(ctx.base, path);
  const whiteouts = node.whiteouts;
  const at = path === "/" ? 1 : path.length + 1;
  for (const [childPath, child] of node.children!) {
    const name = childPath.slice(at);
    const hidden = hiddenHere || (whiteouts !== undefined && whiteouts.has(name));
    compare(ctx, childPath, child, kids.get(name), hidden);
  }
  if (!hiddenHere && whiteouts === undefined) return;
  for (const [name, kind] of kids) {
    if (node.children!.has(joinPath(path, name))) continue;
    if (hiddenHere || whiteouts!.has(name)) deleted(ctx, joinPath(path, name), kind);
  }
}

function compare(
  ctx: Ctx,
  path: string,
  node: CowNode,
  baseKind: FileKind | undefined,
  hidden: boolean,
): void {
  if (node.kind === "dir") {
    if (baseKind === "dir") return visitDir(ctx, path, node, true, hidden);
    if (baseKind !== undefined) deleted(ctx, path, baseKind);
    ctx.out.push({ path, change: "added", kind: "dir", node });
    return visitDir(ctx, path, node, false, hidden);
  }
  const size = node.kind === "file" ? node.data!.size : node.target.length;
  if (baseKind === node.kind) {
    const st = lstatBase(ctx.base, path);
    if (!sameContent(ctx.base, path, st, node)) {
      ctx.out.push({ path, change: "modified", kind: node.kind, size, baseSize: st.size, node });
    }
    return;
  }
  if (baseKind !== undefined) deleted(ctx, path, baseKind);
  ctx.out.push({ path, change: "added", kind: node.kind, size, node });
}

/** Where the base's bytes are read to be compared (all calls are synchronous). */
const scratch = new Uint8Array(64 * 1024);

function sameContent(base: FileService, path: string, st: Stat, node: CowNode): boolean {
  if (node.kind === "symlink") {
    if (base.readlink === undefined) return false;
    return base.readlink(path) === node.target;
  }
  const mine = node.data!.view();
  if (st.size !== mine.length) return false;
  // Read through a handle into one reused array: no copy of the base file is made.
  const h = base.open(path, READ);
  try {
    let at = 0;
    for (;;) {
      const n = h.read(scratch);
      if (n === 0) return at === mine.length;
      if (at + n > mine.length || !sameBytes(scratch.subarray(0, n), mine.subarray(at, at + n))) {
        return false;
      }
      at += n;
    }
  } finally {
    h.close();
  }
}

/** Lists the base's entry at `path` as deleted, and everything below it. */
function deleted(ctx: Ctx, path: string, kind: FileKind): void {
  if (kind !== "dir") {
    const baseSize = lstatBase(ctx.base, path).size;
    ctx.out.push({ path, change: "deleted", kind, baseSize });
    return;
  }
  ctx.out.push({ path, change: "deleted", kind });
  for (const { path: p, stat } of walk(ctx.base, path)) {
    ctx.out.push(
      stat.kind === "dir"
        ? { path: p, change: "deleted", kind: "dir" }
        : { path: p, change: "deleted", kind: stat.kind, baseSize: stat.size },
    );
  }
}

/**
 * True when two byte arrays hold the same bytes.
 *
 * @example
 * ```ts
 * import { sameBytes } from "./cow_diff.ts";
 * console.log(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))); // true
 * ```
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 && n >= 64) {
    const words = n >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Applies `changes` (as listed by {@linkcode computeChanges}) to `base`:
 * first every deletion, deepest first, then every addition and
 * modification, parents first. Written files get the overlay's times when
 * the base can set times. The first refusal is thrown as is; what was
 * applied before it stays applied.
 *
 * @throws {FsError} ENOTSUP, before anything is applied, when a symlink
 * must be made and the base cannot make symlinks; otherwise the base's error.
 *
 * @example
 * ```ts
 * import { applyChanges } from "./cow_diff.ts";
 * import { MemFs } from "@oanix/oanix";
 * applyChanges(new MemFs(), []);
 * ```
 */
export function applyChanges(base: FileService, changes: readonly PendingChange[]): void {
  for (const c of changes) {
    if (c.kind === "symlink" && c.change !== "deleted" && base.symlink === undefined) {
      throw new FsError("ENOTSUP", c.path, `the base (${base.kind}) cannot make symlinks`);
    }
  }
  for (let i = changes.length - 1; i >= 0; i--) {
    if (changes[i].change === "deleted") base.remove(changes[i].path);
  }
  // A node written at one path and listed again at another is a hard link.
  const written = new Map<CowNode, string>();
  for (const c of changes) {
    if (c.change === "deleted") continue;
    const node = c.node!;
    const first = written.get(node);
    if (node.kind === "dir") {
      base.mkdir(c.path);
    } else if (first !== undefined && base.link !== undefined) {
      if (c.change === "modified") base.remove(c.path);
      base.link(first, c.path);
    } else if (node.kind === "symlink") {
      if (c.change === "modified") base.remove(c.path);
      base.symlink!(node.target, c.path);
      written.set(node, c.path);
    } else {
      writeFile(base, c.path, node.data!.view());
      base.setTimes?.(c.path, node.atimeNs, node.mtimeNs);
      written.set(node, c.path);
    }
  }
}
