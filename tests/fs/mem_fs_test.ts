import assert from "@std/assert";
import { MemFs, readFile, readText, writeText } from "../../mod.ts";
import { assertFsError, writableContract } from "./writable_contract.ts";

writableContract("MemFs", () => ({ svc: new MemFs() }));

Deno.test("MemFs: inode numbers are unique and survive a rename", () => {
  const fs = new MemFs();
  writeText(fs, "/a", "");
  writeText(fs, "/b", "");
  const ino = fs.stat("/a").ino;
  assert.notEqual(ino, fs.stat("/b").ino);
  fs.rename("/a", "/c");
  assert.equal(fs.stat("/c").ino, ino);
});

Deno.test("MemFs: times are kept in nanoseconds and can be set", () => {
  const fs = new MemFs();
  writeText(fs, "/t", "");
  fs.setTimes("/t", 1_000_000_001n, 2_000_000_003n);
  const st = fs.stat("/t");
  assert.equal(st.atimeNs, 1_000_000_001n);
  assert.equal(st.mtimeNs, 2_000_000_003n);
  assert.equal(st.mtime, 2000.000003);
});

Deno.test("MemFs: a write moves the modification time forward", () => {
  const fs = new MemFs();
  writeText(fs, "/t", "");
  fs.setTimes("/t", 0n, 0n);
  writeText(fs, "/t", "x");
  assert.ok(fs.stat("/t").mtimeNs! > 0n);
});

Deno.test("MemFs: symlinks resolve inside the tree, relative and absolute", () => {
  const fs = new MemFs();
  fs.mkdir("/d");
  writeText(fs, "/d/real.txt", "real");
  fs.symlink("real.txt", "/d/rel");
  fs.symlink("/d/real.txt", "/abs");
  fs.symlink("/d", "/dirlink");
  assert.equal(readText(fs, "/d/rel"), "real");
  assert.equal(readText(fs, "/abs"), "real");
  assert.equal(readText(fs, "/dirlink/real.txt"), "real");
  assert.equal(fs.readlink("/abs"), "/d/real.txt");
  assert.equal(fs.lstat("/abs").kind, "symlink");
  assert.equal(fs.stat("/abs").kind, "file");
  assert.deepEqual(fs.readdir("/").map((e) => e.kind), ["symlink", "dir", "symlink"]);
});

Deno.test("MemFs: a symlink climbing out stays inside the root", () => {
  const fs = new MemFs();
  writeText(fs, "/etc.txt", "inside");
  fs.symlink("../../../etc.txt", "/up");
  assert.equal(readText(fs, "/up"), "inside");
});

Deno.test("MemFs: symlink loops are ELOOP and bad symlinks are refused", () => {
  const fs = new MemFs();
  fs.symlink("/b", "/a");
  fs.symlink("/a", "/b");
  assertFsError(() => fs.stat("/a"), "ELOOP");
  assertFsError(() => fs.symlink("", "/c"), "EINVAL");
  assertFsError(() => fs.symlink("/x", "/a"), "EEXIST");
  writeText(fs, "/f", "");
  assertFsError(() => fs.readlink("/f"), "EINVAL");
});

Deno.test("MemFs: removing a symlink removes the link, not its target", () => {
  const fs = new MemFs();
  writeText(fs, "/t", "keep");
  fs.symlink("/t", "/l");
  fs.remove("/l");
  assert.equal(readText(fs, "/t"), "keep");
});

Deno.test("MemFs: the root cannot be removed or renamed", () => {
  const fs = new MemFs();
  assertFsError(() => fs.remove("/"), "EBUSY");
  fs.mkdir("/d");
  assertFsError(() => fs.rename("/", "/d/x"), "EBUSY");
});

Deno.test("MemFs: opening with the directory flag", () => {
  const fs = new MemFs();
  writeText(fs, "/f", "");
  fs.mkdir("/d");
  assertFsError(() => fs.open("/f", { directory: true }), "ENOTDIR");
  assertFsError(() => fs.open("/d", { directory: true }), "EISDIR");
  assertFsError(() => fs.open("/new", { directory: true, create: true, write: true }), "ENOENT");
});

// ---- hard links, link counts ----------------------------------------------------

Deno.test("MemFs: nlink counts a file's names and a directory's subdirectories (2 + n)", () => {
  const fs = new MemFs();
  fs.mkdir("/d");
  assert.equal(fs.stat("/").nlink, 3);
  assert.equal(fs.stat("/d").nlink, 2);
  fs.mkdir("/d/sub");
  assert.equal(fs.stat("/d").nlink, 3);
  fs.rename("/d/sub", "/sub");
  assert.equal(fs.stat("/d").nlink, 2);
  assert.equal(fs.stat("/").nlink, 4);
  fs.remove("/sub");
  assert.equal(fs.stat("/").nlink, 3);
  writeText(fs, "/f", "x");
  fs.link("/f", "/d/g");
  fs.link("/d/g", "/h");
  assert.equal(fs.stat("/f").nlink, 3);
  fs.remove("/f");
  assert.equal(fs.stat("/h").nlink, 2);
});

Deno.test("MemFs: link does not follow a final symlink (it links the symlink itself)", () => {
  const fs = new MemFs();
  writeText(fs, "/t", "target");
  fs.symlink("/t", "/l");
  fs.link("/l", "/l2");
  assert.equal(fs.lstat("/l2").kind, "symlink");
  assert.equal(fs.readlink("/l2"), "/t");
  assert.equal(readText(fs, "/l2"), "target");
});

Deno.test("MemFs: renaming one name of a file onto another leaves both (POSIX)", () => {
  const fs = new MemFs();
  writeText(fs, "/a", "A");
  fs.link("/a", "/b");
  fs.rename("/a", "/b");
  assert.equal(readText(fs, "/a"), "A");
  assert.equal(readText(fs, "/b"), "A");
});

Deno.test("MemFs: a hard link survives renaming the directory holding the other name", () => {
  const fs = new MemFs();
  fs.mkdir("/d");
  writeText(fs, "/d/a", "A");
  fs.link("/d/a", "/b");
  fs.rename("/d", "/e");
  writeText(fs, "/e/a", "changed");
  assert.equal(readText(fs, "/b"), "changed");
  assertFsError(() => fs.stat("/d/a"), "ENOENT");
});

// ---- stats and listings: shared snapshots ----------------------------------------

Deno.test("MemFs: a stat is a frozen snapshot; a later write gives a new one", () => {
  const fs = new MemFs();
  writeText(fs, "/f", "ab");
  const before = fs.stat("/f");
  assert.ok(Object.isFrozen(before));
  assert.throws(() => {
    (before as { size: number }).size = 0;
  }, TypeError);
  assert.equal(fs.stat("/f"), before, "unchanged: the same object");
  const h = fs.open("/f", { write: true, append: true });
  h.write(new TextEncoder().encode("c"));
  assert.equal(h.stat().size, 3);
  h.close();
  assert.equal(before.size, 2);
  assert.equal(fs.stat("/f").size, 3);
  fs.setTimes("/f", 5n, 7n);
  assert.equal(fs.stat("/f").mtimeNs, 7n);
});

Deno.test("MemFs: readdir gives a fresh array of frozen entries, kept in order across changes", () => {
  const fs = new MemFs();
  for (const n of ["c", "a", "b"]) writeText(fs, `/${n}`, "");
  const first = fs.readdir("/");
  assert.deepEqual(first.map((e) => e.name), ["a", "b", "c"]);
  assert.ok(Object.isFrozen(first[0]));
  first.pop();
  assert.equal(fs.readdir("/").length, 3, "the caller's array is its own");
  writeText(fs, "/0", "");
  writeText(fs, "/bb", "");
  assert.deepEqual(fs.readdir("/").map((e) => e.name), ["0", "a", "b", "bb", "c"]);
  fs.remove("/b");
  fs.mkdir("/b");
  assert.deepEqual(fs.readdir("/").map((e) => `${e.name}:${e.kind}`), [
    "0:file",
    "a:file",
    "b:dir",
    "bb:file",
    "c:file",
  ]);
  fs.rename("/a", "/z");
  assert.deepEqual(fs.readdir("/").map((e) => e.name), ["0", "b", "bb", "c", "z"]);
});

// ---- whole-file fast paths --------------------------------------------------------

Deno.test("MemFs: readFile and writeFile copy: the returned or given array never aliases the file", () => {
  const fs = new MemFs();
  const data = new Uint8Array([1, 2, 3]);
  fs.writeFile("/f", data);
  data[0] = 9;
  const out = fs.readFile("/f");
  assert.deepEqual(out, new Uint8Array([1, 2, 3]));
  out[1] = 9;
  assert.deepEqual(fs.readFile("/f"), new Uint8Array([1, 2, 3]));
  fs.writeFile("/f", new Uint8Array([4]));
  assert.deepEqual(readFile(fs, "/f"), new Uint8Array([4]), "a shorter write leaves no tail");
  fs.writeFile("/f", new Uint8Array([5, 6, 7]));
  assert.deepEqual(fs.readFile("/f"), new Uint8Array([5, 6, 7]));
});

Deno.test("MemFs: the fast paths fail as open would", () => {
  const fs = new MemFs();
  fs.mkdir("/d");
  writeText(fs, "/f", "");
  assertFsError(() => fs.readFile("/missing"), "ENOENT");
  assertFsError(() => fs.readFile("/d"), "EISDIR");
  assertFsError(() => fs.readFile("/f/x"), "ENOTDIR");
  assertFsError(() => fs.writeFile("/d", new Uint8Array(1)), "EISDIR");
  assertFsError(() => fs.writeFile("/nowhere/f", new Uint8Array(1)), "ENOENT");
  assertFsError(() => fs.writeFile("rel", new Uint8Array(1)), "EINVAL");
  assertFsError(() => fs.writeFile("/f", "text" as unknown as Uint8Array), "EINVAL");
  fs.symlink("/new", "/dangling");
  fs.writeFile("/dangling", new Uint8Array([1]));
  assert.deepEqual(fs.readFile("/new"), new Uint8Array([1]), "a dangling link creates its target");
});

Deno.test("MemFs: writes stamp the file and its directory at millisecond granularity", () => {
  const fs = new MemFs();
  fs.mkdir("/d");
  const before = Date.now();
  writeText(fs, "/d/f", "x");
  const st = fs.stat("/d/f");
  assert.ok(st.mtime >= before && st.mtime <= Date.now());
  assert.equal(st.mtimeNs, BigInt(st.mtime) * 1_000_000n);
  assert.equal(fs.stat("/d").mtime, st.mtime);
});

Deno.test("MemFs: usage counts bytes and entries once per file, hard links included", () => {
  const fs = new MemFs();
  fs.mkdir("/d");
  writeText(fs, "/d/a", "abc");
  fs.link("/d/a", "/b");
  fs.symlink("/d/a", "/l");
  assert.deepEqual(fs.usage(), { bytes: 3, files: 3, maxBytes: undefined, maxFiles: undefined });
});
