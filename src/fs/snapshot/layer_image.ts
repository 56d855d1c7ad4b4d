/**
 * A CowFs's changes in an archive: the nodes of its overlay (one layer
 * over the base), each directory saying whether it merges the base's
 * directory, with its whiteouts. Restoring checks every record against the
 * base it goes onto before a layer is built.
 *
 * @module
 */

import { type CowFs, cowWithLayer } from "../cow_fs.ts";
import { CowLayer, type CowNode } from "../cow_layer.ts";
import { DiskQuota } from "../disk_quota.ts";
import { FsError } from "../errors.ts";
import { baseName, joinPath, parentPath } from "../path.ts";
import type { FileService, QuotaOptions, Stat } from "../types.ts";
import type { ArchiveWriter, SnapshotArchive } from "./archive.ts";
import { corrupt, JsonReader } from "./json_reader.ts";
import { type CheckedEntry, checkEntries, checkFits, type EntryRecord } from "./tree_image.ts";

/**
 * One node of an overlay as the archive records it: an {@linkcode EntryRecord},
 * plus for a directory whether it merges the base's (`merge`) and the base
 * names it hides (`whiteouts`).
 *
 * @example
 * ```ts
 * import type { LayerRecord } from "./layer_image.ts";
 * const root: LayerRecord = { path: "/", kind: "dir", merge: true, whiteouts: ["old.txt"], mtimeNs: "0", atimeNs: "0" };
 * ```
 */
export interface LayerRecord extends EntryRecord {
  /** A directory standing over the base's directory, whose entries show through. */
  merge?: boolean;
  /** Names of the base's entries hidden in this directory. */
  whiteouts?: string[];
}

/**
 * A checked node, with what the base has at its path when the base shows there.
 *
 * @example
 * ```ts
 * import type { CheckedNode } from "./layer_image.ts";
 * const n: CheckedNode = { path: "/", kind: "dir", merge: true, whiteouts: [], base: undefined, mtimeNs: 0n, atimeNs: 0n };
 * ```
 */
export interface CheckedNode extends CheckedEntry {
  /** For a directory: it merges the base's. */
  merge: boolean;
  /** For a directory: the base names it hides. */
  whiteouts: string[];
  /** The base's entry at the path, when the overlay shows the base there. */
  base: Stat | undefined;
}

/**
 * Records the nodes of `layer` (one over the base), parents first and
 * siblings by name, adding file contents to `out`.
 *
 * @example
 * ```ts
 * import { ArchiveWriter } from "./archive.ts";
 * import { captureLayer } from "./layer_image.ts";
 * import { CowLayer } from "../cow_layer.ts";
 * console.log(captureLayer(new CowLayer(undefined), new ArchiveWriter()).length); // 1
 * ```
 */
export function captureLayer(layer: CowLayer, out: ArchiveWriter): LayerRecord[] {
  const records: LayerRecord[] = [];
  const firstName = new Map<CowNode, string>();
  const visit = (path: string, node: CowNode) => {
    const times = { mtimeNs: String(node.mtimeNs), atimeNs: String(node.atimeNs) };
    const first = firstName.get(node);
    if (first !== undefined) {
      records.push({ path, kind: node.kind, linkOf: first, ...times });
      return;
    }
    firstName.set(node, path);
    if (node.kind === "file") {
      const data = node.data!.view();
      records.push({ path, kind: "file", size: data.length, blob: out.blob(data), ...times });
    } else if (node.kind === "symlink") {
      records.push({ path, kind: "symlink", target: node.target, ...times });
    } else {
      const record: LayerRecord = { path, kind: "dir", merge: node.baseDir, ...times };
      if (node.whiteouts !== undefined && node.whiteouts.size > 0) {
        record.whiteouts = [...node.whiteouts].sort();
      }
      records.push(record);
      // Children are keyed by path; paths in one directory sort as their names do.
      for (const childPath of [...node.children!.keys()].sort()) {
        visit(childPath, node.children!.get(childPath)!);
      }
    }
  };
  visit("/", layer.nodes.get("/")!);
  return records;
}

/**
 * Checks recorded nodes as entries (see {@linkcode checkEntries}), then
 * against `base`: a merging directory stands over a directory of the base,
 * a directory that does not merge stands where the base shows nothing, a
 * file or symlink where the base shows nothing or the same kind, and only
 * merging directories hide names.
 *
 * @throws {SnapshotError} `corrupt`, naming the record.
 *
 * @example
 * ```ts
 * import { ArchiveWriter, readArchive } from "./archive.ts";
 * import { checkLayer } from "./layer_image.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const archive = readArchive(new ArchiveWriter().finish({ format: "oanix-snapshot", version: 1 }, 0));
 * const root = { path: "/", kind: "dir", merge: true, mtimeNs: "0", atimeNs: "0" };
 * console.log(checkLayer([root], archive, new MemFs(), "layer").length); // 1
 * ```
 */
export function checkLayer(
  records: unknown[],
  archive: SnapshotArchive,
  base: FileService,
  where: string,
): CheckedNode[] {
  // The directory fields first, then the rest as plain entries.
  const dirs = records.map((raw, i) => {
    const r = JsonReader.object(raw, `${where} entry ${i}`);
    const merge = r.has("merge") ? r.boolean("merge") : undefined;
    const whiteouts = r.has("whiteouts") ? r.array("whiteouts") : [];
    return { merge, whiteouts, where: r.where };
  });
  const plain = records.map((raw) => {
    const { merge: _m, whiteouts: _w, ...rest } = raw as Record<string, unknown>;
    return rest;
  });
  const entries = checkEntries(plain, archive, where);
  const byPath = new Map<string, CheckedNode>();
  return entries.map((entry, i) => {
    const { merge, whiteouts, where: at } = dirs[i];
    if ((entry.kind === "dir" && entry.linkOf === undefined) !== (merge !== undefined)) {
      throw corrupt(at, `"merge" belongs to directories, and every directory has it`);
    }
    if (whiteouts.length > 0 && merge !== true) {
      throw corrupt(at, "only a directory that merges the base's can hide its names");
    }
    const parent = byPath.get(parentPath(entry.path));
    const name = baseName(entry.path);
    const shown = entry.path === "/" ||
      (parent !== undefined && parent.merge && !parent.whiteouts.includes(name));
    const node: CheckedNode = {
      ...entry,
      merge: merge === true,
      whiteouts: whiteouts.map((w) => checkName(w, at)),
      base: shown ? lstatOrNone(base, entry.path) : undefined,
    };
    if (entry.path === "/" && !node.merge) throw corrupt(at, "the root must merge the base's");
    checkOverBase(node, at);
    if (entry.linkOf === undefined) byPath.set(entry.path, node);
    return node;
  });
}

function checkOverBase(node: CheckedNode, where: string): void {
  const under = node.base?.kind;
  if (node.linkOf !== undefined) return;
  if (node.kind === "dir") {
    if (node.merge && under !== "dir") {
      throw corrupt(where, `${node.path} merges a directory the base does not have`);
    }
    if (!node.merge && under !== undefined) {
      throw corrupt(where, `${node.path} stands over the base's ${under} without hiding it`);
    }
  } else if (under !== undefined && under !== node.kind) {
    throw corrupt(where, `${node.path} stands over the base's ${under} without hiding it`);
  }
}

function checkName(raw: unknown, where: string): string {
  if (typeof raw !== "string" || raw === "" || raw === "." || raw === ".." || /[/\0]/.test(raw)) {
    throw corrupt(where, `bad whiteout name ${JSON.stringify(raw)}`);
  }
  return raw;
}

function lstatOrNone(base: FileService, path: string): Stat | undefined {
  try {
    return base.lstat ? base.lstat(path) : base.stat(path);
  } catch (e) {
    if (e instanceof FsError && (e.code === "ENOENT" || e.code === "ENOTDIR")) return undefined;
    throw e;
  }
}

/**
 * The bytes and entries `nodes` take against a CowFs's limits (merging
 * directories and whiteouts do not count).
 *
 * @example
 * ```ts
 * import { layerSize } from "./layer_image.ts";
 * console.log(layerSize([])); // { bytes: 0, files: 0 }
 * ```
 */
export function layerSize(nodes: readonly CheckedNode[]): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const n of nodes) {
    if (n.linkOf !== undefined || n.merge) continue;
    files++;
    bytes += n.data?.length ?? 0;
  }
  return { bytes, files };
}

/**
 * A CowFs over `base` whose overlay holds `nodes` (checked against that
 * base by {@linkcode checkLayer}, and against `limits`).
 *
 * @example
 * ```ts
 * import { buildCowFs } from "./layer_image.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const root = { path: "/", kind: "dir" as const, merge: true, whiteouts: [], base: undefined, mtimeNs: 0n, atimeNs: 0n };
 * console.log(buildCowFs([root], new MemFs(), undefined).diff()); // []
 * ```
 */
export function buildCowFs(
  nodes: readonly CheckedNode[],
  base: FileService,
  limits: QuotaOptions | undefined,
): CowFs {
  checkFits(layerSize(nodes), limits, "overlay");
  const layer = new CowLayer(DiskQuota.from(limits, "CowFs"));
  layer.clear(base.stat("/"));
  const baseTimes = [layer.nodes.get("/")!.mtimeNs, layer.nodes.get("/")!.atimeNs];
  const made = new Map<string, CowNode>();
  for (const n of nodes) {
    let node: CowNode;
    if (n.path === "/") node = layer.nodes.get("/")!;
    else if (n.linkOf !== undefined) node = made.get(n.linkOf)!;
    else {
      node = layer.newNode(n.kind, n.base?.kind === n.kind ? n.base : undefined);
      node.baseDir = n.merge;
      if (n.data !== undefined) node.data!.replace(n.data, n.path);
      if (n.target !== undefined) node.target = n.target;
    }
    if (n.path !== "/") layer.attach(n.path, node, false, true);
    if (n.linkOf === undefined) made.set(n.path, node);
    for (const w of n.whiteouts) layer.hide(joinPath(n.path, w), true, node, w);
  }
  for (const n of nodes) {
    if (n.linkOf === undefined) made.get(n.path)!.setTimesNs(n.atimeNs, n.mtimeNs);
  }
  // The root's times alone are a change the view must show.
  const root = layer.nodes.get("/")!;
  if (root.mtimeNs !== baseTimes[0] || root.atimeNs !== baseTimes[1]) layer.dirty = true;
  return cowWithLayer(base, layer, limits);
}
