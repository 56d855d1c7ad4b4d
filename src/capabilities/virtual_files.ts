/**
 * Small building blocks for the capability services' synthetic trees:
 * stats, read-only files computed on open, and the "not ready yet" file
 * whose reads fail with EAGAIN until its content exists.
 *
 * @module
 */

import { BufferHandle } from "../fs/buffer_handle.ts";
import { ByteBuffer } from "../fs/byte_buffer.ts";
import { FsError } from "../fs/errors.ts";
import type { ResolvedOpenFlags } from "../fs/open_flags.ts";
import type { DirEntry, FileHandle, Stat } from "../fs/types.ts";

const encoder = new TextEncoder();

/**
 * The stat of a synthetic directory.
 *
 * @example
 * ```ts
 * import { dirStat } from "./virtual_files.ts";
 * console.log(dirStat().kind); // "dir"
 * ```
 */
export function dirStat(): Stat {
  return { kind: "dir", size: 0, mtime: 0, readOnly: true, mtimeNs: 0n };
}

/**
 * The stat of a synthetic file of `size` bytes.
 *
 * @example
 * ```ts
 * import { fileStat } from "./virtual_files.ts";
 * console.log(fileStat(3, true).size); // 3
 * ```
 */
export function fileStat(size: number, readOnly: boolean): Stat {
  return { kind: "file", size, mtime: 0, readOnly, mtimeNs: 0n };
}

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
 * Opens a read-only file whose content is computed at the first read (or
 * stat) of the handle. When `content` throws `FsError("EAGAIN")` the content
 * is not there yet: the read fails, a later read calls `content` again, and
 * `whenReadable` (if given) resolves once it is there.
 *
 * @example
 * ```ts
 * import { openComputed } from "./virtual_files.ts";
 * import { readTextFromHandle } from "../fs/file_io.ts";
 * import { resolveOpenFlags } from "../fs/open_flags.ts";
 * const h = openComputed("/status", resolveOpenFlags({}, "/status"), () => "ok");
 * console.log(readTextFromHandle(h)); // "ok"
 * h.close();
 * ```
 */
export function openComputed(
  path: string,
  flags: ResolvedOpenFlags,
  content: () => Uint8Array | string,
  whenReadable?: (signal?: AbortSignal) => Promise<void>,
): FileHandle {
  refuseWrite(path, flags);
  let size = 0;
  return new BufferHandle({
    path,
    buffer: () => {
      const c = content();
      const b = ByteBuffer.from(c);
      size = b.size;
      return b;
    },
    readable: flags.read,
    writable: false,
    readOnlyCode: "EBADF",
    stat: () => fileStat(size, true),
    whenReadable,
  });
}

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
