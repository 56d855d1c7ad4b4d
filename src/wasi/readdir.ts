/**
 * `fd_readdir`: a directory's entries, `.` and `..` first, as `dirent`
 * records. The listing is taken when the guest asks from cookie 0 and kept
 * on the fd, so later cookies resume exactly where the last call stopped,
 * whatever the number of entries. An entry that does not fit is written in
 * part, filling the buffer, which tells wasi-libc to grow its buffer.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { isWithin, joinPath, parentPath } from "../fs/path.ts";
import type { FileService, Stat } from "../fs/types.ts";
import { ERRNO, FILETYPE, RIGHTS, SIZE } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import type { DirFd, ListingEntry } from "./fd_table.ts";
import { filetypeOf } from "./inodes.ts";
import { dirFd, tryStat } from "./paths.ts";
import { requireRights } from "./rights.ts";

const encoder = new TextEncoder();
const scratch = new DataView(new ArrayBuffer(SIZE.DIRENT));
const scratchBytes = new Uint8Array(scratch.buffer);
const UNKNOWN_STAT: Stat = { kind: "file", size: 0, mtime: 0, readOnly: true };

/** UTF-8 of a name, without a call out for the common all-ASCII case. */
function utf8(name: string): Uint8Array {
  const n = name.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(name);
    out[i] = c;
  }
  return out;
}

/**
 * Where the listed directory's children live, so their inodes can be read
 * from the service directly instead of through the namespace. Children that
 * are mount points (or lie above one) are looked up through the namespace.
 */
interface ListingBase {
  service: FileService;
  inner: string;
  dev: bigint;
  mounted: Set<string>;
}

interface NamespaceLike {
  resolve?(path: string): { service: FileService; path: string } | undefined;
  mounts?(): Array<{ path: string }>;
}

function listingBase(ctx: WasiContext, path: string): ListingBase | undefined {
  const root = ctx.root as FileService & NamespaceLike;
  const dev = ctx.inodes.devOf(path);
  if (typeof root.resolve !== "function") {
    return { service: root, inner: path, dev, mounted: new Set() };
  }
  const r = root.resolve(path);
  if (r === undefined) return undefined;
  const mounted = new Set<string>();
  for (const m of root.mounts?.() ?? []) {
    if (m.path !== path && isWithin(m.path, path)) {
      mounted.add(m.path.slice(path === "/" ? 1 : path.length + 1).split("/")[0]);
    }
  }
  return { service: r.service, inner: r.path, dev, mounted };
}

const bases = new WeakMap<ListingEntry[], ListingBase | undefined>();

function snapshot(ctx: WasiContext, d: DirFd): ListingEntry[] {
  const out: ListingEntry[] = [
    { name: utf8("."), type: FILETYPE.DIRECTORY },
    { name: utf8(".."), type: FILETYPE.DIRECTORY },
  ];
  for (const e of ctx.root.readdir(d.path)) {
    out.push({ name: utf8(e.name), type: filetypeOf(e.kind), child: e.name });
  }
  bases.set(out, listingBase(ctx, d.path));
  return out;
}

function lstatOrUndefined(f: () => Stat | undefined): Stat | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof FsError) return undefined; // gone since the listing: a stable number still
    throw err;
  }
}

function inoOf(ctx: WasiContext, d: DirFd, listing: ListingEntry[], i: number): bigint {
  const e = listing[i];
  if (e.ino !== undefined) return e.ino;
  const base = bases.get(listing);
  if (e.child !== undefined && base !== undefined && !base.mounted.has(e.child)) {
    const svc = base.service;
    const inner = joinPath(base.inner, e.child);
    const st = lstatOrUndefined(() => (svc.lstat ?? svc.stat).call(svc, inner));
    e.ino = ctx.inodes.idOf(joinPath(d.path, e.child), st ?? UNKNOWN_STAT, base.dev).ino;
    return e.ino;
  }
  // `..` of the fd's own directory is reported as the directory itself when
  // the fd is a preopen: the guest cannot go above it.
  const path = e.child !== undefined
    ? joinPath(d.path, e.child)
    : i === 1 && d.preopen === undefined
    ? parentPath(d.path)
    : d.path;
  const st = lstatOrUndefined(() => tryStat(ctx.root, path, false));
  e.ino = ctx.inodes.idOf(path, st ?? UNKNOWN_STAT).ino;
  return e.ino;
}

/**
 * The `fd_readdir` import over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { readdirImports } from "./readdir.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(typeof readdirImports(ctx).fd_readdir); // "function"
 * ctx.close();
 * ```
 */
export function readdirImports(ctx: WasiContext) {
  return {
    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufused: number): number {
      const d = dirFd(ctx, fd);
      requireRights(d, RIGHTS.FD_READDIR, "fd_readdir");
      const mem = ctx.mem;
      const cap = bufLen >>> 0;
      mem.check(buf, cap);
      mem.check(bufused, 4);
      const c = BigInt.asUintN(64, cookie);
      if (c === 0n || d.listing === undefined) d.listing = snapshot(ctx, d);
      const listing = d.listing;
      let used = 0;
      const start = c > BigInt(listing.length) ? listing.length : Number(c);
      for (let i = start; i < listing.length && used < cap; i++) {
        const e = listing[i];
        scratch.setBigUint64(0, BigInt(i + 1), true);
        scratch.setBigUint64(8, inoOf(ctx, d, listing, i), true);
        scratch.setUint32(16, e.name.length, true);
        scratch.setUint32(20, e.type, true);
        const head = Math.min(SIZE.DIRENT, cap - used);
        mem.write(buf + used, head === SIZE.DIRENT ? scratchBytes : scratchBytes.subarray(0, head));
        used += head;
        const name = Math.min(e.name.length, cap - used);
        if (name > 0) {
          mem.write(buf + used, name === e.name.length ? e.name : e.name.subarray(0, name));
          used += name;
        }
      }
      mem.setU32(bufused, used);
      return ERRNO.SUCCESS;
    },
  };
}
