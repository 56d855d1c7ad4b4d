/**
 * The mount table: a trie keyed by path segment, so resolution costs
 * O(depth of the path) whatever the number of mounts (DESIGN.md D4).
 *
 * @module
 */

import type { FileService } from "../fs/types.ts";

/** One node of the trie: a path segment, perhaps with a service mounted. */
interface MountNode {
  children: Map<string, MountNode>;
  /**
   * The children as a list while there are few: comparing a segment in
   * place (`startsWith` at an offset) beats slicing and hashing it.
   */
  few: Array<[string, MountNode]> | undefined;
  service: FileService | undefined;
}

/** Up to this many children, lookups compare in place instead of hashing. */
const FEW = 6;

function newNode(): MountNode {
  return { children: new Map(), few: [], service: undefined };
}

/** The child of `node` named by `path[at, end)`. */
function child(node: MountNode, path: string, at: number, end: number): MountNode | undefined {
  const few = node.few;
  if (few === undefined) return node.children.get(path.slice(at, end));
  const len = end - at;
  for (let i = 0; i < few.length; i++) {
    const [name, next] = few[i];
    if (name.length === len && path.startsWith(name, at)) return next;
  }
  return undefined;
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
 * A trie of mount points.
 *
 * @example
 * ```ts
 * import { MemFs, MountTable } from "@oanix/oanix";
 * const t = new MountTable();
 * t.add("/cap/ws", new MemFs());
 * console.log(t.resolve("/cap/ws/status")?.path); // "/status"
 * console.log(t.isSynthesized("/cap")); // true
 * ```
 */
export class MountTable {
  #root: MountNode = newNode();
  #points = new Map<string, FileService>();

  /** Adds a mount; returns false when the point is already taken. */
  add(point: string, service: FileService): boolean {
    if (this.#points.has(point)) return false;
    let node = this.#root;
    if (point !== "/") {
      for (const seg of point.slice(1).split("/")) {
        let next = node.children.get(seg);
        if (next === undefined) {
          next = newNode();
          node.children.set(seg, next);
          if (node.few !== undefined) {
            node.few = node.children.size <= FEW ? [...node.children] : undefined;
          }
        }
        node = next;
      }
    }
    node.service = service;
    this.#points.set(point, service);
    return true;
  }

  /** Resolves a normalised path to the deepest mount above or at it. */
  resolve(path: string): Resolution | undefined {
    let node = this.#root;
    let best: FileService | undefined = node.service;
    let bestEnd = 0;
    if (path !== "/") {
      let at = 1;
      const n = path.length;
      while (at <= n) {
        let end = path.indexOf("/", at);
        if (end === -1) end = n;
        const next = child(node, path, at, end);
        if (next === undefined) break;
        node = next;
        if (node.service !== undefined) {
          best = node.service;
          bestEnd = end;
        }
        at = end + 1;
      }
    }
    if (best === undefined) return undefined;
    return {
      service: best,
      path: bestEnd === 0 ? path : bestEnd === path.length ? "/" : path.slice(bestEnd),
      mountPoint: bestEnd === 0 ? "/" : path.slice(0, bestEnd),
    };
  }

  #node(path: string): MountNode | undefined {
    if (path === "/") return this.#root;
    let node: MountNode | undefined = this.#root;
    for (const seg of path.slice(1).split("/")) {
      node = node.children.get(seg);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The names of mount points (or their parents) directly below `path`. */
  childNames(path: string): string[] {
    const node = this.#node(path);
    return node === undefined ? [] : [...node.children.keys()];
  }

  /** True when `path` is a mount point. */
  isMountPoint(path: string): boolean {
    return this.#points.has(path);
  }

  /** True when `path` is a mount point or lies above one. */
  hasNode(path: string): boolean {
    return this.#node(path) !== undefined;
  }

  /** True when `path` lies above a mount point and is not one itself. */
  isSynthesized(path: string): boolean {
    return this.hasNode(path) && !this.#points.has(path);
  }

  /** Every mount, sorted by path. */
  entries(): Array<[string, FileService]> {
    return [...this.#points].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
