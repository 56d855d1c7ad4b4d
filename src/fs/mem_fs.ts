/**
 * MemFs: an in-memory read/write tree.
 *
 * @module
 */

import { BufferHandle } from "./buffer_handle.ts";
import { ByteBuffer } from "./byte_buffer.ts";
import { FsError } from "./errors.ts";
import { resolveOpenFlags } from "./open_flags.ts";
import { joinPath, normalizePath, parentPath } from "./path.ts";
import { nowNs, nsToMs } from "./time.ts";
import type { DirEntry, FileHandle, OpenFlags, Stat } from "./types.ts";
import type { FileService } from "./types.ts";

const MAX_SYMLINK_HOPS = 40;

interface NodeBase {
  ino: number;
  mtimeNs: bigint;
  atimeNs: bigint;
}
interface FileNode extends NodeBase {
  kind: "file";
  data: ByteBuffer;
}
interface DirNode extends NodeBase {
  kind: "dir";
  children: Map<string, Node>;
}
interface LinkNode extends NodeBase {
  kind: "symlink";
  target: string;
}
type Node = FileNode | DirNode | LinkNode;

/** Where a path led: its parent directory, its name, and the node if any. */
interface Lookup {
  path: string;
  parent: DirNode;
  name: string;
  node: Node | undefined;
}

/**
 * An in-memory read/write file service. Writes through a handle are seen
 * by other handles at once; rename is atomic and follows POSIX; symlinks
 * resolve inside the tree and never above its root.
 *
 * @example
 * ```ts
 * import { MemFs, readText, writeText } from "@oanix/oanix";
 * const tmp = new MemFs();
 * tmp.mkdir("/notes");
 * writeText(tmp, "/notes/a.txt", "remember");
 * console.log(tmp.readdir("/notes")); // [{ name: "a.txt", kind: "file" }]
 * console.log(readText(tmp, "/notes/a.txt"));
 * ```
 */
export class MemFs implements FileService {
  readonly kind: string = "mem";
  #nextIno = 1;
  #root: DirNode;

  constructor() {
    this.#root = this.#newDir();
  }

  #stamp(): { ino: number; mtimeNs: bigint; atimeNs: bigint } {
    const t = nowNs();
    return { ino: this.#nextIno++, mtimeNs: t, atimeNs: t };
  }

  #newDir(): DirNode {
    return { kind: "dir", children: new Map(), ...this.#stamp() };
  }

  #newFile(data?: Uint8Array): FileNode {
    return { kind: "file", data: new ByteBuffer(data), ...this.#stamp() };
  }

  /**
   * Walks `path`; symlinks in the parents are always followed, a final
   * symlink only when `follow` is true.
   */
  #lookup(path: string, follow: boolean): Lookup {
    let hops = 0;
    let p = normalizePath(path);
    restart: for (;;) {
      if (p === "/") {
        return { path: p, parent: this.#root, name: "", node: this.#root };
      }
      let dir = this.#root;
      let at = 1;
      for (;;) {
        const slash = p.indexOf("/", at);
        const last = slash === -1;
        const name = last ? p.slice(at) : p.slice(at, slash);
        const node = dir.children.get(name);
        if (node?.kind === "symlink" && (!last || follow)) {
          if (++hops > MAX_SYMLINK_HOPS) throw new FsError("ELOOP", path);
          const here = p.slice(0, last ? p.length : slash);
          const target = node.target.startsWith("/")
            ? node.target
            : joinPath(parentPath(here), node.target);
          p = normalizePath(last ? target : target + p.slice(slash));
          continue restart;
        }
        if (last) return { path: p, parent: dir, name, node };
        if (node === undefined) throw new FsError("ENOENT", path);
        if (node.kind !== "dir") throw new FsError("ENOTDIR", path);
        dir = node;
        at = slash + 1;
      }
    }
  }

  #existing(path: string, follow = true): Node {
    const { node } = this.#lookup(path, follow);
    if (node === undefined) throw new FsError("ENOENT", path);
    return node;
  }

  #dir(path: string): DirNode {
    const node = this.#existing(path);
    if (node.kind !== "dir") throw new FsError("ENOTDIR", path);
    return node;
  }

  #statOf(node: Node): Stat {
    return {
      kind: node.kind,
      size: node.kind === "file"
        ? node.data.size
        : node.kind === "symlink"
        ? node.target.length
        : 0,
      mtime: nsToMs(node.mtimeNs),
      readOnly: false,
      ino: node.ino,
      mtimeNs: node.mtimeNs,
      atimeNs: node.atimeNs,
    };
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const f = resolveOpenFlags(flags, path);
    const found = this.#lookup(path, true);
    let node = found.node;
    if (node !== undefined && f.create && f.exclusive) {
      throw new FsError("EEXIST", path);
    }
    if (node === undefined) {
      if (!f.create) throw new FsError("ENOENT", path);
      if (f.directory) throw new FsError("ENOENT", path, "no such directory");
      node = this.#newFile();
      found.parent.children.set(found.name, node);
      found.parent.mtimeNs = node.mtimeNs;
    }
    if (node.kind === "dir") throw new FsError("EISDIR", path);
    if (f.directory) throw new FsError("ENOTDIR", path);
    const file = node as FileNode;
    if (f.truncate && file.data.size > 0) {
      file.data.truncate(0);
      file.mtimeNs = nowNs();
    }
    return new BufferHandle({
      path: found.path,
      buffer: file.data,
      readable: f.read,
      writable: f.write,
      append: f.append,
      stat: () => this.#statOf(file),
      onChange: () => {
        file.mtimeNs = nowNs();
      },
    });
  }

  readdir(path: string): DirEntry[] {
    const dir = this.#dir(path);
    const out: DirEntry[] = [];
    for (const [name, node] of dir.children) out.push({ name, kind: node.kind });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stat(path: string): Stat {
    return this.#statOf(this.#existing(path, true));
  }

  lstat(path: string): Stat {
    return this.#statOf(this.#existing(path, false));
  }

  mkdir(path: string): void {
    const found = this.#lookup(path, false);
    if (found.node !== undefined) throw new FsError("EEXIST", path);
    const dir = this.#newDir();
    found.parent.children.set(found.name, dir);
    found.parent.mtimeNs = dir.mtimeNs;
  }

  remove(path: string): void {
    const found = this.#lookup(path, false);
    if (found.node === undefined) throw new FsError("ENOENT", path);
    if (found.node === this.#root) {
      throw new FsError("EBUSY", path, "cannot remove the root");
    }
    if (found.node.kind === "dir" && found.node.children.size > 0) {
      throw new FsError("ENOTEMPTY", path);
    }
    found.parent.children.delete(found.name);
    found.parent.mtimeNs = nowNs();
  }

  rename(from: string, to: string): void {
    const src = this.#lookup(from, false);
    const dst = this.#lookup(to, false);
    if (src.node === undefined) throw new FsError("ENOENT", from);
    if (src.node === this.#root || dst.node === this.#root) {
      throw new FsError("EBUSY", from, "cannot rename the root");
    }
    if (src.node === dst.node) return;
    if (src.node.kind === "dir" && isInside(dst.path, src.path)) {
      throw new FsError("EINVAL", to, `cannot move ${from} inside itself`);
    }
    if (dst.node !== undefined) {
      if (src.node.kind === "dir") {
        if (dst.node.kind !== "dir") throw new FsError("ENOTDIR", to);
        if (dst.node.children.size > 0) throw new FsError("ENOTEMPTY", to);
      } else if (dst.node.kind === "dir") {
        throw new FsError("EISDIR", to);
      }
    }
    // Every check is done: from here nothing can fail.
    src.parent.children.delete(src.name);
    dst.parent.children.set(dst.name, src.node);
    const t = nowNs();
    src.parent.mtimeNs = t;
    dst.parent.mtimeNs = t;
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    const node = this.#existing(path, true);
    if (atimeNs !== undefined) node.atimeNs = atimeNs;
    if (mtimeNs !== undefined) node.mtimeNs = mtimeNs;
  }

  symlink(target: string, path: string): void {
    if (typeof target !== "string" || target === "" || target.includes("\0")) {
      throw new FsError("EINVAL", path, "bad symlink target");
    }
    const found = this.#lookup(path, false);
    if (found.node !== undefined) throw new FsError("EEXIST", path);
    found.parent.children.set(found.name, {
      kind: "symlink",
      target,
      ...this.#stamp(),
    });
  }

  readlink(path: string): string {
    const node = this.#existing(path, false);
    if (node.kind !== "symlink") {
      throw new FsError("EINVAL", path, "not a symlink");
    }
    return node.target;
  }

  describe(): Record<string, unknown> {
    return {};
  }
}

function isInside(path: string, dir: string): boolean {
  return path.startsWith(dir + "/");
}
