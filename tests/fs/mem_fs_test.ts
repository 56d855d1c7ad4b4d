import assert from "@std/assert";
import { MemFs, readText, writeText } from "../../mod.ts";
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
