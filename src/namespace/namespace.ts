/**
 * The namespace: file services mounted at paths, seen as one tree.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { readThroughHandle, writeThroughHandle } from "../fs/file_io.ts";
import { resolveOpenFlags } from "../fs/open_flags.ts";
import { normalizePath, parentPath } from "../fs/path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../fs/types.ts";
import { type MountRoute, MountTable, type Resolution } from "./mount_table.ts";
import { isPlainRoute, joinRoutes } from "./joined_route.ts";
import { RecentRoutes } from "./recent_routes.ts";
import {
  isServed,
  renamed,
  type Served,
  serviceHasDir,
  setTimesOf,
  statOf,
  synthesizedStat,
  unserved,
} from "./service_calls.ts";

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
 * points (`/`, `/cap`) list as read-only directories. A rename or hard link
 * across two mounts is EXDEV; removing, renaming or linking a mount point
 * is EBUSY. Errors name the full namespace path. Open flags are checked by
 * the service that opens; the namespace reads them only where it decides
 * itself (at and beside the read-only directories).
 *
 * A hop costs about one Map lookup: the table never changes once built, so
 * the namespace keeps the latest routes by path, and a route into a
 * namespace mounted here goes on through that one's table, so a call
 * reaches the final service directly.
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
  #routes: RecentRoutes;

  /** Use {@linkcode Namespace.builder}. */
  constructor(table: MountTable, guard: symbol) {
    if (guard !== BUILDER) throw new TypeError("use Namespace.builder() to make a Namespace");
    this.#table = table;
    this.#routes = new RecentRoutes((path) => this.#find(path));
  }

  /**
   * The route of `path`. A plain route into a namespace mounted here goes on
   * through that namespace's table, so a call reaches the final service in
   * one hop.
   */
  #find(path: string): MountRoute {
    const r = this.#table.route(path);
    if (!(r.service instanceof Namespace) || !isPlainRoute(r)) return r;
    const inner = r.service.#find(r.path);
    return isPlainRoute(inner) ? joinRoutes(r, inner) : r;
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
    return this.#table.resolve(path);
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

  /**
   * Runs `op` on the service holding the route's path, naming the full path
   * in errors (`op` names the service's path, as the service would).
   */
  #at<T>(r: MountRoute, op: (svc: FileService, inner: string) => T): T {
    if (!isServed(r)) throw unserved(r);
    try {
      return op(r.service, r.path);
    } catch (e) {
      throw renamed(e, r);
    }
  }

  /** Throws EBUSY when the path is a mount point or lies above one. */
  #refuseMountTree(r: MountRoute, what: string): void {
    if (r.inTable) {
      throw new FsError(
        "EBUSY",
        r.full,
        r.synthesized
          ? `cannot ${what} a directory that holds mount points`
          : `cannot ${what} a mount point`,
      );
    }
  }

  /** Throws EROFS when the path would be created directly in a synthesised directory. */
  #refuseSynthesizedParent(r: MountRoute): void {
    if (!r.parentSynthesized) return;
    const parent = parentPath(r.full);
    const covering = this.#routes.route(parent);
    if (!isServed(covering) || !serviceHasDir(covering)) {
      throw new FsError("EROFS", r.full, `${parent} is a read-only directory above mount points`);
    }
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const r = this.#routes.route(path);
    // The service checks the flags; the namespace reads them only where it decides itself.
    if (!isServed(r) || r.synthesized || r.parentSynthesized) return this.#openInTable(r, flags);
    try {
      return r.service.open(r.path, flags);
    } catch (e) {
      throw renamed(e, r);
    }
  }

  /** `open` at or next to a synthesised directory, or where nothing is mounted. */
  #openInTable(r: MountRoute, flags: OpenFlags | undefined): FileHandle {
    const f = resolveOpenFlags(flags, r.full);
    if (r.synthesized) throw new FsError(f.create && f.exclusive ? "EEXIST" : "EISDIR", r.full);
    if (f.create) this.#refuseSynthesizedParent(r);
    return this.#at(r, (svc, inner) => svc.open(inner, f));
  }

  /** Reads a whole file: the service's own fast path when it has one. */
  readFile(path: string): Uint8Array {
    const r = this.#routes.route(path);
    if (isServed(r) && !r.synthesized && r.service.readFile !== undefined) {
      try {
        return r.service.readFile(r.path);
      } catch (e) {
        throw renamed(e, r);
      }
    }
    return readThroughHandle(this, path);
  }

  /** Creates or replaces a whole file: the service's own fast path when it has one. */
  writeFile(path: string, data: Uint8Array): void {
    const r = this.#routes.route(path);
    if (
      isServed(r) && !r.synthesized && !r.parentSynthesized && r.service.writeFile !== undefined
    ) {
      try {
        return r.service.writeFile(r.path, data);
      } catch (e) {
        throw renamed(e, r);
      }
    }
    writeThroughHandle(this, path, data);
  }

  readdir(path: string): DirEntry[] {
    const r = this.#routes.route(path);
    const mounted = r.childNames();
    let own: DirEntry[] = [];
    if (isServed(r)) {
      try {
        own = r.service.readdir(r.path);
      } catch (e) {
        // Above a mount point, the covering service need not have the directory.
        if (!(mounted.length > 0 && e instanceof FsError && e.code === "ENOENT")) {
          throw renamed(e, r);
        }
      }
    } else if (mounted.length === 0) {
      throw unserved(r);
    }
    if (mounted.length === 0) return own;
    const names = new Set(mounted);
    const merged = own.filter((e) => !names.has(e.name));
    for (const name of mounted) merged.push({ name, kind: "dir" });
    return merged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stat(path: string): Stat {
    return this.#stat(path, true);
  }

  lstat(path: string): Stat {
    return this.#stat(path, false);
  }

  #stat(path: string, follow: boolean): Stat {
    const r = this.#routes.route(path);
    if (r.synthesized) return synthesizedStat(r, follow);
    if (!isServed(r)) throw unserved(r);
    try {
      return statOf(r.service, r.path, follow);
    } catch (e) {
      throw renamed(e, r);
    }
  }

  mkdir(path: string): void {
    this.#create(path, (svc, inner) => svc.mkdir(inner));
  }

  symlink(target: string, path: string): void {
    this.#create(path, (svc, inner) => {
      if (svc.symlink === undefined) {
        throw new FsError("ENOTSUP", inner, `${svc.kind} has no symlinks`);
      }
      svc.symlink(target, inner);
    });
  }

  /** Creates something new at `path`: EEXIST on the mount tree, EROFS beside it. */
  #create(path: string, op: (svc: FileService, inner: string) => void): void {
    const r = this.#routes.route(path);
    if (r.inTable) throw new FsError("EEXIST", r.full);
    this.#refuseSynthesizedParent(r);
    this.#at(r, op);
  }

  remove(path: string): void {
    const r = this.#routes.route(path);
    this.#refuseMountTree(r, "remove");
    this.#at(r, (svc, inner) => svc.remove(inner));
  }

  rename(from: string, to: string): void {
    const [a, b] = this.#withinOneMount(from, to, "rename", "replace");
    try {
      a.service.rename(a.path, b.path);
    } catch (e) {
      throw renamed(e, a);
    }
  }

  link(existing: string, newPath: string): void {
    const [a, b] = this.#withinOneMount(existing, newPath, "link", "link over");
    if (a.service.link === undefined) {
      throw new FsError("ENOTSUP", a.full, `${a.service.kind} has no hard links`);
    }
    try {
      a.service.link(a.path, b.path);
    } catch (e) {
      throw renamed(e, a);
    }
  }

  /**
   * The routes of a two-path operation: EBUSY on the mount tree, EROFS in a
   * synthesised directory, EXDEV across mounts.
   */
  #withinOneMount(from: string, to: string, verb: string, over: string): [Served, Served] {
    // Not seen through nested namespaces: a nested one decides on its own tree.
    const a = this.#table.route(from);
    const b = this.#table.route(to);
    this.#refuseMountTree(a, verb);
    this.#refuseMountTree(b, over);
    this.#refuseSynthesizedParent(b);
    if (!isServed(a)) throw unserved(a);
    if (!isServed(b)) throw unserved(b);
    if (a.mountPoint !== b.mountPoint) {
      throw new FsError("EXDEV", a.full, `cannot ${verb} across mounts to ${b.full}`);
    }
    return [a, b];
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    this.#at(
      this.#routes.route(path),
      (svc, inner) => setTimesOf(svc, inner, atimeNs, mtimeNs),
    );
  }

  lsetTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    this.#at(this.#routes.route(path), (svc, inner) => {
      if (svc.lsetTimes !== undefined) return svc.lsetTimes(inner, atimeNs, mtimeNs);
      // Without lsetTimes a service can still set the times of what is not a symlink.
      if (statOf(svc, inner, false).kind === "symlink") {
        throw new FsError("ENOTSUP", inner, `${svc.kind} cannot set a symlink's own times`);
      }
      setTimesOf(svc, inner, atimeNs, mtimeNs);
    });
  }

  readlink(path: string): string {
    return this.#at(this.#routes.route(path), (svc, inner) => {
      if (svc.readlink === undefined) throw new FsError("EINVAL", inner, "not a symlink");
      return svc.readlink(inner);
    });
  }
}
