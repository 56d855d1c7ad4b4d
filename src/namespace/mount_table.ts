/**
 * The mount table: a trie keyed by path segment, so resolution costs
 * O(depth of the path) whatever the number of mounts (DESIGN.md D4).
 *
 * @module
 */

import { MAX_NAME_LENGTH, MAX_PATH_LENGTH, normalizePath } from "../fs/path.ts";
import type { FileService } from "../fs/types.ts";

/** One node of the trie: a path segment, perhaps with a service mounted. */
interface MountNode {
  /** The segment this node stands for ("" for the root). */
  name: string;
  children: Map<string, MountNode>;
  /**
   * The children again, as a list while there are few: comparing a segment
   * in place, character by character, beats slicing and hashing it.
   */
  few: MountNode[] | undefined;
  service: FileService | undefined;
}

/** Up to this many children, lookups compare in place instead of hashing. */
const FEW = 16;
const SLASH = 47;
const DOT = 46;

function newNode(name: string): MountNode {
  return { name, children: new Map(), few: [], service: undefined };
}

/**
 * The child of `node` named by the segment of `path` that starts at
 * `start` (it ends at the next "/" or at the end of the path).
 */
function child(node: MountNode, path: string, start: number): MountNode | undefined {
  const few = node.few;
  const n = path.length;
  if (few === undefined) {
    let end = start;
    while (end < n && path.charCodeAt(end) !== SLASH) end++;
    return node.children.get(path.slice(start, end));
  }
  next: for (let i = 0; i < few.length; i++) {
    const name = few[i].name;
    const end = start + name.length;
    if (end > n || (end < n && path.charCodeAt(end) !== SLASH)) continue;
    for (let j = 0; j < name.length; j++) {
      if (name.charCodeAt(j) !== path.charCodeAt(start + j)) continue next;
    }
    return few[i];
  }
  return undefined;
}

/**
 * How many segments `path` holds from `start` on, or -1 unless each is one
 * a normal path may hold: not empty, not `.` or `..`, not too long, no NUL.
 */
function plainSegments(path: string, start: number): number {
  const n = path.length;
  let count = 0;
  for (let i = start; i <= n; i++) {
    const c = i < n ? path.charCodeAt(i) : SLASH;
    if (c === 0) return -1;
    if (c !== SLASH) continue;
    const len = i - start;
    if (len === 0 || len > MAX_NAME_LENGTH) return -1;
    if (
      path.charCodeAt(start) === DOT &&
      (len === 1 || (len === 2 && path.charCodeAt(start + 1) === DOT))
    ) return -1;
    count++;
    start = i + 1;
  }
  return count;
}

/**
 * Where a path resolved to: the service, the path inside it, and the mount
 * point that matched.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const r = ns.resolve("/tmp/a.txt");
 * console.log(r?.mountPoint, r?.path); // "/tmp" "/a.txt"
 * ```
 */
export interface Resolution {
  /** The mounted service that holds the path. */
  service: FileService;
  /** The path inside the service (absolute, normalised). */
  path: string;
  /** The mount point that matched: the longest, by whole segments. */
  mountPoint: string;
}

/**
 * Where a path falls in a {@linkcode MountTable}, found in one walk of the
 * trie: the service holding it, and whether the path or its
 * parent is part of the table itself (a mount point, or a synthesised
 * directory above mount points).
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * const t = new MountTable();
 * t.add("/cap/ws", new MemFs());
 * const r = t.route("/cap/ws/status");
 * console.log(r.path, r.mountPoint, r.inTable); // "/status" "/cap/ws" false
 * console.log(t.route("/cap").synthesized); // true
 * ```
 */
export interface MountRoute {
  /** The path walked, normalised: the whole path, as the namespace sees it. */
  readonly full: string;
  /** The deepest service mounted at or above the path, if any. */
  readonly service: FileService | undefined;
  /** The path inside that service (`full` itself when nothing is mounted). */
  readonly path: string;
  /** The mount point that matched: the longest, by whole segments. */
  readonly mountPoint: string;
  /** True when the path is a mount point or lies above one. */
  readonly inTable: boolean;
  /** True when the path lies above mount points and is not one itself. */
  readonly synthesized: boolean;
  /** True when the path's parent lies above mount points and is not one itself. */
  readonly parentSynthesized: boolean;
  /** The names of mount points (or their parents) directly below the path. */
  childNames(): string[];
}

/** A route as the walk found it; the mount point is cut out only when asked for. */
class Route implements MountRoute {
  readonly full: string;
  readonly service: FileService | undefined;
  readonly path: string;
  readonly inTable: boolean;
  readonly synthesized: boolean;
  readonly parentSynthesized: boolean;
  #mountEnd: number;
  #node: MountNode | undefined;

  constructor(
    full: string,
    service: FileService | undefined,
    mountEnd: number,
    node: MountNode | undefined,
    parent: MountNode | undefined,
  ) {
    this.full = full;
    this.service = service;
    this.#mountEnd = mountEnd;
    this.path = mountEnd === 0 ? full : mountEnd === full.length ? "/" : full.slice(mountEnd);
    this.#node = node;
    this.inTable = node !== undefined;
    this.synthesized = node !== undefined && node.service === undefined;
    this.parentSynthesized = parent !== undefined && parent.service === undefined;
  }

  get mountPoint(): string {
    return this.#mountEnd === 0 ? "/" : this.full.slice(0, this.#mountEnd);
  }

  childNames(): string[] {
    return this.#node === undefined ? [] : [...this.#node.children.keys()];
  }
}

/**
 * A trie of mount points.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { MountTable } from "./mount_table.ts";
 * const t = new MountTable();
 * t.add("/cap/ws", new MemFs());
 * console.log(t.resolve("/cap/ws/status")?.path); // "/status"
 * console.log(t.isSynthesized("/cap")); // true
 * ```
 */
export class MountTable {
  #root: MountNode = newNode("");
  #points = new Map<string, FileService>();

  /**
   * Adds a mount; returns false when the point is already taken.
   *
   * @throws {FsError} what {@linkcode normalizePath} throws for a bad point.
   */
  add(path: string, service: FileService): boolean {
    const point = normalizePath(path);
    if (this.#points.has(point)) return false;
    let node = this.#root;
    if (point !== "/") {
      for (const seg of point.slice(1).split("/")) {
        let next = node.children.get(seg);
        if (next === undefined) {
          next = newNode(seg);
          node.children.set(seg, next);
          node.few = node.children.size <= FEW ? [...node.children.values()] : undefined;
        }
        node = next;
      }
    }
    node.service = service;
    this.#points.set(point, service);
    return true;
  }

  /**
   * Routes `path` to the deepest mount at or above it. One pass over the
   * characters both checks that the path is normal and walks the trie,
   * comparing segments in place: no array of segments, no substring but the
   * path inside the service. Anything else is normalised first.
   *
   * @throws {FsError} what {@linkcode normalizePath} throws for a bad path.
   */
  route(path: string): MountRoute {
    // normalizePath's result always passes the walk's check.
    return this.#walk(path) ?? this.#walk(normalizePath(path))!;
  }

  /** The route of `path`, or undefined unless `path` is plainly normal. */
  #walk(path: string): Route | undefined {
    if (typeof path !== "string") return undefined;
    const n = path.length;
    if (n > MAX_PATH_LENGTH || path.charCodeAt(0) !== SLASH) return undefined;
    const root = this.#root;
    if (n === 1) return new Route(path, root.service, 0, root, root);
    // Segments matched in the trie are mount point names, so plainly normal.
    let node: MountNode | undefined = root;
    let best = root.service;
    let bestEnd = 0;
    let at = 1;
    for (;;) {
      const next = child(node, path, at);
      if (next === undefined) break;
      const end = at + next.name.length;
      if (next.service !== undefined) {
        best = next.service;
        bestEnd = end;
      }
      if (end === n) return new Route(path, best, bestEnd, next, node);
      node = next;
      at = end + 1;
    }
    // The rest is checked here, and lies outside the table.
    const rest = plainSegments(path, at);
    if (rest === -1) return undefined;
    return new Route(path, best, bestEnd, undefined, rest === 1 ? node : undefined);
  }

  /** Resolves a path to the deepest mount at or above it (see {@linkcode MountTable.route}). */
  resolve(path: string): Resolution | undefined {
    const r = this.route(path);
    if (r.service === undefined) return undefined;
    return { service: r.service, path: r.path, mountPoint: r.mountPoint };
  }

  /** The names of mount points (or their parents) directly below `path`. */
  childNames(path: string): string[] {
    return this.route(path).childNames();
  }

  /** True when `path` is a mount point. */
  isMountPoint(path: string): boolean {
    return this.#points.has(normalizePath(path));
  }

  /** True when `path` is a mount point or lies above one. */
  hasNode(path: string): boolean {
    return this.route(path).inTable;
  }

  /** True when `path` lies above a mount point and is not one itself. */
  isSynthesized(path: string): boolean {
    return this.route(path).synthesized;
  }

  /** Every mount, sorted by path. */
  entries(): Array<[string, FileService]> {
    return [...this.#points].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
