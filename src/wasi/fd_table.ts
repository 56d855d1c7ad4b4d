/**
 * The guest's file descriptor table.
 *
 * Files are open {@linkcode FileHandle}s of the namespace. Directories are
 * not opened in the file contract (it has no directory handles), so a
 * directory fd is the directory's namespace path plus a listing snapshot
 * for `fd_readdir`. The stdio fds are pipes to the host.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import type { FileHandle } from "../fs/types.ts";
import { ERRNO, FILETYPE } from "./constants.ts";
import { WasiErrno } from "./errors.ts";
import type { OutputSink, StdinReader } from "./stdio.ts";

/**
 * What every fd keeps.
 *
 * @example
 * ```ts
 * import type { FdBase } from "./fd_table.ts";
 * const b: FdBase = { rights: 0, inheriting: 0, fdflags: 0 };
 * ```
 */
export interface FdBase {
  /** Rights the fd has. */
  rights: number;
  /** Rights that fds opened through this one may have. */
  inheriting: number;
  /** `fdflags`: APPEND, NONBLOCK, the sync flags. */
  fdflags: number;
}

/**
 * An open regular file.
 *
 * @example
 * ```ts
 * import type { FileFd } from "./fd_table.ts";
 * type K = FileFd["kind"]; // "file"
 * ```
 */
export interface FileFd extends FdBase {
  /** Discriminates the fd kinds. */
  kind: "file";
  /** The open handle. */
  handle: FileHandle;
  /** The namespace path it was opened at. */
  path: string;
  /** The device (mount) it lives on. */
  dev: bigint;
}

/**
 * One entry of a directory snapshot.
 *
 * @example
 * ```ts
 * import type { ListingEntry } from "./fd_table.ts";
 * const e: ListingEntry = { name: new Uint8Array([46]), type: 3 };
 * ```
 */
export interface ListingEntry {
  /** The name, UTF-8. */
  name: Uint8Array;
  /** The WASI file type. */
  type: number;
  /** The inode, computed when first needed. */
  ino?: bigint;
  /** The child's name as a string (absent for `.` and `..`). */
  child?: string;
}

/**
 * An open directory.
 *
 * @example
 * ```ts
 * import type { DirFd } from "./fd_table.ts";
 * type K = DirFd["kind"]; // "dir"
 * ```
 */
export interface DirFd extends FdBase {
  /** Discriminates the fd kinds. */
  kind: "dir";
  /** The directory's namespace path; `..` may not climb above it. */
  path: string;
  /** The name reported by `fd_prestat_dir_name`, for preopens. */
  preopen?: string;
  /** The listing taken at the last `fd_readdir` with cookie 0. */
  listing?: ListingEntry[];
}

/**
 * The guest's stdin.
 *
 * @example
 * ```ts
 * import type { StdinFd } from "./fd_table.ts";
 * type K = StdinFd["kind"]; // "stdin"
 * ```
 */
export interface StdinFd extends FdBase {
  /** Discriminates the fd kinds. */
  kind: "stdin";
  /** Where the bytes come from. */
  reader: StdinReader;
}

/**
 * The guest's stdout or stderr.
 *
 * @example
 * ```ts
 * import type { OutputFd } from "./fd_table.ts";
 * type K = OutputFd["kind"]; // "output"
 * ```
 */
export interface OutputFd extends FdBase {
  /** Discriminates the fd kinds. */
  kind: "output";
  /** Where the bytes go. */
  sink: OutputSink;
  /** "stdout" or "stderr", for inode numbers. */
  name: string;
}

/**
 * Any open fd.
 *
 * @example
 * ```ts
 * import type { Fd } from "./fd_table.ts";
 * const isDir = (fd: Fd) => fd.kind === "dir";
 * ```
 */
export type Fd = FileFd | DirFd | StdinFd | OutputFd;

/**
 * The WASI file type of an open fd. The stdio pipes are "unknown", as a
 * pipe is in wasmtime, so that `isatty()` is false.
 *
 * @example
 * ```ts
 * import { fdFiletype } from "./fd_table.ts";
 * console.log(fdFiletype({ kind: "dir", path: "/", rights: 0, inheriting: 0, fdflags: 0 })); // 3
 * ```
 */
export function fdFiletype(fd: Fd): number {
  return fd.kind === "file"
    ? FILETYPE.REGULAR_FILE
    : fd.kind === "dir"
    ? FILETYPE.DIRECTORY
    : FILETYPE.UNKNOWN;
}

/**
 * File descriptors, lowest free number first, up to a limit (EMFILE).
 *
 * @example
 * ```ts
 * import { FdTable } from "./fd_table.ts";
 * const t = new FdTable(8);
 * const fd = t.add({ kind: "dir", path: "/", rights: 0, inheriting: 0, fdflags: 0 });
 * console.log(fd, t.get(fd).kind); // 0 "dir"
 * ```
 */
export class FdTable {
  #fds: (Fd | undefined)[] = [];
  #count = 0;
  /** The most fds that may be open at once. */
  readonly max: number;

  /**
   * An empty table with room for `max` fds.
   * @param max the fd limit (at least 3, for stdio)
   */
  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 3) {
      throw new RangeError(`maxFds must be an integer of at least 3, got ${max}`);
    }
    this.max = max;
  }

  /** The number of open fds. */
  get count(): number {
    return this.#count;
  }

  /** Adds `fd` at the lowest free number; EMFILE when the limit is reached. */
  add(fd: Fd): number {
    if (this.#count >= this.max) {
      throw new FsError("EMFILE", undefined, `the limit is ${this.max} open fds`);
    }
    let n = this.#fds.indexOf(undefined);
    if (n === -1) n = this.#fds.length;
    this.#fds[n] = fd;
    this.#count++;
    return n;
  }

  /** The fd numbered `n`; EBADF when none is open. */
  get(n: number): Fd {
    const fd = this.#fds[n];
    if (fd === undefined) throw new WasiErrno(ERRNO.BADF, `fd ${n} is not open`);
    return fd;
  }

  /** The fd numbered `n`, or undefined. */
  peek(n: number): Fd | undefined {
    return this.#fds[n];
  }

  /** Removes fd `n` and returns it (the caller releases its resources). */
  take(n: number): Fd {
    const fd = this.get(n);
    this.#fds[n] = undefined;
    this.#count--;
    while (this.#fds.length > 0 && this.#fds[this.#fds.length - 1] === undefined) {
      this.#fds.pop();
    }
    return fd;
  }

  /**
   * Moves fd `from` onto `to`, closing `from`; returns the fd it replaced.
   * `to` must be open (EBADF), except the stdio numbers 0–2, which may be
   * refilled after they were moved away: that is how programs without
   * `dup` save and restore stdout (`fd_renumber(1, saved)`, later
   * `fd_renumber(file, 1)` and `fd_renumber(saved, 1)`).
   */
  renumber(from: number, to: number): Fd | undefined {
    const src = this.get(from);
    const dst = to <= 2 ? this.#fds[to] : this.get(to);
    if (from === to) return undefined;
    this.#fds[to] = src;
    if (dst === undefined) this.#count++;
    this.take(from);
    return dst;
  }

  /** Every open fd number with its fd. */
  entries(): Array<[number, Fd]> {
    const out: Array<[number, Fd]> = [];
    this.#fds.forEach((fd, n) => {
      if (fd !== undefined) out.push([n, fd]);
    });
    return out;
  }
}

/**
 * Releases what an fd holds (closes a file handle). Errors are returned,
 * not thrown, so that closing everything at exit goes on.
 *
 * @example
 * ```ts
 * import { releaseFd } from "./fd_table.ts";
 * console.log(releaseFd({ kind: "dir", path: "/", rights: 0, inheriting: 0, fdflags: 0 })); // undefined
 * ```
 */
export function releaseFd(fd: Fd): unknown {
  try {
    if (fd.kind === "file") fd.handle.close();
    return undefined;
  } catch (e) {
    return e;
  }
}
