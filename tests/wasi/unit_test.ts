// Unit tests of the WASI building blocks: errno mapping, guest memory,
// path resolution, inodes, stdio.
import assert from "@std/assert";
import {
  ERRNO,
  errnoName,
  errnoOf,
  FS_ERRNO,
  FS_ERROR_CODES,
  FsError,
  GuestFault,
  GuestMemory,
  InodeTable,
  joinGuestPath,
  MemFs,
  Namespace,
  OutputSink,
  StdinReader,
  WasiErrno,
  writeText,
} from "./_mod.ts";

Deno.test("each FsError code maps to exactly one WASI errno, and no two share one", () => {
  const values = FS_ERROR_CODES.map((c) => FS_ERRNO[c]);
  assert.equal(values.length, FS_ERROR_CODES.length);
  for (const v of values) assert.equal(typeof v, "number");
  assert.equal(new Set(values).size, values.length);
  for (const code of FS_ERROR_CODES) {
    assert.equal(errnoName(FS_ERRNO[code]), code.slice(1));
    assert.equal(errnoOf(new FsError(code, "/x")), FS_ERRNO[code]);
  }
});

Deno.test("errnoOf: faults are EFAULT, WasiErrno carries its value, the rest is EIO", () => {
  assert.equal(errnoOf(new GuestFault(1, 2)), ERRNO.FAULT);
  assert.equal(errnoOf(new WasiErrno(ERRNO.SPIPE)), ERRNO.SPIPE);
  assert.equal(errnoOf(new TypeError("x")), ERRNO.IO);
  assert.equal(errnoOf("a string"), ERRNO.IO);
});

Deno.test("GuestMemory checks bounds and follows memory growth", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
  const mem = new GuestMemory(memory);
  mem.setU32(65532, 0xdeadbeef);
  assert.equal(mem.u32(65532), 0xdeadbeef);
  assert.throws(() => mem.u32(65533), GuestFault);
  assert.throws(() => mem.bytes(-1, 1), GuestFault); // -1 is 0xffffffff
  assert.throws(() => mem.bytes(0, 65537), GuestFault);
  assert.throws(() => mem.iovecs(0, 0x7fffffff), GuestFault);
  memory.grow(1);
  mem.setU64(70000, 123n);
  assert.equal(mem.u64(70000), 123n);
  assert.equal(mem.size, 131072);
  mem.setU64n(8, 2 ** 40 + 5);
  assert.equal(mem.u64(8), 2n ** 40n + 5n);
});

Deno.test("GuestMemory.path refuses NUL (EINVAL) and bad UTF-8 (EILSEQ)", () => {
  const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  mem.write(0, new Uint8Array([0x61, 0, 0x62]));
  assert.equal(errnoOf(catchIt(() => mem.path(0, 3))), ERRNO.INVAL);
  mem.write(0, new Uint8Array([0xff, 0xfe]));
  assert.equal(errnoOf(catchIt(() => mem.path(0, 2))), ERRNO.ILSEQ);
  mem.write(0, new TextEncoder().encode("héllo"));
  assert.equal(mem.path(0, 6), "héllo");
});

function catchIt(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

Deno.test("joinGuestPath resolves `.`/`..` and refuses to climb above the fd or start at /", () => {
  assert.equal(joinGuestPath("/", "tmp/./a/../b").path, "/tmp/b");
  assert.equal(errnoOf(catchIt(() => joinGuestPath("/ws", "/abs"))), ERRNO.NOTCAPABLE);
  assert.equal(joinGuestPath("/ws", "a/").trailingSlash, true);
  assert.equal(joinGuestPath("/ws", "a").trailingSlash, false);
  assert.equal(joinGuestPath("/", ".").path, "/");
  for (const bad of ["..", "../x", "a/../..", "/..", "a/b/../../../c"]) {
    assert.equal(errnoOf(catchIt(() => joinGuestPath("/ws", bad))), ERRNO.NOTCAPABLE, bad);
  }
  assert.equal(errnoOf(catchIt(() => joinGuestPath("/", ""))), ERRNO.NOENT);
  assert.equal(errnoOf(catchIt(() => joinGuestPath("/", "x".repeat(256)))), ERRNO.NAMETOOLONG);
  assert.equal(errnoOf(catchIt(() => joinGuestPath("/", "é".repeat(200)))), ERRNO.NAMETOOLONG);
  assert.equal(errnoOf(catchIt(() => joinGuestPath("/", "a/".repeat(3000)))), ERRNO.NAMETOOLONG);
});

Deno.test("inode numbers are unique across mounts and stable for a file", () => {
  const a = new MemFs();
  const b = new MemFs();
  writeText(a, "/f", "1");
  writeText(b, "/f", "2");
  const ns = Namespace.builder().mount("/a", a).mount("/b", b).mount("/c/d", new MemFs()).build();
  const t = new InodeTable(ns);
  const ia = t.idOf("/a/f", ns.stat("/a/f"));
  const ib = t.idOf("/b/f", ns.stat("/b/f"));
  assert.notEqual(ia.ino, ib.ino);
  assert.notEqual(ia.dev, ib.dev);
  assert.deepEqual(t.idOf("/a/f", ns.stat("/a/f")), ia);
  // A synthesised directory has no service inode: it gets a stable one.
  const c1 = t.idOf("/c", ns.stat("/c"));
  assert.equal(c1.dev, 0n);
  assert.deepEqual(t.idOf("/c", ns.stat("/c")), c1);
  assert.notEqual(t.idOf("/", ns.stat("/")).ino, c1.ino);
});

Deno.test("StdinReader reads bytes, text, nothing, or a namespace file", () => {
  const fs = new MemFs();
  writeText(fs, "/in.txt", "from a file");
  const buf = new Uint8Array(64);
  const text = new StdinReader("abc", fs);
  assert.equal(text.read(buf), 3);
  assert.equal(text.read(buf), 0);
  assert.equal(new StdinReader(undefined, fs).read(buf), 0);
  assert.equal(new StdinReader(new Uint8Array([1, 2]), fs).available(), 2);
  const file = new StdinReader({ path: "/in.txt" }, fs);
  assert.equal(file.read(buf), 11);
  file.close();
  assert.throws(() => new StdinReader(42 as unknown as string, fs), TypeError);
});

Deno.test("OutputSink keeps up to its limit, and still forwards everything live", () => {
  const seen: number[] = [];
  const sink = new OutputSink({ limit: 5, onData: (c) => seen.push(c.length) });
  sink.write(new Uint8Array([1, 2, 3]));
  sink.write(new Uint8Array([4, 5, 6]));
  assert.deepEqual([...sink.bytes()], [1, 2, 3, 4, 5]);
  assert.equal(sink.truncated, true);
  assert.deepEqual(seen, [3, 3]);
});
