/**
 * The namespace: file services mounted at paths, seen as one tree.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { resolveOpenFlags } from "../fs/open_flags.ts";
import { normalizePath, parentPath } from "../fs/path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../fs/types.ts";
import { MountTable, type Resolution } from "./mount_table.ts";

/**
 * One mount: where, and what.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const [m] = ns.mounts();
 * console.log(m.path, m.service.kind); // "/tmp" "mem"
 * ```
 */
export interface Mount {
  /** The mount point. */
  path: string;
  /** The mounted service (the very instance given to `mount`). */
  service: FileService;
}

/**
 * A mount as plain data: the path, the kind of service, and whatever the
 * service's `describe()` adds.
 *
 * @example
 * ```ts
 * import type { MountDescription } from "@oanix/oanix";
 * const d: MountDescription = { path: "/tmp", kind: "mem" };
 * ```
 */
export interface MountDescription {
  /** The mount point. */
  path: string;
  /** The service's `kind`. */
  kind: string;
  /** Extra data from the service's `describe()`. */
  [extra: string]: unknown;
}

/**
 * A namespace as plain data: JSON-serialisable.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * const d = Namespace.builder().mount("/tmp", new MemFs()).build().describe();
 * console.log(JSON.stringify(d)); // {"mounts":[{"path":"/tmp","kind":"mem"}]}
 * ```
 */
export interface NamespaceDescription {
  /** The mounts, sorted by path. */
  mounts: MountDescription[];
  /** Room for more, such as an environment's status. */
  [extra: string]: unknown;
}

const SYNTHESIZED_STAT: Stat = { kind: "dir", size: 0, mtime: 0, readOnly: true, mtimeNs: 0n };

/**
 * Builds a {@linkcode Namespace}. Mounting the same path twice throws.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { NamespaceBuilder } from "@oanix/oanix";
 * const ns = new NamespaceBuilder().mount("/tmp", new MemFs()).build();
 * ```
 */
export class NamespaceBuilder {
  #table = new MountTable();
  #built = false;

  /** Mounts `service` at `path`. The instance is shared, not copied. */
  mount(path: string, service: FileService): this {
    if (this.#built) throw new Error("NamespaceBuilder: already built");
    const p = normalizePath(path);
    if (
      service === null || typeof service !== "object" ||
      typeof (service as FileService).open !== "function" ||
      typeof (service as FileService).readdir !== "function" ||
      typeof (service as FileService).stat !== "function"
    ) {
      throw new TypeError(`mount ${p}: expected a FileService, got ${typeOf(service)}`);
    }
    if (!this.#table.add(p, service)) {
      throw new FsError("EEXIST", p, "a service is already mounted there");
    }
    return this;
  }

  /** The namespace. The builder cannot be used again. */
  build(): Namespace {
    if (this.#built) throw new Error("NamespaceBuilder: already built");
    this.#built = true;
    return new Namespace(this.#table, BUILDER);
  }
}

const BUILDER = Symbol("NamespaceBuilder");

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/**
 * Mounted file services seen as one tree. A namespace is itself a
 * {@linkcode FileService}, so every helper (`readFile`, `writeText`, ...)
 * works on it, and it can be mounted in another namespace.
 *
 * Paths are normalised here, once (DESIGN.md D4). The parents of mount
 * points (`/`, `/cap`) list as read-only directories. A rename across two
 * mounts is EXDEV; removing or renaming a mount point is EBUSY. Errors name
 * the full namespace path.
 *
 * @example
 * ```ts
 * import { MapFs, MemFs, Namespace, readText, writeText } from "@oanix/oanix";
 * const ns = Namespace.builder()
 *   .mount("/workspace", MapFs.fromObject({ "/hello.txt": "hi" }))
 *   .mount("/tmp", new MemFs())
 *   .build();
 * writeText(ns, "/tmp/copy.txt", readText(ns, "/workspace/hello.txt"));
 * console.log(ns.readdir("/").map((e) => e.name)); // ["tmp", "workspace"]
 * const r = ns.resolve("/workspace/hello.txt");
 * console.log(r?.path); // "/hello.txt"
 * ```
 */
export class Namespace implements FileService {
  readonly kind: string = "namespace";
  #table: MountTable;

  /** Use {@linkcode Namespace.builder}. */
  constructor(table: MountTable, guard: symbol) {
    if (guard !== BUILDER) throw new TypeError("use Namespace.builder() to make a Namespace");
    this.#table = table;
  }

  /**
   * A new builder.
   *
   * @example
   * ```ts
   * import { MemFs, Namespace } from "@oanix/oanix";
   * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
   * ```
   */
  static builder(): NamespaceBuilder {
    return new NamespaceBuilder();
  }

  /** Resolves a path to the service holding it, or undefined when none does. */
  resolve(path: string): Resolution | undefined {
    return this.#table.resolve(normalizePath(path));
  }

  /** The mount table, sorted by path. */
  mounts(): Mount[] {
    return this.#table.entries().map(([path, service]) => ({ path, service }));
  }

  /** The namespace as plain data. */
  describe(): NamespaceDescription {
    return {
      mounts: this.mounts().map(({ path, service }) => ({
        path,
        kind: service.kind,
        ...(service.describe?.() ?? {}),
      })),
    };
  }

  /** Runs `op` on the service holding `path`, naming the full path in errors. */
  #at<T>(path: string, op: (r: Resolution, p: string) => T): T {
    const p = normalizePath(path);
    const r = this.#table.resolve(p);
    if (r === undefined) {
      if (this.#table.hasNode(p)) {
        throw new FsError("EROFS", p, "a read-only directory above mount points");
      }
      throw new FsError("ENOENT", p, "nothing is mounted there");
    }
    try {
      return op(r, p);
    } catch (e) {
      throw renamed(e, r, p);
    }
  }

  /** Throws EBUSY (or EROFS) when `p` is a mount point or lies above one. */
  #refuseMountTree(p: string, what: string): void {
    if (this.#table.hasNode(p)) {
      throw new FsError(
        "EBUSY",
        p,
        this.#table.isMountPoint(p)
          ? `cannot ${what} a mount point`
          : `cannot ${what} a directory that holds mount points`,
      );
    }
  }

  /** Throws EROFS when `p` would be created directly in a synthesised directory. */
  #refuseSynthesizedParent(p: string): void {
    const parent = parentPath(p);
    if (!this.#table.isSynthesized(parent)) return;
    const r = this.#table.resolve(parent);
    if (r === undefined || !serviceHas(r)) {
      throw new FsError("EROFS", p, `${parent} is a read-only directory above mount points`);
    }
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    if (this.#table.isSynthesized(p)) {
      throw new FsError(f.create && f.exclusive ? "EEXIST" : "EISDIR", p);
    }
    if (f.create) this.#refuseSynthesizedParent(p);
    return this.#at(p, (r) => r.service.open(r.path, f));
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    const mounted = this.#table.childNames(p);
    const r = this.#table.resolve(p);
    let own: DirEntry[] = [];
    if (r !== undefined) {
      try {
        own = r.service.readdir(r.path);
      } catch (e) {
        // Above a mount point, the covering service need not have the directory.
        if (!(mounted.length > 0 && e instanceof FsError && e.code === "ENOENT")) {
          throw renamed(e, r, p);
        }
      }
    } else if (mounted.length === 0) {
      throw new FsError("ENOENT", p, "nothing is mounted there");
    }
    if (mounted.length === 0) return own;
    const names = new Set(mounted);
    const merged = own.filter((e) => !names.has(e.name));
    for (const name of mounted) merged.push({ name, kind: "dir" });
    return merged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stat(path: string): Stat {
    return this.#statWith(path, (svc, p) => svc.stat(p));
  }

  lstat(path: string): Stat {
    return this.#statWith(path, (svc, p) => (svc.lstat ?? svc.stat).call(svc, p));
  }

  #statWith(path: string, how: (svc: FileService, p: string) => Stat): Stat {
    const p = normalizePath(path);
    if (this.#table.isSynthesized(p)) {
      const r = this.#table.resolve(p);
      if (r === undefined) return { ...SYNTHESIZED_STAT };
      try {
        return how(r.service, r.path);
      } catch (e) {
        if (e instanceof FsError && e.code === "ENOENT") return { ...SYNTHESIZED_STAT };
        throw renamed(e, r, p);
      }
    }
    return this.#at(p, (r) => how(r.service, r.path));
  }

  mkdir(path: string): void {
    const p = normalizePath(path);
    if (this.#table.hasNode(p)) throw new FsError("EEXIST", p);
    this.#refuseSynthesizedParent(p);
    this.#at(p, (r) => r.service.mkdir(r.path));
  }

  remove(path: string): void {
    const p = normalizePath(path);
    this.#refuseMountTree(p, "remove");
    this.#at(p, (r) => r.service.remove(r.path));
  }

  rename(from: string, to: string): void {
    const a = normalizePath(from);
    const b = normalizePath(to);
    this.#refuseMountTree(a, "rename");
    this.#refuseMountTree(b, "replace");
    this.#refuseSynthesizedParent(b);
    const ra = this.#table.resolve(a);
    const rb = this.#table.resolve(b);
    if (ra === undefined) throw new FsError("ENOENT", a, "nothing is mounted there");
    if (rb === undefined) throw new FsError("ENOENT", b, "nothing is mounted there");
    if (ra.mountPoint !== rb.mountPoint) {
      throw new FsError("EXDEV", a, `cannot rename across mounts to ${b}`);
    }
    try {
      ra.service.rename(ra.path, rb.path);
    } catch (e) {
      throw renamed(e, ra, a);
    }
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    this.#at(path, (r, p) => {
      if (r.service.setTimes === undefined) {
        throw new FsError("ENOTSUP", p, `${r.service.kind} does not keep times`);
      }
      r.service.setTimes(r.path, atimeNs, mtimeNs);
    });
  }

  symlink(target: string, path: string): void {
    const p = normalizePath(path);
    if (this.#table.hasNode(p)) throw new FsError("EEXIST", p);
    this.#refuseSynthesizedParent(p);
    this.#at(p, (r) => {
      if (r.service.symlink === undefined) {
        throw new FsError("ENOTSUP", p, `${r.service.kind} has no symlinks`);
      }
      r.service.symlink(target, r.path);
    });
  }

  readlink(path: string): string {
    return this.#at(path, (r, p) => {
      if (r.service.readlink === undefined) throw new FsError("EINVAL", p, "not a symlink");
      return r.service.readlink(r.path);
    });
  }
}

/** True when the service covering a synthesised directory really has it. */
function serviceHas(r: Resolution): boolean {
  try {
    return r.service.stat(r.path).kind === "dir";
  } catch {
    return false;
  }
}

/** Re-issues a service's FsError with the namespace path in place of its own. */
function renamed(e: unknown, r: Resolution, nsPath: string): unknown {
  if (!(e instanceof FsError) || e.path === undefined) return e;
  let full = nsPath;
  if (e.path !== r.path && e.path.startsWith("/")) {
    full = r.mountPoint === "/" ? e.path : e.path === "/" ? r.mountPoint : r.mountPoint + e.path;
  }
  if (full === e.path) return e;
  return new FsError(e.code, full, e.reason);
}
