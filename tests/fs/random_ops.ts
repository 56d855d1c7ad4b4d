/**
 * Random file operations from a seeded generator, for property tests that
 * compare a service with a reference given the very same operations (not
 * a test file itself).
 *
 * @module
 */

import assert from "@std/assert";
import { type FileHandle, type FileService, FsError, MapFs, readFile, walk } from "../../mod.ts";

/** A small fast seeded PRNG (mulberry32): the same seed gives the same run. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const NAMES = ["a", "b", "c", "d"];

/** A random path up to three segments deep over a few names, so operations collide. */
export function randomPath(rng: Rng): string {
  const depth = 1 + rng.int(3);
  let p = "";
  for (let i = 0; i < depth; i++) p += "/" + rng.pick(NAMES);
  return p;
}

/** Random bytes (sometimes none). */
export function randomBytes(rng: Rng, max = 40): Uint8Array {
  const out = new Uint8Array(rng.int(max));
  for (let i = 0; i < out.length; i++) out[i] = rng.int(256);
  return out;
}

/** A random tree as a MapFs (files, directories, symlinks). */
export function randomBase(rng: Rng, entries = 12): MapFs {
  const b = MapFs.builder();
  const taken = new Map<string, "file" | "dir" | "symlink">();
  const fits = (p: string): boolean => {
    if (taken.has(p)) return false;
    // No file or symlink may stand where a parent directory goes.
    for (let at = p.indexOf("/", 1); at !== -1; at = p.indexOf("/", at + 1)) {
      const kind = taken.get(p.slice(0, at));
      if (kind !== undefined && kind !== "dir") return false;
    }
    return true;
  };
  const add = (p: string, kind: "file" | "dir" | "symlink") => {
    for (let at = p.indexOf("/", 1); at !== -1; at = p.indexOf("/", at + 1)) {
      taken.set(p.slice(0, at), "dir");
    }
    taken.set(p, kind);
  };
  for (let i = 0; i < entries; i++) {
    const p = randomPath(rng);
    if (!fits(p)) continue;
    const r = rng.next();
    if (r < 0.6) {
      b.file(p, randomBytes(rng));
      add(p, "file");
    } else if (r < 0.85) {
      b.dir(p);
      add(p, "dir");
    } else {
      b.symlink(rng.pick(["a", "/a", "../b", "/a/b"]), p);
      add(p, "symlink");
    }
  }
  return b.build();
}

/** One file operation, as data, so it can be replayed on another service. */
export type Op =
  | { op: "write"; path: string; data: Uint8Array }
  | { op: "mkdir"; path: string }
  | { op: "remove"; path: string }
  | { op: "rename"; from: string; to: string }
  | { op: "symlink"; target: string; path: string }
  | { op: "link"; from: string; to: string }
  | { op: "times"; path: string; mtimeNs: bigint }
  | { op: "truncate"; path: string; size: number }
  | { op: "open"; id: number; path: string }
  | { op: "hwrite"; id: number; data: Uint8Array }
  | { op: "close"; id: number };

/** Open handles by id: ids are given out once, so a replay reopens them under the same ids. */
export type Handles = Map<number, FileHandle>;

let nextHandleId = 1;

/**
 * A random operation. With `open` (the ids of the target's open handles),
 * it may also open, write through or close a handle.
 */
export function randomOp(rng: Rng, open?: readonly number[]): Op {
  const r = rng.next();
  if (open !== undefined) {
    if (r < 0.06) return { op: "open", id: nextHandleId++, path: randomPath(rng) };
    if (r < 0.14 && open.length > 0) {
      return { op: "hwrite", id: rng.pick(open), data: randomBytes(rng, 10) };
    }
    if (r < 0.18 && open.length > 0) return { op: "close", id: rng.pick(open) };
  }
  if (r < 0.45) return { op: "write", path: randomPath(rng), data: randomBytes(rng) };
  if (r < 0.55) return { op: "mkdir", path: randomPath(rng) };
  if (r < 0.68) return { op: "remove", path: randomPath(rng) };
  if (r < 0.78) return { op: "rename", from: randomPath(rng), to: randomPath(rng) };
  if (r < 0.83) {
    return { op: "symlink", target: rng.pick(["a", "/b", "../c", "/a/b"]), path: randomPath(rng) };
  }
  if (r < 0.88) return { op: "link", from: randomPath(rng), to: randomPath(rng) };
  if (r < 0.94) {
    return { op: "times", path: randomPath(rng), mtimeNs: BigInt(rng.int(1e9)) * 1000n + 7n };
  }
  return { op: "truncate", path: randomPath(rng), size: rng.int(30) };
}

/** Applies `op` to `svc`; returns the FsError code it failed with, or "ok". */
export function applyOp(svc: FileService, op: Op, handles: Handles): string {
  try {
    switch (op.op) {
      case "write":
        svc.writeFile!(op.path, op.data);
        break;
      case "mkdir":
        svc.mkdir(op.path);
        break;
      case "remove":
        svc.remove(op.path);
        break;
      case "rename":
        svc.rename(op.from, op.to);
        break;
      case "symlink":
        svc.symlink!(op.target, op.path);
        break;
      case "link":
        svc.link!(op.from, op.to);
        break;
      case "times":
        svc.setTimes!(op.path, op.mtimeNs, op.mtimeNs);
        break;
      case "truncate": {
        const h = svc.open(op.path, { write: true });
        try {
          h.truncate(op.size);
        } finally {
          h.close();
        }
        break;
      }
      case "open":
        handles.set(op.id, svc.open(op.path, { write: true, create: true }));
        break;
      case "hwrite":
        handles.get(op.id)!.write(op.data);
        break;
      case "close":
        handles.get(op.id)!.close();
        handles.delete(op.id);
        break;
    }
    return "ok";
  } catch (e) {
    if (e instanceof FsError) return e.code;
    throw e;
  }
}

/** Applies every op of `ops` to `svc` (results ignored); returns the handles left open. */
export function replay(svc: FileService, ops: readonly Op[]): Handles {
  const handles: Handles = new Map();
  for (const op of ops) applyOp(svc, op, handles);
  return handles;
}

/** Closes every handle left open. */
export function closeAll(handles: Handles): void {
  for (const h of handles.values()) h.close();
  handles.clear();
}

/** What a service shows, as plain data: every entry's kind and content, and each file's link count. */
export function view(svc: FileService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, stat } of walk(svc, "/")) {
    if (stat.kind === "dir") out[path] = "dir";
    else if (stat.kind === "symlink") out[path] = `-> ${svc.readlink!(path)}`;
    else out[path] = `file[${stat.nlink ?? "?"}] ${readFile(svc, path).join(",")}`;
  }
  return out;
}

/** Asserts that two services show the same tree. */
export function assertSameView(actual: FileService, expected: FileService, what: string): void {
  assert.deepEqual(view(actual), view(expected), what);
}
