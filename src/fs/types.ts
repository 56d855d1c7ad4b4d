/**
 * The synchronous file contract (DESIGN.md D1): what every file service and
 * every open file offers.
 *
 * @module
 */

/**
 * What a path names.
 *
 * @example
 * ```ts
 * import type { FileKind } from "@oanix/oanix";
 * const kind: FileKind = "dir";
 * ```
 */
export type FileKind = "file" | "dir" | "symlink";

/**
 * How a file is opened. Every field defaults to false, except `read`, which
 * defaults to true when `write` is false.
 *
 * @example
 * ```ts
 * import type { OpenFlags } from "@oanix/oanix";
 * const createNew: OpenFlags = { write: true, create: true, exclusive: true };
 * ```
 */
export interface OpenFlags {
  /** Open for reading. */
  read?: boolean;
  /** Open for writing. */
  write?: boolean;
  /** Create the file when it does not exist. */
  create?: boolean;
  /** With `create`: fail with EEXIST when the file exists. */
  exclusive?: boolean;
  /** Cut the file to zero bytes on open (needs `write`). */
  truncate?: boolean;
  /** Every write goes to the end of the file. */
  append?: boolean;
  /** Fail unless the path is a directory (WASI `O_DIRECTORY`). */
  directory?: boolean;
  /** Reads that would wait fail with EAGAIN instead (WASI `FDFLAGS_NONBLOCK`). */
  nonBlocking?: boolean;
}

/**
 * Where a seek offset counts from.
 *
 * @example
 * ```ts
 * import type { SeekFrom } from "@oanix/oanix";
 * const whence: SeekFrom = "end";
 * ```
 */
export type SeekFrom = "start" | "current" | "end";

/**
 * What `stat` reports. Times are milliseconds since the epoch; services that
 * keep nanoseconds also fill `mtimeNs` and `atimeNs`.
 *
 * @example
 * ```ts
 * import { MemFs, writeFile } from "@oanix/oanix";
 * const fs = new MemFs();
 * writeFile(fs, "/a.txt", "hi");
 * const st = fs.stat("/a.txt");
 * console.log(st.kind, st.size, st.readOnly); // "file" 2 false
 * ```
 */
export interface Stat {
  /** What the path names. */
  kind: FileKind;
  /** Size in bytes (0 for directories). */
  size: number;
  /** Last modification time, milliseconds since the epoch. */
  mtime: number;
  /** True when the file or directory cannot be changed through this service. */
  readOnly: boolean;
  /** A number unique to this file within its service, stable across renames. */
  ino?: number;
  /**
   * How many names the entry has, when the service keeps count: the hard
   * links of a file; for a directory, as in POSIX, 2 plus its subdirectories.
   */
  nlink?: number;
  /** Last modification time in nanoseconds, when the service keeps it. */
  mtimeNs?: bigint;
  /** Last access time in nanoseconds, when the service keeps it. */
  atimeNs?: bigint;
}

/**
 * One entry of a directory listing.
 *
 * @example
 * ```ts
 * import type { DirEntry } from "@oanix/oanix";
 * const e: DirEntry = { name: "spec.json", kind: "file" };
 * ```
 */
export interface DirEntry {
  /** The entry's name (one segment). */
  name: string;
  /** What the entry is. */
  kind: FileKind;
}

/**
 * An open file. Reads and writes are synchronous and move the position;
 * `pread`/`pwrite` take an explicit offset and leave it alone.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * const fs = new MemFs();
 * const h = fs.open("/log.txt", { write: true, create: true, append: true });
 * h.write(new TextEncoder().encode("line\n"));
 * h.close();
 * ```
 */
export interface FileHandle {
  /** The path this handle was opened at, inside its service. */
  readonly path: string;
  /** Reads into `buf` at the position; returns the count, 0 at end of file. */
  read(buf: Uint8Array): number;
  /**
   * Writes `data` at the position (or the end, in append mode); returns the
   * count. `data` stays the caller's: a service copies what it keeps, since
   * callers reuse their arrays (WASI passes views of the guest's memory).
   */
  write(data: Uint8Array): number;
  /** Reads into `buf` at `offset` without moving the position. */
  pread(buf: Uint8Array, offset: number): number;
  /** Writes `data` at `offset` without moving the position. */
  pwrite(data: Uint8Array, offset: number): number;
  /** Moves the position; returns the new position. */
  seek(offset: number, whence?: SeekFrom): number;
  /** The current position. */
  position(): number;
  /** Makes written data visible to the service's readers (a no-op for most). */
  flush(): void;
  /** Flushes and releases the handle. A second close is EBADF. */
  close(): void;
  /** The file's current status. */
  stat(): Stat;
  /** Cuts or extends the file to `size` bytes. */
  truncate(size: number): void;
  /**
   * For files whose content arrives later (capability responses): resolves
   * when a read will not fail with EAGAIN. Absent means always readable.
   */
  whenReadable?(signal?: AbortSignal): Promise<void>;
}

/**
 * A file service: a tree of files that can be mounted in a namespace.
 * Paths given to a service are absolute and normalised; services tolerate
 * un-normalised input by normalising it themselves with a cheap fast path.
 *
 * @example
 * ```ts
 * import { type FileService, MemFs, readText, writeText } from "@oanix/oanix";
 * const svc: FileService = new MemFs();
 * writeText(svc, "/hello.txt", "hello");
 * console.log(readText(svc, "/hello.txt"));
 * ```
 */
export interface FileService {
  /** A short name for the kind of service, used in namespace descriptions. */
  readonly kind: string;
  /** Opens a file. Directories cannot be opened (EISDIR). */
  open(path: string, flags?: OpenFlags): FileHandle;
  /** Lists a directory, without `.` and `..`, in a stable order. */
  readdir(path: string): DirEntry[];
  /** Reports on a path, following symlinks. */
  stat(path: string): Stat;
  /** Creates one directory; its parent must exist. */
  mkdir(path: string): void;
  /** Removes a file, a symlink or an empty directory. */
  remove(path: string): void;
  /** Renames atomically; an existing destination is replaced as POSIX says. */
  rename(from: string, to: string): void;
  /** Sets access and modification times in nanoseconds (undefined keeps one). */
  setTimes?(path: string, atimeNs?: bigint, mtimeNs?: bigint): void;
  /**
   * Sets the times of a symlink itself (like `lutimes`), not of its target.
   * For other kinds it acts as `setTimes`.
   */
  lsetTimes?(path: string, atimeNs?: bigint, mtimeNs?: bigint): void;
  /** Creates a symlink at `path` pointing at `target`. */
  symlink?(target: string, path: string): void;
  /**
   * Makes `newPath` a second name (a hard link) for the file at `existing`.
   * Both names then share content and inode; directories cannot be linked
   * (EPERM). Services that cannot link leave this out, and callers fail with
   * ENOTSUP.
   */
  link?(existing: string, newPath: string): void;
  /** Reads a symlink's target. */
  readlink?(path: string): string;
  /** Reports on a path without following a final symlink. */
  lstat?(path: string): Stat;
  /**
   * Reads a whole file into a new array (never aliasing the file): what
   * `open` + read to the end + `close` would give, with the same errors.
   * An optional fast path; `readFile()` uses it when present.
   */
  readFile?(path: string): Uint8Array;
  /**
   * Creates or replaces a whole file with a copy of `data`: what `open`
   * with `{ write, create, truncate }` + `write` + `close` would do, with
   * the same errors. An optional fast path; `writeFile()` uses it when
   * present.
   */
  writeFile?(path: string, data: Uint8Array): void;
  /** Extra plain data describing the service, for namespace descriptions. */
  describe?(): Record<string, unknown>;
}

/**
 * Limits for an in-memory service: `maxBytes` of file content and
 * `maxFiles` entries. Leave one out for no limit on it.
 *
 * @example
 * ```ts
 * import { MemFs, type QuotaOptions } from "@oanix/oanix";
 * const limits: QuotaOptions = { maxBytes: 64 * 1024 * 1024, maxFiles: 10_000 };
 * const tmp = new MemFs(limits);
 * ```
 */
export interface QuotaOptions {
  /** The most bytes all files together may hold. */
  maxBytes?: number;
  /** The most files, directories and symlinks there may be (the root not counted). */
  maxFiles?: number;
}

/**
 * What an in-memory service holds against its limits.
 *
 * @example
 * ```ts
 * import { MemFs, writeText } from "@oanix/oanix";
 * const fs = new MemFs({ maxBytes: 100 });
 * writeText(fs, "/a", "hello");
 * console.log(fs.usage()); // { bytes: 5, files: 1, maxBytes: 100, maxFiles: undefined }
 * ```
 */
export interface DiskUsage {
  /** Bytes held by files. */
  bytes: number;
  /** Files, directories and symlinks. */
  files: number;
  /** The byte limit, when there is one. */
  maxBytes: number | undefined;
  /** The entry limit, when there is one. */
  maxFiles: number | undefined;
}
