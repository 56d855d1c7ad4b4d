/**
 * The baseline of the file-service benches: the practical limit of an
 * in-memory tree, hand-written. A `Map<path, bytes>` holds the files and a
 * `Map<dir, Set<name>>` the directories; bytes are copied in and out (so a
 * returned buffer never aliases the file, as the contract says), and paths
 * are taken as given (no normalisation, no symlinks, no times, no handles).
 *
 * Nothing in OANIX uses it: it only sets the bar in bench/fs_bench.ts and
 * bench/scaling_bench.ts.
 *
 * @module
 */

/** What the baseline reports on a path. */
export interface MapTreeStat {
  /** "file" or "dir". */
  kind: "file" | "dir";
  /** Size in bytes (0 for a directory). */
  size: number;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * A Map tree: create, read, overwrite, list, stat and delete, each as cheap
 * as a Map makes it.
 *
 * @example
 * ```ts
 * import { MapTree } from "./map_tree.ts";
 * const t = new MapTree();
 * t.mkdir("/d");
 * t.writeFile("/d/a", new Uint8Array([1]));
 * console.log(t.readdir("/d"), t.readFile("/d/a").length); // ["a"] 1
 * ```
 */
export class MapTree {
  #files = new Map<string, Uint8Array>();
  #dirs = new Map<string, Set<string>>([["/", new Set()]]);

  /** Creates a directory; its parent must exist. */
  mkdir(path: string): void {
    const parent = this.#dirs.get(parentOf(path));
    if (parent === undefined) throw new Error(`ENOENT: ${path}`);
    if (this.#dirs.has(path) || this.#files.has(path)) throw new Error(`EEXIST: ${path}`);
    parent.add(nameOf(path));
    this.#dirs.set(path, new Set());
  }

  /** Creates or replaces a file with a copy of `data`. */
  writeFile(path: string, data: Uint8Array): void {
    if (!this.#files.has(path)) {
      const parent = this.#dirs.get(parentOf(path));
      if (parent === undefined) throw new Error(`ENOENT: ${path}`);
      if (this.#dirs.has(path)) throw new Error(`EISDIR: ${path}`);
      parent.add(nameOf(path));
    }
    this.#files.set(path, data.slice());
  }

  /** A copy of a file's bytes. */
  readFile(path: string): Uint8Array {
    const bytes = this.#files.get(path);
    if (bytes === undefined) throw new Error(`ENOENT: ${path}`);
    return bytes.slice();
  }

  /** Kind and size. */
  stat(path: string): MapTreeStat {
    const bytes = this.#files.get(path);
    if (bytes !== undefined) return { kind: "file", size: bytes.length };
    if (this.#dirs.has(path)) return { kind: "dir", size: 0 };
    throw new Error(`ENOENT: ${path}`);
  }

  /** A directory's names, in creation order (a fresh array). */
  readdir(path: string): string[] {
    const names = this.#dirs.get(path);
    if (names === undefined) throw new Error(`ENOENT: ${path}`);
    return Array.from(names);
  }

  /** Removes a file or an empty directory. */
  remove(path: string): void {
    if (this.#files.delete(path)) {
      this.#dirs.get(parentOf(path))!.delete(nameOf(path));
      return;
    }
    const names = this.#dirs.get(path);
    if (names === undefined) throw new Error(`ENOENT: ${path}`);
    if (names.size > 0) throw new Error(`ENOTEMPTY: ${path}`);
    this.#dirs.delete(path);
    this.#dirs.get(parentOf(path))!.delete(nameOf(path));
  }
}
