/**
 * The FileHandle of WorkspaceFs: a `Deno.FsFile` used through its
 * synchronous methods.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import type { ResolvedOpenFlags } from "./open_flags.ts";
import type { FileHandle, SeekFrom, Stat } from "./types.ts";
import { fsErrorFromDeno } from "./workspace_errors.ts";
import type { WorkspaceTimes } from "./workspace_times.ts";

const SEEK: Record<SeekFrom, Deno.SeekMode> = {
  start: Deno.SeekMode.Start,
  current: Deno.SeekMode.Current,
  end: Deno.SeekMode.End,
};

/**
 * A {@linkcode Stat} from a `Deno.FileInfo`: real sizes (0 for
 * directories), mtimes (milliseconds, and `mtimeNs`/`atimeNs` at the
 * millisecond precision Deno reports, unless `times` remembers the
 * nanoseconds set while the host still shows them), the inode number and
 * the link count.
 *
 * @example
 * ```ts
 * import { statFromInfo } from "./workspace_handle.ts";
 * import { WorkspaceTimes } from "./workspace_times.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a`, "hi");
 * const st = statFromInfo(Deno.statSync(`${dir}/a`), false, new WorkspaceTimes());
 * console.log(st.kind, st.size); // "file" 2
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function statFromInfo(info: Deno.FileInfo, readOnly: boolean, times: WorkspaceTimes): Stat {
  const mtime = info.mtime?.getTime() ?? 0;
  const atime = info.atime?.getTime();
  const st: Stat = {
    kind: info.isDirectory ? "dir" : info.isSymlink ? "symlink" : "file",
    size: info.isDirectory ? 0 : info.size,
    mtime,
    readOnly,
    mtimeNs: BigInt(mtime) * 1_000_000n,
  };
  if (atime !== undefined) st.atimeNs = BigInt(atime) * 1_000_000n;
  if (info.ino !== null) st.ino = info.ino;
  if (info.nlink !== null) st.nlink = info.nlink;
  return times.refine(info, st);
}

/**
 * A FileHandle over a real open file. `pread`/`pwrite` save the position,
 * seek, do the I/O and restore the position. `flush` is a no-op: writes
 * are visible to other readers at once (it does not fsync).
 */
export class WorkspaceHandle implements FileHandle {
  readonly path: string;
  #file: Deno.FsFile;
  #flags: ResolvedOpenFlags;
  #readOnlyService: boolean;
  #times: WorkspaceTimes;
  #closed = false;

  /**
   * Wraps `file`, opened at `path` with `flags`; `times` are the
   * nanosecond times its WorkspaceFs set, for `stat`.
   */
  constructor(
    path: string,
    file: Deno.FsFile,
    flags: ResolvedOpenFlags,
    readOnlyService: boolean,
    times: WorkspaceTimes,
  ) {
    this.path = path;
    this.#file = file;
    this.#flags = flags;
    this.#readOnlyService = readOnlyService;
    this.#times = times;
  }

  #live(): Deno.FsFile {
    if (this.#closed) throw new FsError("EBADF", this.path, "handle is closed");
    return this.#file;
  }

  #readable(): Deno.FsFile {
    const f = this.#live();
    if (!this.#flags.read) throw new FsError("EBADF", this.path, "not opened for reading");
    return f;
  }

  #writable(): Deno.FsFile {
    const f = this.#live();
    if (!this.#flags.write) throw new FsError("EBADF", this.path, "not opened for writing");
    return f;
  }

  #do<T>(op: () => T): T {
    try {
      return op();
    } catch (e) {
      throw fsErrorFromDeno(e, this.path);
    }
  }

  read(buf: Uint8Array): number {
    const f = this.#readable();
    if (buf.length === 0) return 0;
    return this.#do(() => f.readSync(buf) ?? 0);
  }

  write(data: Uint8Array): number {
    const f = this.#writable();
    return this.#do(() => {
      let at = 0;
      while (at < data.length) {
        const n = f.writeSync(data.subarray(at));
        if (n <= 0) throw new FsError("EIO", this.path, "write made no progress");
        at += n;
      }
      return data.length;
    });
  }

  #at<T>(offset: number, op: (f: Deno.FsFile) => T, f: Deno.FsFile): T {
    checkOffset(offset, this.path);
    return this.#do(() => {
      const saved = f.seekSync(0, Deno.SeekMode.Current);
      f.seekSync(offset, Deno.SeekMode.Start);
      try {
        return op(f);
      } finally {
        f.seekSync(saved, Deno.SeekMode.Start);
      }
    });
  }

  pread(buf: Uint8Array, offset: number): number {
    const f = this.#readable();
    return this.#at(offset, () => (buf.length === 0 ? 0 : f.readSync(buf) ?? 0), f);
  }

  pwrite(data: Uint8Array, offset: number): number {
    const f = this.#writable();
    return this.#at(offset, () => this.write(data), f);
  }

  seek(offset: number, whence: SeekFrom = "start"): number {
    const f = this.#live();
    if (!Number.isSafeInteger(offset)) {
      throw new FsError("EINVAL", this.path, `bad seek offset ${offset}`);
    }
    const mode = Object.hasOwn(SEEK, whence) ? SEEK[whence] : undefined;
    if (mode === undefined) throw new FsError("EINVAL", this.path, `bad seek origin ${whence}`);
    const base = whence === "start" ? 0 : whence === "current" ? this.position() : this.stat().size;
    if (base + offset < 0) throw new FsError("EINVAL", this.path, "seek before start of file");
    return this.#do(() => f.seekSync(offset, mode));
  }

  position(): number {
    const f = this.#live();
    return this.#do(() => f.seekSync(0, Deno.SeekMode.Current));
  }

  flush(): void {
    this.#live();
  }

  close(): void {
    const f = this.#live();
    this.#closed = true;
    this.#do(() => f.close());
  }

  stat(): Stat {
    const f = this.#live();
    const info = this.#do(() => f.statSync());
    return statFromInfo(info, this.#readOnlyService, this.#times);
  }

  truncate(size: number): void {
    checkOffset(size, this.path);
    const f = this.#writable();
    this.#do(() => f.truncateSync(size));
  }
}

function checkOffset(offset: number, path: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FsError("EINVAL", path, `bad offset ${offset}`);
  }
}
