// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * The snapshot archive: a plain tar file (written and parsed by `nanotar`)
 * whose first entry is the manifest `oanix-snapshot.json`, followed by one
 * JSON entry per mount and one entry per distinct file content
 * (`blobs/<sha256>`). The manifest lists every other entry with its size
 * and SHA-256, and reading checks all of them before anything is used.
 * See docs/snapshots.md.
 *
 * @module
 */

import { createTar, type ParsedTarFileItem, parseTar } from "npm:nanotar@0.3.0";
import { corrupt, JsonReader } from "./json_reader.ts";
import { sha256Hex } from "./sha256.ts";
import { SnapshotError } from "./snapshot_error.ts";

/**
 * The `format` field of every manifest.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_FORMAT } from "./archive.ts";
 * console.log(SNAPSHOT_FORMAT); // "oanix-snapshot"
 * ```
 */
export const SNAPSHOT_FORMAT = "oanix-snapshot";

/**
 * The format version written, and the only one read.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_VERSION } from "./archive.ts";
 * console.log(SNAPSHOT_VERSION); // 1
 * ```
 */
export const SNAPSHOT_VERSION = 1;

/**
 * The name of the manifest entry, always the first of the archive.
 *
 * @example
 * ```ts
 * import { MANIFEST_NAME } from "./archive.ts";
 * console.log(MANIFEST_NAME); // "oanix-snapshot.json"
 * ```
 */
export const MANIFEST_NAME = "oanix-snapshot.json";

const BLOCK = 512;
const BLOB = /^blobs\/([0-9a-f]{64})$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Collects an archive's entries, then writes the tar file.
 *
 * @example
 * ```ts
 * import { ArchiveWriter, readArchive } from "./archive.ts";
 * const w = new ArchiveWriter();
 * const blob = w.blob(new TextEncoder().encode("hello"));
 * w.json("mounts/0.json", { files: [blob] });
 * const tar = w.finish({ format: "oanix-snapshot", version: 1 }, Date.now());
 * console.log(readArchive(tar).json("mounts/0.json")); // { files: ["blobs/2cf24dba..."] }
 * ```
 */
export class ArchiveWriter {
  #entries = new Map<string, Uint8Array>();

  /**
   * Adds file content, once per distinct content; returns its entry name.
   * The bytes are read when `finish` is called and must not change before.
   */
  blob(bytes: Uint8Array): string {
    const name = `blobs/${sha256Hex(bytes)}`;
    if (!this.#entries.has(name)) this.#entries.set(name, bytes);
    return name;
  }

  /** Adds a JSON entry (pretty-printed, for people who look inside). */
  json(name: string, value: unknown): void {
    if (this.#entries.has(name) || name === MANIFEST_NAME) {
      throw new Error(`ArchiveWriter: entry ${name} was already added`);
    }
    this.#entries.set(name, encoder.encode(JSON.stringify(value, null, 2) + "\n"));
  }

  /**
   * The tar file: `manifest` (to which the list of entries with their sizes
   * and checksums is added) first, then every entry in the order added.
   * Every entry is stamped with `mtimeMs`.
   */
  finish(manifest: Record<string, unknown>, mtimeMs: number): Uint8Array {
    const entries: Record<string, { size: number; sha256: string }> = {};
    for (const [name, bytes] of this.#entries) {
      entries[name] = { size: bytes.length, sha256: sha256Hex(bytes) };
    }
    const attrs = { mtime: mtimeMs, uid: 0, gid: 0, mode: "644" };
    const files: Array<{ name: string; data: Uint8Array; attrs: typeof attrs }> = [{
      name: MANIFEST_NAME,
      data: encoder.encode(JSON.stringify({ ...manifest, entries }, null, 2) + "\n"),
      attrs,
    }];
    for (const [name, data] of this.#entries) files.push({ name, data, attrs });
    return withEndMarker(createTar(files));
  }
}

/**
 * nanotar pads the archive to a multiple of 10 KiB with zeros, which is
 * the end-of-archive marker (two zero blocks), except when the entries
 * fill the last 10 KiB exactly: then one more record of zeros is added.
 */
function withEndMarker(tar: Uint8Array): Uint8Array {
  if (tar.length >= 2 * BLOCK && isZero(tar.subarray(tar.length - 2 * BLOCK))) return tar;
  const out = new Uint8Array(tar.length + 20 * BLOCK);
  out.set(tar);
  return out;
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * A read and fully checked archive: its manifest (format and version
 * checked, the list of entries read) and its entries.
 *
 * @example
 * ```ts
 * import { ArchiveWriter, readArchive } from "./archive.ts";
 * const w = new ArchiveWriter();
 * w.json("mounts/0.json", []);
 * const archive = readArchive(w.finish({ format: "oanix-snapshot", version: 1 }, 0));
 * console.log(archive.names()); // ["mounts/0.json"]
 * ```
 */
export class SnapshotArchive {
  /** The manifest, to read its other fields from (`done()` refuses unknown ones). */
  readonly manifest: JsonReader;
  #entries: Map<string, Uint8Array>;
  #used = new Set<string>();

  /** Use {@linkcode readArchive}. */
  constructor(manifest: JsonReader, entries: Map<string, Uint8Array>) {
    this.manifest = manifest;
    this.#entries = entries;
  }

  /** The names of the entries besides the manifest, in archive order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * The bytes of entry `name` (checked against the manifest already).
   *
   * @throws {SnapshotError} `corrupt`, naming `where`, when there is no such entry.
   */
  bytes(name: string, where: string): Uint8Array {
    const bytes = this.#entries.get(name);
    if (bytes === undefined) {
      throw corrupt(where, `refers to ${name}, which the archive does not hold`);
    }
    this.#used.add(name);
    return bytes;
  }

  /**
   * File content stored as blob `name`, which must hold `size` bytes.
   *
   * @throws {SnapshotError} `corrupt` when it is not a blob, is missing or has another size.
   */
  blob(name: string, size: number, where: string): Uint8Array {
    if (!BLOB.test(name)) throw corrupt(where, `"${name}" is not a content entry`);
    const bytes = this.bytes(name, where);
    if (bytes.length !== size) {
      throw corrupt(where, `says ${size} bytes, but ${name} holds ${bytes.length}`);
    }
    return bytes;
  }

  /**
   * JSON entry `name`, parsed.
   *
   * @throws {SnapshotError} `corrupt` when it is missing or not JSON.
   */
  json(name: string, where = name): unknown {
    const bytes = this.bytes(name, where);
    try {
      return JSON.parse(decoder.decode(bytes));
    } catch (e) {
      throw corrupt(name, `not JSON (${(e as Error).message})`);
    }
  }

  /**
   * Refuses an archive with entries nothing refers to.
   *
   * @throws {SnapshotError} `corrupt` naming the first one.
   */
  checkAllUsed(): void {
    for (const name of this.#entries.keys()) {
      if (!this.#used.has(name)) throw corrupt(name, "nothing in the snapshot refers to it");
    }
  }
}

/**
 * Reads an archive and checks it whole: a complete tar file, the manifest
 * first, the format and version, and every other entry listed in the
 * manifest with its exact size and SHA-256 (and nothing else there).
 *
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @throws {SnapshotError} `truncated`, `corrupt` or `unsupported-version`.
 *
 * @example
 * ```ts
 * import { readArchive } from "./archive.ts";
 * try {
 *   readArchive(new Uint8Array(100));
 * } catch (e) {
 *   console.log((e as Error).message); // "snapshot truncated: 100 bytes is not a whole number of 512-byte tar blocks"
 * }
 * ```
 */
export function readArchive(bytes: Uint8Array): SnapshotArchive {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `readArchive: expected the archive's bytes (a Uint8Array), got ${typeof bytes}`,
    );
  }
  if (bytes.length === 0) throw new SnapshotError("truncated", "the archive is empty");
  if (bytes.length % BLOCK !== 0) {
    throw new SnapshotError(
      "truncated",
      `${bytes.length} bytes is not a whole number of ${BLOCK}-byte tar blocks`,
    );
  }
  if (bytes.length < 2 * BLOCK || !isZero(bytes.subarray(bytes.length - 2 * BLOCK))) {
    throw new SnapshotError("truncated", "the archive has no end-of-archive marker");
  }
  // nanotar reads `bytes.buffer` whole: give it a buffer that is exactly the archive.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
  let items: ParsedTarFileItem[];
  try {
    items = parseTar(own) as ParsedTarFileItem[];
  } catch (e) {
    if (e instanceof RangeError) {
      throw new SnapshotError("truncated", "an entry runs past the end of the archive");
    }
    throw corrupt("archive", `not a tar file (${(e as Error).message})`);
  }
  const [first, ...rest] = items;
  if (first === undefined || first.name !== MANIFEST_NAME || first.type !== "file") {
    throw corrupt(
      "archive",
      `not an OANIX snapshot: its first entry is ${
        first === undefined ? "missing" : JSON.stringify(first.name)
      }, not ${MANIFEST_NAME}`,
    );
  }
  const manifest = readManifest(first.data ?? new Uint8Array());
  const listed = readEntryList(manifest);
  const entries = new Map<string, Uint8Array>();
  for (const item of rest) {
    const where = `entry ${JSON.stringify(item.name)}`;
    if (item.type !== "file") throw corrupt(where, `is a ${item.type}, not a file`);
    if (entries.has(item.name)) throw corrupt(where, "appears twice");
    const expected = listed.get(item.name);
    if (expected === undefined) throw corrupt(where, "is not listed in the manifest");
    const data = item.data ?? new Uint8Array();
    if (data.length !== expected.size) {
      throw corrupt(where, `holds ${data.length} bytes, the manifest says ${expected.size}`);
    }
    const sum = sha256Hex(data);
    if (sum !== expected.sha256) throw corrupt(where, "does not match its SHA-256 in the manifest");
    const blob = BLOB.exec(item.name);
    if (blob !== null && blob[1] !== sum) throw corrupt(where, "is not named by its SHA-256");
    entries.set(item.name, data);
  }
  for (const name of listed.keys()) {
    if (!entries.has(name)) {
      throw new SnapshotError("truncated", `entry ${name}, listed in the manifest, is missing`);
    }
  }
  return new SnapshotArchive(manifest, entries);
}

function readManifest(bytes: Uint8Array): JsonReader {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw corrupt(MANIFEST_NAME, `not JSON (${(e as Error).message})`);
  }
  const manifest = JsonReader.object(value, MANIFEST_NAME);
  if (manifest.raw("format") !== SNAPSHOT_FORMAT) {
    throw corrupt(MANIFEST_NAME, `"format" is not "${SNAPSHOT_FORMAT}"`);
  }
  const version = manifest.raw("version");
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(
      "unsupported-version",
      `the archive is version ${
        JSON.stringify(version)
      }; this OANIX reads version ${SNAPSHOT_VERSION}`,
    );
  }
  return manifest;
}

function readEntryList(manifest: JsonReader): Map<string, { size: number; sha256: string }> {
  const list = manifest.object("entries");
  const out = new Map<string, { size: number; sha256: string }>();
  const raw = manifest.raw("entries") as Record<string, unknown>;
  for (const name of Object.keys(raw)) {
    const entry = list.object(name);
    const size = entry.integer("size");
    const sha256 = entry.string("sha256");
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw corrupt(entry.where, "sha256 is not 64 hex digits");
    entry.done();
    out.set(name, { size, sha256 });
  }
  list.done();
  return out;
}
