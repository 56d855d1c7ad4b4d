/**
 * Byte and file-count limits for the in-memory services (MemFs, and a
 * CowFs's overlay). Internal; the options and the usage report are public
 * types of MemFs and CowFs.
 *
 * What counts: the bytes of every file's content and the number of entries
 * (files, directories, symlinks; a hard link is one entry). A file stays
 * counted while it has a name or an open handle, as on a real disk, so an
 * unlinked file that is still open cannot be used to write past the limit.
 *
 * A write that would pass a limit is refused whole with ENOSPC and changes
 * nothing (POSIX allows a short write instead; refusing whole keeps every
 * write all-or-nothing, and a caller that retries gets ENOSPC either way).
 *
 * @module
 */

import { ByteBuffer, MAX_FILE_SIZE } from "./byte_buffer.ts";
import { FsError } from "./errors.ts";
import type { DiskUsage, QuotaOptions } from "./types.ts";

function limit(value: unknown, what: string): number {
  if (value === undefined) return Infinity;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${what} must be an integer ≥ 0, got ${String(value)}`);
  }
  return value;
}

/**
 * A service's running totals and limits.
 *
 * @example
 * ```ts
 * import { DiskQuota } from "./disk_quota.ts";
 * const q = DiskQuota.from({ maxFiles: 1 }, "MemFs")!;
 * q.reserve(0, 1, "/a");
 * console.log(q.usage().files); // 1
 * ```
 */
export class DiskQuota {
  /** The byte limit (Infinity for none). */
  readonly maxBytes: number;
  /** The entry limit (Infinity for none). */
  readonly maxFiles: number;
  /** Bytes counted. */
  bytes = 0;
  /** Entries counted. */
  files = 0;
  /**
   * Bumped by `reset`: buffers from before it no longer count (a CowFs
   * overlay's handles that outlive a reset or a commit).
   */
  epoch = 0;

  private constructor(maxBytes: number, maxFiles: number) {
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
  }

  /**
   * The quota for `options`, or undefined when they set no limit.
   *
   * @throws {TypeError} naming the bad option, for a limit that is not an integer ≥ 0.
   */
  static from(options: QuotaOptions | undefined, owner: string): DiskQuota | undefined {
    if (options === undefined) return undefined;
    if (options === null || typeof options !== "object") {
      throw new TypeError(`${owner}: options must be an object`);
    }
    const maxBytes = limit(options.maxBytes, `${owner}: maxBytes`);
    const maxFiles = limit(options.maxFiles, `${owner}: maxFiles`);
    if (maxBytes === Infinity && maxFiles === Infinity) return undefined;
    return new DiskQuota(maxBytes, maxFiles);
  }

  /** Counts `bytes` and `files` more, or throws ENOSPC and counts nothing. */
  reserve(bytes: number, files: number, path: string): void {
    if (bytes > 0 && this.bytes + bytes > this.maxBytes) {
      throw new FsError("ENOSPC", path, `the limit is ${this.maxBytes} bytes`);
    }
    if (files > 0 && this.files + files > this.maxFiles) {
      throw new FsError("ENOSPC", path, `the limit is ${this.maxFiles} files`);
    }
    this.bytes += bytes;
    this.files += files;
  }

  /** Counts `bytes` and `files` less (or more, when negative) without checking. */
  release(bytes: number, files: number): void {
    this.bytes -= bytes;
    this.files -= files;
  }

  /** Forgets everything counted. */
  reset(): void {
    this.bytes = 0;
    this.files = 0;
    this.epoch++;
  }

  /** The totals and limits. */
  usage(): DiskUsage {
    return {
      bytes: this.bytes,
      files: this.files,
      maxBytes: this.maxBytes === Infinity ? undefined : this.maxBytes,
      maxFiles: this.maxFiles === Infinity ? undefined : this.maxFiles,
    };
  }
}

/**
 * A {@linkcode ByteBuffer} whose growth is checked against a quota while it
 * is counted. A write or truncate that would pass the limit throws ENOSPC
 * and changes nothing.
 *
 * @example
 * ```ts
 * import { DiskQuota, QuotaBuffer } from "./disk_quota.ts";
 * const q = DiskQuota.from({ maxBytes: 4 }, "test")!;
 * const b = new QuotaBuffer(q);
 * b.markCounted();
 * b.writeAt(new Uint8Array(4), 0);
 * console.log(q.bytes); // 4
 * ```
 */
export class QuotaBuffer extends ByteBuffer {
  #quota: DiskQuota;
  #epoch: number;
  #counted = false;

  /**
   * A buffer under `quota` holding a copy of `initial`.
   *
   * @param quota the quota to charge
   * @param initial the initial content, which is copied
   * @param reserved true when the caller has reserved the initial size: the
   * buffer counts from the start; otherwise not until `markCounted()`
   */
  constructor(quota: DiskQuota, initial?: Uint8Array, reserved = false) {
    super(initial);
    this.#quota = quota;
    this.#epoch = quota.epoch;
    this.#counted = reserved;
  }

  #live(): boolean {
    return this.#counted && this.#epoch === this.#quota.epoch;
  }

  /** True while the buffer's size counts against the quota. */
  get counted(): boolean {
    return this.#live();
  }

  /** Counts the buffer from now on; the caller has reserved its present size. */
  markCounted(): void {
    this.#counted = true;
    this.#epoch = this.#quota.epoch;
  }

  /** Stops counting the buffer. */
  uncount(): void {
    if (!this.#live()) return;
    this.#quota.release(this.size, 0);
    this.#counted = false;
  }

  #grow(newSize: number, path: string): void {
    const delta = newSize - this.size;
    if (!this.#live() || delta === 0) return;
    if (delta > 0) this.#quota.reserve(delta, 0, path);
    else this.#quota.release(-delta, 0);
  }

  override writeAt(data: Uint8Array, offset: number, path = ""): number {
    const end = offset + data.length;
    if (end > this.size && end <= MAX_FILE_SIZE) this.#grow(end, path);
    return super.writeAt(data, offset, path);
  }

  override truncate(size: number, path = ""): void {
    if (size <= MAX_FILE_SIZE) this.#grow(size, path);
    super.truncate(size, path);
  }

  override replace(data: Uint8Array, path = ""): void {
    if (data.length <= MAX_FILE_SIZE) this.#grow(data.length, path);
    super.replace(data, path);
  }
}
