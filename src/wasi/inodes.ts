/**
 * Device and inode numbers for the guest: unique across the namespace and
 * stable for the life of a run.
 *
 * A file's inode is its service's `Stat.ino` with its mount's index in the
 * high bits; the device number is the mount's index. Files whose service
 * keeps no inode numbers, and the directories synthesised above mount
 * points, get numbers from a stable map keyed by path.
 *
 * @module
 */

import type { FileService, Stat } from "../fs/types.ts";
import { FILETYPE } from "./constants.ts";

/** What a namespace offers beyond a FileService: resolution to a mount. */
interface Resolver {
  resolve(path: string): { mountPoint: string } | undefined;
}

const MOUNT_SHIFT = 40n;
const MAPPED_BASE = 1n << 39n;

/**
 * A file's identity as the guest sees it.
 *
 * @example
 * ```ts
 * import type { FileId } from "./inodes.ts";
 * const id: FileId = { dev: 1n, ino: (1n << 40n) | 7n };
 * ```
 */
export interface FileId {
  /** The device: the mount's index + 1 (0 for synthesised directories). */
  dev: bigint;
  /** The inode, unique across the namespace. */
  ino: bigint;
}

/**
 * Gives out device and inode numbers for one run.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace, writeText } from "@oanix/oanix";
 * import { InodeTable } from "./inodes.ts";
 * const a = new MemFs();
 * const b = new MemFs();
 * writeText(a, "/x", "1");
 * writeText(b, "/x", "2");
 * const ns = Namespace.builder().mount("/a", a).mount("/b", b).build();
 * const inodes = new InodeTable(ns);
 * const ia = inodes.idOf("/a/x", ns.stat("/a/x"));
 * const ib = inodes.idOf("/b/x", ns.stat("/b/x"));
 * console.log(ia.ino !== ib.ino); // true, though both services said ino 2
 * ```
 */
export class InodeTable {
  #root: FileService;
  #mounts = new Map<string, bigint>();
  #mapped = new Map<string, bigint>();
  #nextMapped = MAPPED_BASE;

  /**
   * A table for the guest of `root`; its mounts are numbered in order.
   * @param root the namespace (or any service) the guest sees
   */
  constructor(root: FileService) {
    this.#root = root;
    const mounts = (root as { mounts?: () => Array<{ path: string }> }).mounts;
    if (typeof mounts === "function") {
      for (const m of mounts.call(root)) this.#mountIndex(m.path);
    }
  }

  /** The device number of the mount holding `path` (0 when none does). */
  devOf(path: string): bigint {
    const resolve = (this.#root as unknown as Partial<Resolver>).resolve;
    if (typeof resolve !== "function") return 1n;
    const r = resolve.call(this.#root, path);
    return r === undefined ? 0n : this.#mountIndex(r.mountPoint);
  }

  #mountIndex(point: string): bigint {
    let i = this.#mounts.get(point);
    if (i === undefined) {
      i = BigInt(this.#mounts.size + 1);
      this.#mounts.set(point, i);
    }
    return i;
  }

  /** The identity of the file at namespace path `path`, whose stat is `st`. */
  idOf(path: string, st: Stat, dev: bigint = this.devOf(path)): FileId {
    if (st.ino !== undefined && dev !== 0n && Number.isSafeInteger(st.ino) && st.ino >= 0) {
      return { dev, ino: (dev << MOUNT_SHIFT) | BigInt(st.ino) };
    }
    const key = `${dev}\0${path}`;
    let ino = this.#mapped.get(key);
    if (ino === undefined) {
      ino = (dev << MOUNT_SHIFT) | this.#nextMapped++;
      this.#mapped.set(key, ino);
    }
    return { dev, ino };
  }

  /** An identity for something that is not in the namespace (the stdio pipes). */
  idOfSpecial(name: string): FileId {
    return this.idOf(`\0${name}`, { kind: "file", size: 0, mtime: 0, readOnly: false }, 0n);
  }
}

/**
 * The WASI file type of a contract file kind.
 *
 * @example
 * ```ts
 * import { filetypeOf } from "./inodes.ts";
 * console.log(filetypeOf("dir")); // 3
 * ```
 */
export function filetypeOf(kind: Stat["kind"]): number {
  return kind === "dir"
    ? FILETYPE.DIRECTORY
    : kind === "symlink"
    ? FILETYPE.SYMBOLIC_LINK
    : FILETYPE.REGULAR_FILE;
}

/**
 * A stat's modification time in nanoseconds (from `mtimeNs`, else `mtime`).
 *
 * @example
 * ```ts
 * import { mtimeNsOf } from "./inodes.ts";
 * console.log(mtimeNsOf({ kind: "file", size: 0, mtime: 1.5, readOnly: false })); // 1500000n
 * ```
 */
export function mtimeNsOf(st: Stat): bigint {
  if (typeof st.mtimeNs === "bigint") return st.mtimeNs;
  return Number.isFinite(st.mtime) ? BigInt(Math.round(st.mtime * 1e6)) : 0n;
}

/**
 * A stat's access time in nanoseconds (the modification time when not kept).
 *
 * @example
 * ```ts
 * import { atimeNsOf } from "./inodes.ts";
 * console.log(atimeNsOf({ kind: "file", size: 0, mtime: 0, readOnly: false, atimeNs: 7n })); // 7n
 * ```
 */
export function atimeNsOf(st: Stat): bigint {
  return typeof st.atimeNs === "bigint" ? st.atimeNs : mtimeNsOf(st);
}
