/**
 * Reading, writing and positioning: `fd_read`, `fd_write`, `fd_pread`,
 * `fd_pwrite`, `fd_seek` and `fd_tell`.
 *
 * `fd_read` may wait (DESIGN.md D2): when a capability file's read fails
 * with EAGAIN and the fd is blocking, it returns a promise that resolves
 * once the handle's `whenReadable()` does and the read succeeds. The import
 * is wrapped in `WebAssembly.Suspending`, so the guest suspends meanwhile
 * and the event loop keeps running.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import type { FileHandle, SeekFrom } from "../fs/types.ts";
import { ERRNO, FDFLAGS, RIGHTS, WHENCE } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno } from "./errors.ts";
import type { Fd } from "./fd_table.ts";
import type { GuestSlice } from "./memory.ts";
import { requireRights } from "./rights.ts";

type Reader = (buf: Uint8Array, offset: number) => number;

/** The sync or suspending result of an import. */
type Ret = number | Promise<number>;

function isAgain(e: unknown): boolean {
  return e instanceof FsError && e.code === "EAGAIN";
}

/**
 * Converts a u64 offset argument to a safe integer, EINVAL beyond 2^53.
 *
 * @example
 * ```ts
 * import { offsetArg } from "./fd_io.ts";
 * console.log(offsetArg(10n)); // 10
 * ```
 */
export function offsetArg(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  if (u > BigInt(Number.MAX_SAFE_INTEGER)) throw new WasiErrno(ERRNO.INVAL, "offset too large");
  return Number(u);
}

/** The reader for `fd` (positional when `positional`), or the errno why none. */
function readerOf(fd: Fd, positional: boolean): Reader {
  switch (fd.kind) {
    case "file": {
      if ((fd.rights & RIGHTS.FD_READ) === 0) {
        throw new WasiErrno(ERRNO.BADF, "not open for reading");
      }
      const h = fd.handle;
      return positional ? (b, off) => h.pread(b, off) : (b) => h.read(b);
    }
    case "stdin":
      if (positional) throw new WasiErrno(ERRNO.SPIPE);
      return (b) => fd.reader.read(b);
    case "dir":
      throw new WasiErrno(ERRNO.ISDIR);
    case "output":
      throw new WasiErrno(ERRNO.BADF, "stdout and stderr are not readable");
  }
}

/** Reads into the iovecs; a first EAGAIN is thrown, a later one ends the read. */
function readVecs(ctx: WasiContext, read: Reader, vecs: GuestSlice[], offset: number): number {
  let total = 0;
  for (const v of vecs) {
    if (v.len === 0) continue;
    const buf = ctx.mem.bytes(v.ptr, v.len);
    let n: number;
    try {
      n = read(buf, offset + total);
    } catch (e) {
      if (total > 0 && isAgain(e)) return total;
      throw e;
    }
    total += n;
    if (n < v.len) break;
  }
  return total;
}

/** The handle whose `whenReadable` tells when a blocked read may go on. */
function waitable(fd: Fd): FileHandle | undefined {
  const h = fd.kind === "file" ? fd.handle : fd.kind === "stdin" ? fd.reader.handle : undefined;
  return h?.whenReadable !== undefined ? h : undefined;
}

/** Waits for `h` to be readable, or for the guest to be stopped. */
async function waitReadable(
  ctx: WasiContext,
  h: FileHandle,
  attempt: number,
): Promise<void> {
  if (attempt > 2) {
    // whenReadable resolved but the read still failed: back off rather than spin.
    const ms = Math.min(2 ** (attempt - 2), 50);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([new Promise((r) => (timer = setTimeout(r, ms))), ctx.whenStopped]);
    } finally {
      clearTimeout(timer);
    }
  }
  await Promise.race([h.whenReadable!(ctx.signal), ctx.whenStopped]);
  if (ctx.stopped !== undefined) throw ctx.stopped;
}

/** Reads and stores the count; on EAGAIN, suspends or returns EAGAIN. */
function readInto(
  ctx: WasiContext,
  fdNum: number,
  iovs: number,
  iovsLen: number,
  offset: number,
  positional: boolean,
  outPtr: number,
): Ret {
  const fd = ctx.fds.get(fdNum);
  const read = readerOf(fd, positional);
  // Check every pointer first, so that no data is consumed before a fault.
  const vecs = ctx.mem.iovecs(iovs, iovsLen);
  for (const v of vecs) ctx.mem.check(v.ptr, v.len);
  ctx.mem.check(outPtr, 4);
  try {
    const n = readVecs(ctx, read, vecs, offset);
    ctx.mem.setU32(outPtr, n);
    return ERRNO.SUCCESS;
  } catch (e) {
    const h = isAgain(e) && (fd.fdflags & FDFLAGS.NONBLOCK) === 0 ? waitable(fd) : undefined;
    if (h === undefined) throw e;
    return (async () => {
      for (let attempt = 0;; attempt++) {
        await waitReadable(ctx, h, attempt);
        if (ctx.fds.peek(fdNum) !== fd) throw new WasiErrno(ERRNO.BADF, "fd closed while waiting");
        try {
          // The memory may have been replaced meanwhile: read the iovecs again.
          const n = readVecs(ctx, read, ctx.mem.iovecs(iovs, iovsLen), offset);
          ctx.mem.setU32(outPtr, n);
          return ERRNO.SUCCESS;
        } catch (e2) {
          if (!isAgain(e2)) throw e2;
        }
      }
    })();
  }
}

/** Writes the iovecs to `fd` (at `offset` when positional). */
function writeVecs(
  ctx: WasiContext,
  fd: Fd,
  vecs: GuestSlice[],
  offset: number,
  positional: boolean,
): number {
  let total = 0;
  switch (fd.kind) {
    case "file": {
      if ((fd.rights & RIGHTS.FD_WRITE) === 0) {
        throw new WasiErrno(ERRNO.BADF, "not open for writing");
      }
      const h = fd.handle;
      if (!positional && (fd.fdflags & FDFLAGS.APPEND) !== 0) h.seek(0, "end");
      for (const v of vecs) {
        if (v.len === 0) continue;
        const data = ctx.mem.bytes(v.ptr, v.len);
        const n = positional ? h.pwrite(data, offset + total) : h.write(data);
        total += n;
        if (n < v.len) break;
      }
      return total;
    }
    case "output": {
      if (positional) throw new WasiErrno(ERRNO.SPIPE);
      if (vecs.length === 1) {
        total = vecs[0].len;
        fd.sink.write(ctx.mem.bytes(vecs[0].ptr, total).slice());
        return total;
      }
      for (const v of vecs) total += v.len;
      const out = new Uint8Array(total);
      let at = 0;
      for (const v of vecs) {
        out.set(ctx.mem.bytes(v.ptr, v.len), at);
        at += v.len;
      }
      fd.sink.write(out);
      return total;
    }
    case "dir":
      throw new WasiErrno(ERRNO.ISDIR);
    case "stdin":
      throw new WasiErrno(ERRNO.BADF, "stdin is not writable");
  }
}

const SEEK_FROM: SeekFrom[] = ["start", "current", "end"];

/**
 * The read/write/seek imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { fdIoImports } from "./fd_io.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(Object.keys(fdIoImports(ctx)).length); // 6
 * ctx.close();
 * ```
 */
export function fdIoImports(ctx: WasiContext) {
  return {
    fd_read(fd: number, iovs: number, iovsLen: number, nread: number): Ret {
      return readInto(ctx, fd, iovs, iovsLen, 0, false, nread);
    },
    fd_pread(fd: number, iovs: number, iovsLen: number, offset: bigint, nread: number): Ret {
      return readInto(ctx, fd, iovs, iovsLen, offsetArg(offset), true, nread);
    },
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      const f = ctx.fds.get(fd);
      ctx.mem.check(nwritten, 4);
      const n = writeVecs(ctx, f, ctx.mem.iovecs(iovs, iovsLen), 0, false);
      ctx.mem.setU32(nwritten, n);
      return ERRNO.SUCCESS;
    },
    fd_pwrite(fd: number, iovs: number, iovsLen: number, offset: bigint, nwritten: number): number {
      const f = ctx.fds.get(fd);
      ctx.mem.check(nwritten, 4);
      const n = writeVecs(ctx, f, ctx.mem.iovecs(iovs, iovsLen), offsetArg(offset), true);
      ctx.mem.setU32(nwritten, n);
      return ERRNO.SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, newOffset: number): number {
      const f = ctx.fds.get(fd);
      ctx.mem.check(newOffset, 8);
      if (whence !== WHENCE.SET && whence !== WHENCE.CUR && whence !== WHENCE.END) {
        throw new WasiErrno(ERRNO.INVAL, `bad whence ${whence}`);
      }
      const off = BigInt.asIntN(64, offset);
      if (off > BigInt(Number.MAX_SAFE_INTEGER) || off < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new WasiErrno(ERRNO.INVAL, "offset too large");
      }
      // A seek by 0 from the current position is a tell, and needs only that right.
      const tell = off === 0n && whence === WHENCE.CUR;
      requireRights(f, tell ? RIGHTS.FD_TELL : RIGHTS.FD_SEEK, "fd_seek");
      if (f.kind === "dir") throw new WasiErrno(ERRNO.ISDIR, "a directory has no position");
      if (f.kind !== "file") throw new WasiErrno(ERRNO.SPIPE);
      const pos = f.handle.seek(Number(off), SEEK_FROM[whence]);
      ctx.mem.setU64n(newOffset, pos);
      return ERRNO.SUCCESS;
    },
    fd_tell(fd: number, offsetPtr: number): number {
      const f = ctx.fds.get(fd);
      ctx.mem.check(offsetPtr, 8);
      requireRights(f, RIGHTS.FD_TELL, "fd_tell");
      if (f.kind === "dir") throw new WasiErrno(ERRNO.ISDIR, "a directory has no position");
      if (f.kind !== "file") throw new WasiErrno(ERRNO.SPIPE);
      ctx.mem.setU64n(offsetPtr, f.handle.position());
      return ERRNO.SUCCESS;
    },
  };
}
