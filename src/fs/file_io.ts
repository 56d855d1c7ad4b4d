/**
 * Whole-file helpers over any {@linkcode FileService}, a namespace included.
 *
 * @module
 */

import { FsError, isFsError } from "./errors.ts";
import type { FileHandle, FileService } from "./types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const READ = Object.freeze({ read: true });
const REPLACE = Object.freeze({ write: true, create: true, truncate: true });
/** Where readAllFromHandle checks for bytes past the size stat gave (copied out at once). */
const probe = new Uint8Array(1);

function checkService(svc: FileService, fn: string): void {
  if (svc === null || typeof svc !== "object" || typeof svc.open !== "function") {
    throw new TypeError(
      `${fn}: expected a FileService or Namespace, got ${svc === null ? "null" : typeof svc}`,
    );
  }
}

/**
 * Reads a whole file.
 *
 * @example
 * ```ts
 * import { MapFs, readFile } from "@oanix/oanix";
 * const fs = MapFs.builder().file("/a", "hi").build();
 * console.log(readFile(fs, "/a").length); // 2
 * ```
 */
export function readFile(svc: FileService, path: string): Uint8Array {
  checkService(svc, "readFile");
  if (svc.readFile !== undefined) return svc.readFile(path);
  return readThroughHandle(svc, path);
}

/**
 * Reads a whole file through `open` and a handle, never the service's own
 * `readFile` (for services that implement `readFile` by forwarding).
 *
 * @example
 * ```ts
 * import { MapFs } from "@oanix/oanix";
 * import { readThroughHandle } from "./file_io.ts";
 * console.log(readThroughHandle(MapFs.fromObject({ "/a": "hi" }), "/a").length); // 2
 * ```
 */
export function readThroughHandle(svc: FileService, path: string): Uint8Array {
  const h = svc.open(path, READ);
  try {
    return readAllFromHandle(h);
  } finally {
    h.close();
  }
}

/**
 * Reads a whole file as UTF-8 text.
 *
 * @example
 * ```ts
 * import { MapFs, readText } from "@oanix/oanix";
 * console.log(readText(MapFs.builder().file("/a", "hi").build(), "/a")); // "hi"
 * ```
 */
export function readText(svc: FileService, path: string): string {
  return decoder.decode(readFile(svc, path));
}

/**
 * Reads a whole file and parses it as JSON.
 *
 * @throws {FsError} EINVAL when the content is not JSON, naming the path.
 *
 * @example
 * ```ts
 * import { MapFs, readJson } from "@oanix/oanix";
 * console.log(readJson(MapFs.builder().file("/a", '{"x":1}').build(), "/a")); // { x: 1 }
 * ```
 */
export function readJson(svc: FileService, path: string): unknown {
  const text = readText(svc, path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FsError("EINVAL", path, `malformed JSON: ${(e as Error).message}`);
  }
}

/**
 * Creates or replaces a file with `data` (strings are UTF-8 encoded).
 *
 * @example
 * ```ts
 * import { MemFs, readText, writeFile } from "@oanix/oanix";
 * const fs = new MemFs();
 * writeFile(fs, "/a.txt", "hello");
 * console.log(readText(fs, "/a.txt")); // "hello"
 * ```
 */
export function writeFile(
  svc: FileService,
  path: string,
  data: Uint8Array | string,
): void {
  checkService(svc, "writeFile");
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new FsError("EINVAL", String(path), "data must be a Uint8Array or a string");
  }
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  if (svc.writeFile !== undefined) return svc.writeFile(path, bytes);
  writeThroughHandle(svc, path, bytes);
}

/**
 * Creates or replaces a whole file through `open` and a handle, never the
 * service's own `writeFile` (for services that implement `writeFile` by
 * forwarding).
 *
 * @example
 * ```ts
 * import { MemFs, readText } from "@oanix/oanix";
 * import { writeThroughHandle } from "./file_io.ts";
 * const fs = new MemFs();
 * writeThroughHandle(fs, "/a", new TextEncoder().encode("hi"));
 * console.log(readText(fs, "/a")); // "hi"
 * ```
 */
export function writeThroughHandle(svc: FileService, path: string, bytes: Uint8Array): void {
  const h = svc.open(path, REPLACE);
  let closed = false;
  try {
    let at = 0;
    while (at < bytes.length) {
      const n = h.write(bytes.subarray(at));
      if (n <= 0) throw new FsError("EIO", path, "write made no progress");
      at += n;
    }
    closed = true;
    h.close();
  } finally {
    if (!closed) {
      try {
        h.close();
      } catch { /* the first error is the one to report */ }
    }
  }
}

/**
 * Creates or replaces a file with UTF-8 text.
 *
 * @example
 * ```ts
 * import { MemFs, readText, writeText } from "@oanix/oanix";
 * const fs = new MemFs();
 * writeText(fs, "/a.txt", "hello");
 * console.log(readText(fs, "/a.txt"));
 * ```
 */
export function writeText(svc: FileService, path: string, text: string): void {
  if (typeof text !== "string") {
    throw new FsError("EINVAL", String(path), "text must be a string");
  }
  writeFile(svc, path, text);
}

/**
 * True when `path` exists in `svc`.
 *
 * @example
 * ```ts
 * import { exists, MemFs } from "@oanix/oanix";
 * console.log(exists(new MemFs(), "/")); // true
 * ```
 */
export function exists(svc: FileService, path: string): boolean {
  try {
    svc.stat(path);
    return true;
  } catch (e) {
    if (e instanceof FsError && (e.code === "ENOENT" || e.code === "ENOTDIR")) {
      return false;
    }
    throw e;
  }
}

/**
 * Reads everything left in a handle as UTF-8 text (a test and agent helper).
 *
 * @example
 * ```ts
 * import { MapFs } from "@oanix/oanix";
 * import { readTextFromHandle } from "./file_io.ts";
 * const h = MapFs.fromObject({ "/a": "hi" }).open("/a");
 * console.log(readTextFromHandle(h)); // "hi"
 * ```
 */
export function readTextFromHandle(h: FileHandle): string {
  return new TextDecoder().decode(readAllFromHandle(h));
}

/**
 * Reads everything left in a handle.
 *
 * @example
 * ```ts
 * import { MapFs } from "@oanix/oanix";
 * import { readAllFromHandle } from "./file_io.ts";
 * const h = MapFs.fromObject({ "/a": "hi" }).open("/a");
 * console.log(readAllFromHandle(h).length); // 2
 * ```
 */
export function readAllFromHandle(h: FileHandle): Uint8Array {
  // Size the array from stat: one exact allocation for the usual whole-file
  // read. A file that is not ready says so here with EAGAIN.
  let size = -1;
  try {
    size = Math.max(h.stat().size - h.position(), 0);
  } catch (e) {
    if (isFsError(e, "EAGAIN")) throw e;
  }
  if (size >= 0 && size <= 1 << 24) {
    const out = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = h.read(out.subarray(at));
      if (n === 0) return out.subarray(0, at);
      at += n;
    }
    const n = h.read(probe);
    if (n === 0) return out;
    // It grew since stat: go on in chunks, starting with what was read.
    return readChunks(h, [out, probe.slice(0, n)], size + n);
  }
  return readChunks(h, [], 0);
}

/** Reads to the end in growing chunks after `chunks` (`total` bytes) and joins them all. */
function readChunks(h: FileHandle, chunks: Uint8Array[], total: number): Uint8Array {
  let chunk = new Uint8Array(4096);
  for (;;) {
    const n = h.read(chunk);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    chunk = n === chunk.length
      ? new Uint8Array(Math.min(chunk.length * 2, 1 << 20))
      : chunk.subarray(n);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
