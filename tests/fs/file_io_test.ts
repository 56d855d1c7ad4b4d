/** The whole-file helpers: the services' fast paths and the handle path agree. */
import assert from "@std/assert";
import {
  CowFs,
  type FileHandle,
  type FileService,
  FsError,
  MapFs,
  MemFs,
  readFile,
  readText,
  writeFile,
} from "../../mod.ts";
import { readAllFromHandle } from "../../src/fs/file_io.ts";
import { FlakyFs } from "./cow_helpers.ts";
import { assertFsError } from "./writable_contract.ts";

Deno.test("readFile/writeFile: with and without a service's fast path, the same bytes and errors", () => {
  const mem = new MemFs();
  // Forwards open and friends, and has no readFile/writeFile of its own.
  const viaHandles: FileService = new FlakyFs(mem, Infinity);
  assert.equal(viaHandles.readFile, undefined);
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  writeFile(viaHandles, "/big", big);
  assert.deepEqual(readFile(mem, "/big"), big);
  writeFile(mem, "/big", big.subarray(0, 10));
  assert.deepEqual(readFile(viaHandles, "/big"), big.subarray(0, 10));
  mem.mkdir("/d");
  for (const svc of [mem, viaHandles]) {
    assertFsError(() => readFile(svc, "/d"), "EISDIR");
    assertFsError(() => readFile(svc, "/nope"), "ENOENT");
    assertFsError(() => writeFile(svc, "/d", "x"), "EISDIR");
  }
});

Deno.test("readFile through MapFs and CowFs copies: changing the result changes nothing", () => {
  const map = MapFs.fromObject({ "/a": "abc" });
  const cow = new CowFs(map);
  for (const svc of [map, cow]) {
    const out = readFile(svc, "/a");
    out[0] = 0;
    assert.equal(readText(svc, "/a"), "abc");
  }
  writeFile(cow, "/a", "xyz");
  const out = readFile(cow, "/a");
  out.fill(0);
  assert.equal(readText(cow, "/a"), "xyz");
});

/** A handle over `content` whose stat reports `statSize` (or throws `statError`). */
function handle(content: Uint8Array, statSize: number, statError?: FsError): FileHandle {
  let pos = 0;
  const h: FileHandle = {
    path: "/h",
    read: (buf) => {
      const n = Math.min(buf.length, content.length - pos, 3); // short reads
      buf.set(content.subarray(pos, pos + n));
      pos += n;
      return n;
    },
    write: () => 0,
    pread: () => 0,
    pwrite: () => 0,
    seek: () => pos,
    position: () => pos,
    flush: () => {},
    close: () => {},
    stat: () => {
      if (statError) throw statError;
      return { kind: "file", size: statSize, mtime: 0, readOnly: true };
    },
    truncate: () => {},
  };
  return h;
}

Deno.test("readAllFromHandle reads past a size stat under-reported, and up to one it over-reported", () => {
  const content = new TextEncoder().encode("hello, world");
  assert.deepEqual(readAllFromHandle(handle(content, 4)), content);
  assert.deepEqual(readAllFromHandle(handle(content, 100)), content);
  assert.deepEqual(readAllFromHandle(handle(content, 12)), content);
  assert.deepEqual(readAllFromHandle(handle(new Uint8Array(0), 0)), new Uint8Array(0));
});

Deno.test("readAllFromHandle: a stat that fails reads on in chunks; EAGAIN is passed on", () => {
  const content = new Uint8Array(10_000).fill(3);
  assert.deepEqual(readAllFromHandle(handle(content, 0, new FsError("EIO", "/h"))), content);
  assert.throws(
    () => readAllFromHandle(handle(content, 0, new FsError("EAGAIN", "/h"))),
    (e: unknown) => e instanceof FsError && e.code === "EAGAIN",
  );
});
