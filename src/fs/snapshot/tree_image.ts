/**
 * A whole tree in an archive (a MemFs or a MapFs): one record per entry,
 * parents first, with each file's content as a blob.
 *
 * @module
 */

import { readFile } from "../file_io.ts";
import { MapFs } from "../map_fs.ts";
import { MemFs } from "../mem_fs.ts";
import { normalizePath, parentPath } from "../path.ts";
import { msToNs } from "../time.ts";
import type { FileKind, FileService, QuotaOptions, Stat } from "../types.ts";
import { walk } from "../walk.ts";
import type { ArchiveWriter, SnapshotArchive } from "./archive.ts";
import { corrupt, JsonReader } from "./json_reader.ts";

/**
 * One entry as the archive records it. A file's content is a blob, unless
 * `linkOf` names an earlier record of the same file (a hard link); times
 * are nanoseconds as strings of digits.
 *
 * @example
 * ```ts
 * import type { EntryRecord } from "./tree_image.ts";
 * const r: EntryRecord = { path: "/a", kind: "file", size: 2, blob: "blobs/…", mtimeNs: "0", atimeNs: "0" };
 * ```
 */
export interface EntryRecord {
  /** The entry's path. */
  path: string;
  /** What it is. */
  kind: FileKind;
  /** A file's size. */
  size?: number;
  /** A file's content entry. */
  blob?: string;
  /** For a second name of a file or symlink: the path it was first recorded at. */
  linkOf?: string;
  /** A symlink's target. */
  target?: string;
  /** Modification time, ns. */
  mtimeNs: string;
  /** Access time, ns. */
  atimeNs: string;
}

/**
 * A checked entry, ready to build: its content and times decoded.
 *
 * @example
 * ```ts
 * import type { CheckedEntry } from "./tree_image.ts";
 * const dir: CheckedEntry = { path: "/", kind: "dir", mtimeNs: 0n, atimeNs: 0n };
 * ```
 */
export interface CheckedEntry {
  /** The entry's path (normalised). */
  path: string;
  /** What it is. */
  kind: FileKind;
  /** A file's bytes. */
  data?: Uint8Array;
  /** The path of the earlier entry this one is a second name of. */
  linkOf?: string;
  /** A symlink's target. */
  target?: string;
  /** Modification time, ns. */
  mtimeNs: bigint;
  /** Access time, ns. */
  atimeNs: bigint;
}

/**
 * The times of a stat as record fields.
 *
 * @example
 * ```ts
 * import { timesOf } from "./tree_image.ts";
 * console.log(timesOf({ kind: "dir", size: 0, mtime: 1, readOnly: false })); // { mtimeNs: "1000000", atimeNs: "1000000" }
 * ```
 */
export function timesOf(st: Stat): { mtimeNs: string; atimeNs: string } {
  const m = st.mtimeNs ?? msToNs(st.mtime);
  return { mtimeNs: String(m), atimeNs: String(st.atimeNs ?? m) };
}

/**
 * Records every entry of `svc` (its root first), adding file contents to
 * `out`. Names of one file (same inode number, more than one link) after
 * the first are recorded as links to it.
 *
 * @example
 * ```ts
 * import { ArchiveWriter } from "./archive.ts";
 * import { captureTree } from "./tree_image.ts";
 * import { MapFs } from "../map_fs.ts";
 * const records = captureTree(MapFs.fromObject({ "/a.txt": "A" }), new ArchiveWriter());
 * console.log(records.map((r) => r.path)); // ["/", "/a.txt"]
 * ```
 */
export function captureTree(svc: FileService, out: ArchiveWriter): EntryRecord[] {
  const records: EntryRecord[] = [];
  const firstName = new Map<number, string>();
  for (const { path, stat } of walk(svc, "/", { includeRoot: true })) {
    const times = timesOf(stat);
    if (stat.kind !== "dir" && stat.ino !== undefined && (stat.nlink ?? 1) > 1) {
      const first = firstName.get(stat.ino);
      if (first !== undefined) {
        records.push({ path, kind: stat.kind, linkOf: first, ...times });
        continue;
      }
      firstName.set(stat.ino, path);
    }
    if (stat.kind === "dir") records.push({ path, kind: "dir", ...times });
    else if (stat.kind === "symlink") {
      records.push({ path, kind: "symlink", target: svc.readlink!(path), ...times });
    } else {
      const data = readFile(svc, path);
      records.push({ path, kind: "file", size: data.length, blob: out.blob(data), ...times });
    }
  }
  return records;
}

/**
 * Checks recorded entries: paths normal and unique, the root first, every
 * parent recorded before as a directory, contents present with their
 * sizes, links to earlier entries of the same kind.
 *
 * @throws {SnapshotError} `corrupt`, naming the record.
 *
 * @example
 * ```ts
 * import { checkEntries } from "./tree_image.ts";
 * import { ArchiveWriter, readArchive } from "./archive.ts";
 * const archive = readArchive(new ArchiveWriter().finish({ format: "oanix-snapshot", version: 1 }, 0));
 * const entries = checkEntries([{ path: "/", kind: "dir", mtimeNs: "0", atimeNs: "0" }], archive, "tree");
 * console.log(entries.length); // 1
 * ```
 */
export function checkEntries(
  records: unknown[],
  archive: SnapshotArchive,
  where: string,
): CheckedEntry[] {
  const kinds = new Map<string, FileKind>();
  return records.map((raw, i) => {
    const entry = checkEntry(raw, archive, `${where} entry ${i}`);
    if (i === 0 ? entry.path !== "/" || entry.kind !== "dir" : entry.path === "/") {
      throw corrupt(`${where} entry ${i}`, "the root must come first, once, as a directory");
    }
    if (kinds.has(entry.path)) throw corrupt(`${where} entry ${i}`, `${entry.path} appears twice`);
    if (i > 0 && kinds.get(parentPath(entry.path)) !== "dir") {
      throw corrupt(`${where} entry ${i}`, `${entry.path} comes before its directory`);
    }
    if (entry.linkOf !== undefined && kinds.get(entry.linkOf) !== entry.kind) {
      throw corrupt(`${where} entry ${i}`, `links to ${entry.linkOf}, no earlier ${entry.kind}`);
    }
    kinds.set(entry.path, entry.kind);
    return entry;
  });
}

function checkEntry(raw: unknown, archive: SnapshotArchive, where: string): CheckedEntry {
  const r = JsonReader.object(raw, where);
  const path = checkPath(r.string("path"), where);
  const kind = r.oneOf("kind", ["file", "dir", "symlink"] as const);
  const entry: CheckedEntry = {
    path,
    kind,
    mtimeNs: r.nanoseconds("mtimeNs"),
    atimeNs: r.nanoseconds("atimeNs"),
  };
  if (r.has("linkOf")) {
    if (kind === "dir") throw corrupt(where, "a directory cannot be a link");
    entry.linkOf = checkPath(r.string("linkOf"), where);
  } else if (kind === "file") {
    entry.data = archive.blob(r.string("blob"), r.integer("size"), where);
  } else if (kind === "symlink") {
    const target = r.string("target");
    if (target === "" || target.includes("\0")) throw corrupt(where, "bad symlink target");
    entry.target = target;
  }
  r.done();
  return entry;
}

/**
 * `path` when it is a normalised absolute path.
 *
 * @throws {SnapshotError} `corrupt` otherwise.
 *
 * @example
 * ```ts
 * import { checkPath } from "./tree_image.ts";
 * console.log(checkPath("/a/b", "here")); // "/a/b"
 * ```
 */
export function checkPath(path: string, where: string): string {
  let normal: string;
  try {
    normal = normalizePath(path);
  } catch {
    normal = "";
  }
  if (normal !== path) throw corrupt(where, `${JSON.stringify(path)} is not a normalised path`);
  return path;
}

/**
 * The bytes and entries `entries` take, as a MemFs counts them.
 *
 * @example
 * ```ts
 * import { sizeOf } from "./tree_image.ts";
 * console.log(sizeOf([{ path: "/", kind: "dir", mtimeNs: 0n, atimeNs: 0n }])); // { bytes: 0, files: 0 }
 * ```
 */
export function sizeOf(entries: readonly CheckedEntry[]): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (e.path === "/" || e.linkOf !== undefined) continue;
    files++;
    bytes += e.data?.length ?? 0;
  }
  return { bytes, files };
}

/**
 * Throws `corrupt` when `entries` do not fit `limits`.
 *
 * @example
 * ```ts
 * import { checkFits } from "./tree_image.ts";
 * checkFits({ bytes: 10, files: 1 }, { maxBytes: 100 }, "mounts/0.json");
 * ```
 */
export function checkFits(
  size: { bytes: number; files: number },
  limits: QuotaOptions | undefined,
  where: string,
): void {
  if (limits?.maxBytes !== undefined && size.bytes > limits.maxBytes) {
    throw corrupt(where, `holds ${size.bytes} bytes, more than its limit of ${limits.maxBytes}`);
  }
  if (limits?.maxFiles !== undefined && size.files > limits.maxFiles) {
    throw corrupt(where, `holds ${size.files} entries, more than its limit of ${limits.maxFiles}`);
  }
}

/**
 * A MemFs holding `entries` (checked), with their times, under `limits`.
 *
 * @example
 * ```ts
 * import { buildMemFs } from "./tree_image.ts";
 * const fs = buildMemFs([{ path: "/", kind: "dir", mtimeNs: 5n, atimeNs: 5n }], undefined);
 * console.log(fs.stat("/").mtimeNs); // 5n
 * ```
 */
export function buildMemFs(
  entries: readonly CheckedEntry[],
  limits: QuotaOptions | undefined,
): MemFs {
  const fs = new MemFs(limits);
  for (const e of entries) {
    if (e.path === "/") continue;
    if (e.linkOf !== undefined) fs.link(e.linkOf, e.path);
    else if (e.kind === "dir") fs.mkdir(e.path);
    else if (e.kind === "symlink") fs.symlink(e.target!, e.path);
    else fs.writeFile(e.path, e.data!);
  }
  // Children first: making a child stamps its directory.
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.linkOf === undefined) fs.lsetTimes(e.path, e.atimeNs, e.mtimeNs);
  }
  return fs;
}

/**
 * A MapFs holding `entries` (checked, without hard links: a MapFs has
 * none; it keeps no times of its own either).
 *
 * @example
 * ```ts
 * import { buildMapFs } from "./tree_image.ts";
 * console.log(buildMapFs([{ path: "/", kind: "dir", mtimeNs: 0n, atimeNs: 0n }]).readdir("/")); // []
 * ```
 */
export function buildMapFs(entries: readonly CheckedEntry[]): MapFs {
  const b = MapFs.builder();
  for (const e of entries) {
    if (e.path === "/") continue;
    if (e.kind === "dir") b.dir(e.path);
    else if (e.kind === "symlink") b.symlink(e.target!, e.path);
    else b.file(e.path, e.data!);
  }
  return b.build();
}
