/**
 * Small building blocks for the capability services' synthetic trees:
 * stats, read-only files computed on open, and the "not ready yet" file
 * whose reads fail with EAGAIN until its content exists.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import type { ResolvedOpenFlags } from "../fs/open_flags.ts";
import type { DirEntry, FileHandle } from "../fs/types.ts";
import { PagedBytes } from "./paged_bytes.ts";
import { PagedHandle, type ReadableBytes } from "./paged_handle.ts";
import { TextBytes } from "./text_bytes.ts";

export { dirStat, fileStat } from "./synthetic_stat.ts";

const encoder = new TextEncoder();

/**
 * Directory entries for file names, sorted.
 *
 * @example
 * ```ts
 * import { fileEntries } from "./virtual_files.ts";
 * console.log(fileEntries(["b", "a"]).map((e) => e.name)); // ["a", "b"]
 * ```
 */
export function fileEntries(names: Iterable<string>, kind: "file" | "dir" = "file"): DirEntry[] {
  return [...names].sort().map((name) => ({ name, kind }));
}

/**
 * Encodes a JSON-serialisable value as UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { jsonBytes } from "./virtual_files.ts";
 * console.log(jsonBytes({ id: "req-1" }).length); // 14
 * ```
 */
export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/**
 * Throws the FsError a read-only synthetic file gives to a writer.
 *
 * @example
 * ```ts
 * import { refuseWrite } from "./virtual_files.ts";
 * import { resolveOpenFlags } from "../fs/open_flags.ts";
 * refuseWrite("/status", resolveOpenFlags({ read: true }, "/status")); // no throw
 * ```
 */
export function refuseWrite(path: string, flags: ResolvedOpenFlags): void {
  if (flags.write || flags.truncate || flags.append) {
    throw new FsError("EACCES", path, "this file is read-only");
  }
  if (flags.create && flags.exclusive) throw new FsError("EEXIST", path);
}

/**
 * Options for {@linkcode openComputed}.
 *
 * @example
 * ```ts
 * import type { ComputedFileOptions } from "./virtual_files.ts";
 * const opts: ComputedFileOptions = { takesOnRead: true };
 * ```
 */
export interface ComputedFileOptions {
  /** Resolves once the content exists; becomes the handle's `whenReadable`. */
  whenReadable?: (signal?: AbortSignal) => Promise<void>;
  /**
   * Computing the content takes something away (a queued message): it is
   * computed at the first read only, and `stat` shows size 0 until then.
   * By default `stat` computes it too, and shows its true size.
   */
  takesOnRead?: boolean;
}

/**
 * Opens a read-only file whose content is computed at the first read or
 * stat of the handle (at the first read only with `takesOnRead`), then
 * read as is, without a copy: bytes are read where they are, and a string
 * (or a {@linkcode TextBytes}) is kept as text, each read encoding the part
 * it asks for as UTF-8. When `content` throws `FsError("EAGAIN")` the
 * content is not there yet: the read fails (a stat shows size 0), a later
 * one calls `content` again, and `whenReadable` (if given) resolves once it
 * is there.
 *
 * @example
 * ```ts
 * import { openComputed } from "./virtual_files.ts";
 * import { readTextFromHandle } from "../fs/file_io.ts";
 * import { resolveOpenFlags } from "../fs/open_flags.ts";
 * const h = openComputed("/status", resolveOpenFlags({}, "/status"), () => "ok");
 * console.log(h.stat().size, readTextFromHandle(h)); // 2 "ok"
 * h.close();
 * ```
 */
export function openComputed(
  path: string,
  flags: ResolvedOpenFlags,
  content: () => Uint8Array | string | TextBytes,
  options: ComputedFileOptions = {},
): FileHandle {
  refuseWrite(path, flags);
  // Computed once, then shared as is: the handle only reads it.
  let store: ReadableBytes | undefined;
  const load = (): ReadableBytes => {
    if (store === undefined) {
      const c = content();
      store = c instanceof Uint8Array
        ? PagedBytes.wrap(c).freeze()
        : typeof c === "string"
        ? new TextBytes(c)
        : c;
    }
    return store;
  };
  return new PagedHandle({
    path,
    content: load,
    statContent: options.takesOnRead ? () => store ?? EMPTY : load,
    readable: flags.read,
    writable: false,
    whenReadable: options.whenReadable,
  });
}

const EMPTY = new PagedBytes().freeze();

/**
 * The FsError for a path a capability service does not have.
 *
 * @example
 * ```ts
 * import { notFound } from "./virtual_files.ts";
 * console.log(notFound("/nope").code); // "ENOENT"
 * ```
 */
export function notFound(path: string, reason?: string): FsError {
  return new FsError("ENOENT", path, reason);
}
