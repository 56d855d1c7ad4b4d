// Unit tests of the WASI building blocks: errno mapping, guest memory,
// path resolution, inodes, stdio, the fd table, rights, module facts.
import assert from "@std/assert";
import { wat } from "./_helpers.ts";
import {
  ERRNO,
  errnoName,
  errnoOf,
  type Fd,
  FdTable,
  FS_ERRNO,
  FS_ERROR_CODES,
  FsError,
  GuestFault,
  GuestMemory,
  hasStartSection,
  InodeTable,
  joinGuestPath,
  MemFs,
  Namespace,
  OutputSink,
  requireRights,
  RIGHTS,
  type Stat,
  StdinReader,
  WasiErrno,
  writeFilestat,
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

function dirFdOf(rights: number): Fd {
  return { kind: "dir", path: "/", rights, inheriting: 0, fdflags: 0 };
}

Deno.test("fd_renumber refills a vacated stdio number, but no other closed fd (EBADF)", () => {
  const t = new FdTable(16);
  for (let i = 0; i < 5; i++) t.add(dirFdOf(i));
  t.renumber(1, 4); // "stdout" parked on 4; 1 is free
  assert.equal(t.peek(1), undefined);
  assert.equal(t.count, 4);
  t.renumber(3, 1); // a vacated stdio number may be refilled
  assert.equal(t.get(1).rights, 3);
  assert.equal(t.count, 4);
  assert.equal(errnoOf(catchIt(() => t.renumber(1, 3))), ERRNO.BADF, "3 is closed");
  assert.equal(errnoOf(catchIt(() => t.renumber(7, 1))), ERRNO.BADF, "7 was never open");
  assert.equal(t.add(dirFdOf(9)), 3, "the lowest free number is reused");
});

Deno.test("requireRights: files and directories need the right; pipes answer by kind", () => {
  requireRights(dirFdOf(RIGHTS.FD_READDIR), RIGHTS.FD_READDIR, "fd_readdir");
  const e = catchIt(() => requireRights(dirFdOf(0), RIGHTS.FD_READDIR, "fd_readdir"));
  assert.equal(errnoOf(e), ERRNO.NOTCAPABLE);
  assert.match((e as Error).message, /fd_readdir/);
  const pipe = { kind: "output", rights: 0, inheriting: 0, fdflags: 0 } as unknown as Fd;
  requireRights(pipe, RIGHTS.FD_SEEK, "fd_seek");
});

Deno.test("hasStartSection finds a start section, and answers false for bad bytes", async () => {
  const plain = await wat(`(module (func (export "_start")))`);
  const started = await wat(`(module (func $s) (start $s) (func (export "_start")))`);
  assert.equal(hasStartSection(plain), false);
  assert.equal(hasStartSection(started), true);
  assert.equal(hasStartSection(started.subarray(0, 10)), false);
  const head = [0, 97, 115, 109, 1, 0, 0, 0];
  assert.equal(hasStartSection(new Uint8Array([...head, 8, 1, 0])), true);
  assert.equal(hasStartSection(new Uint8Array([...head, 8, 0xff])), false, "size cut short");
  assert.equal(hasStartSection(new Uint8Array([...head, 1, 0x80, 0x01, 8])), false, "in a payload");
});

Deno.test("writeFilestat reports the service's link count, or 1 when it keeps none", () => {
  const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  const id = { dev: 1n, ino: 2n };
  const base: Stat = { kind: "file", size: 3, mtime: 0, readOnly: false };
  writeFilestat(mem, 0, id, { ...base, nlink: 3 } as Stat);
  assert.equal(mem.u64(24), 3n);
  writeFilestat(mem, 0, id, base);
  assert.equal(mem.u64(24), 1n);
});
