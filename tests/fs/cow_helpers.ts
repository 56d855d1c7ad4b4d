/**
 * Shared helpers for the CowFs tests (not a test file itself).
 *
 * @module
 */

import assert from "@std/assert";
import {
  type DirEntry,
  type FileHandle,
  type FileService,
  FsError,
  type FsErrorCode,
  MapFs,
  type OpenFlags,
  readText,
  type Stat,
  walk,
} from "../../mod.ts";

/** Asserts that `fn` throws an FsError with `code`. */
export function assertCode(fn: () => unknown, code: FsErrorCode, message?: string): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof FsError)) {
      throw new assert.AssertionError({ message: `not an FsError: ${e}` });
    }
    assert.equal(e.code, code, message ?? e.message);
    return true;
  });
}

/** Every entry of `svc` as a plain object: file → content, dir → "<dir>", symlink → "-> target". */
export function snapshot(svc: FileService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, stat } of walk(svc, "/")) {
    out[path] = stat.kind === "dir"
      ? "<dir>"
      : stat.kind === "symlink"
      ? `-> ${svc.readlink!(path)}`
      : readText(svc, path);
  }
  return out;
}

/** A base with a little of everything; MapFs, so read-only. */
export function sampleBase(): MapFs {
  return MapFs.builder()
    .file("/README.md", "# project")
    .file("/src/main.ts", "console.log(1)")
    .file("/src/util/str.ts", "export const s = 1;")
    .file("/docs/a.md", "A")
    .file("/docs/b.md", "B")
    .dir("/empty")
    .symlink("/src/main.ts", "/main-link")
    .build();
}

const MUTATING: ReadonlyArray<keyof OpenFlags> = ["write", "append", "create", "truncate"];

/**
 * Forwards every call to another service; each change asks `beforeChange`
 * first, which subclasses use to refuse or count it.
 */
abstract class ForwardingFs implements FileService {
  abstract readonly kind: string;
  protected readonly inner: FileService;
  constructor(inner: FileService) {
    this.inner = inner;
  }
  /** Called before a change is passed on; throw to stop it. */
  protected abstract beforeChange(what: string, path: string): void;
  open(path: string, flags?: OpenFlags): FileHandle {
    if (flags && MUTATING.some((k) => flags[k] === true)) this.beforeChange("open", path);
    return this.inner.open(path, flags);
  }
  readdir(path: string): DirEntry[] {
    return this.inner.readdir(path);
  }
  stat(path: string): Stat {
    return this.inner.stat(path);
  }
  lstat(path: string): Stat {
    return this.inner.lstat!(path);
  }
  readlink(path: string): string {
    return this.inner.readlink!(path);
  }
  mkdir(path: string): void {
    this.beforeChange("mkdir", path);
    this.inner.mkdir(path);
  }
  remove(path: string): void {
    this.beforeChange("remove", path);
    this.inner.remove(path);
  }
  rename(from: string, to: string): void {
    this.beforeChange("rename", `${from} ${to}`);
    this.inner.rename(from, to);
  }
  symlink(target: string, path: string): void {
    this.beforeChange("symlink", path);
    this.inner.symlink!(target, path);
  }
}

/**
 * Wraps a service so that any attempt to change it throws a plain Error
 * (not an FsError, so no code path can mistake it for a normal refusal).
 */
export class ThrowingFs extends ForwardingFs {
  readonly kind = "throwing";
  readonly attempts: string[] = [];
  protected beforeChange(what: string, path: string): never {
    this.attempts.push(`${what} ${path}`);
    throw new Error(`the base was asked to change: ${what} ${path}`);
  }
  override open(path: string, flags?: OpenFlags): FileHandle {
    const h = super.open(path, flags);
    const refuse = (what: string) => this.beforeChange(what, path);
    return {
      path: h.path,
      read: (b) => h.read(b),
      write: () => refuse("write"),
      pread: (b, o) => h.pread(b, o),
      pwrite: () => refuse("pwrite"),
      seek: (o, w) => h.seek(o, w),
      position: () => h.position(),
      flush: () => h.flush(),
      close: () => h.close(),
      stat: () => h.stat(),
      truncate: () => refuse("truncate"),
    };
  }
  setTimes(path: string): void {
    this.beforeChange("setTimes", path);
  }
}

/**
 * Wraps a writable service so that its mutations start failing with EIO
 * after `allowed` of them have succeeded; `allowed = Infinity` lets all pass.
 */
export class FlakyFs extends ForwardingFs {
  readonly kind = "flaky";
  allowed: number;
  constructor(inner: FileService, allowed: number) {
    super(inner);
    this.allowed = allowed;
  }
  protected beforeChange(_what: string, path: string): void {
    if (this.allowed <= 0) throw new FsError("EIO", path.split(" ")[0], "the disk is tired");
    this.allowed--;
  }
}

/** Reads a handle from its position to the end, as text. */
export function readRest(h: FileHandle): string {
  const chunks: string[] = [];
  const buf = new Uint8Array(64);
  const dec = new TextDecoder();
  for (;;) {
    const n = h.read(buf);
    if (n === 0) return chunks.join("");
    chunks.push(dec.decode(buf.subarray(0, n)));
  }
}

/** UTF-8 bytes of a string. */
export function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
