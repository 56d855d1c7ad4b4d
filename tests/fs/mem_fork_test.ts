/** MemFs forks: independent copies made without copying the tree. */
import assert from "@std/assert";
import { exists, MemFs, readText, walk, writeText } from "../../mod.ts";
import { assertCode } from "./cow_helpers.ts";
import { writableContract } from "./writable_contract.ts";

// A fork (and the MemFs it came from) is a full writable service.
writableContract("a fork of a MemFs", () => ({ svc: new MemFs().fork() }));
writableContract("a MemFs after its first fork", () => {
  const fs = new MemFs();
  fs.fork();
  return { svc: fs };
});

function sample(): MemFs {
  const fs = new MemFs();
  fs.mkdir("/src");
  writeText(fs, "/src/main.ts", "main");
  writeText(fs, "/notes.txt", "notes");
  fs.symlink("src/main.ts", "/main");
  return fs;
}

Deno.test("MemFs fork: the fork holds the same tree and the two change independently", () => {
  const fs = sample();
  const fork = fs.fork();
  assert.deepEqual(
    [...walk(fork)].map((e) => e.path),
    [...walk(fs)].map((e) => e.path),
  );
  writeText(fork, "/src/main.ts", "fork");
  fs.remove("/notes.txt");
  writeText(fs, "/parent.txt", "p");
  assert.equal(readText(fs, "/main"), "main");
  assert.equal(readText(fork, "/main"), "fork");
  assert.ok(exists(fork, "/notes.txt"));
  assert.ok(!exists(fork, "/parent.txt"));
});

Deno.test("MemFs fork: times, sizes and inode numbers stay what they were", () => {
  const fs = sample();
  fs.setTimes("/notes.txt", 11n, 22n);
  const before = [...walk(fs)].map((
    { path, stat },
  ) => [path, stat.ino, stat.size, stat.mtimeNs]);
  const fork = fs.fork();
  for (const svc of [fs, fork]) {
    assert.deepEqual(
      [...walk(svc)].map((
        { path, stat },
      ) => [path, stat.ino, stat.size, stat.mtimeNs]),
      before,
    );
  }
});

Deno.test("MemFs fork: hard links stay links on both sides", () => {
  const fs = sample();
  fs.link("/notes.txt", "/notes-too.txt");
  const fork = fs.fork();
  writeText(fork, "/notes-too.txt", "fork's");
  writeText(fs, "/notes.txt", "parent's");
  assert.equal(readText(fork, "/notes.txt"), "fork's");
  assert.equal(readText(fs, "/notes-too.txt"), "parent's");
  assert.equal(fork.stat("/notes.txt").nlink, 2);
});

Deno.test("MemFs fork: refused with EBUSY while a file is open for writing at the first fork", () => {
  const fs = sample();
  const h = fs.open("/notes.txt", { write: true });
  assertCode(() => fs.fork(), "EBUSY");
  h.write(new TextEncoder().encode("N"));
  h.close();
  assert.equal(
    readText(fs, "/notes.txt"),
    "Notes",
    "the refused fork changed nothing",
  );
  const fork = fs.fork();
  const later = fs.open("/notes.txt", { write: true });
  assert.ok(fs.fork(), "later forks do not mind open files");
  later.close();
  assert.equal(readText(fork, "/notes.txt"), "Notes");
});

Deno.test("MemFs fork: read-only handles do not prevent a fork", () => {
  const fs = sample();
  const h = fs.open("/notes.txt");
  fs.fork();
  h.close();
});

Deno.test("MemFs fork: limits carry over and count the shared tree", () => {
  const fs = new MemFs({ maxBytes: 20, maxFiles: 5 });
  writeText(fs, "/a", "0123456789");
  const fork = fs.fork();
  assert.deepEqual(fork.usage(), {
    bytes: 10,
    files: 1,
    maxBytes: 20,
    maxFiles: 5,
  });
  assert.deepEqual(fork.describe(), { maxBytes: 20, maxFiles: 5 });
  writeText(fork, "/b", "0123456789");
  assertCode(() => writeText(fork, "/c", "x"), "ENOSPC");
  // Removing a file of the shared tree does not give its space back: the tree still holds it.
  fork.remove("/a");
  assertCode(() => writeText(fork, "/c", "x"), "ENOSPC");
  writeText(fs, "/c", "0123456789");
  assert.equal(fs.usage().bytes, 20);
});

Deno.test("MemFs fork: without limits, usage counts the shared tree and the changes", () => {
  const fs = sample();
  const { bytes, files } = fs.usage();
  const fork = fs.fork();
  assert.deepEqual(fork.usage(), {
    bytes,
    files,
    maxBytes: undefined,
    maxFiles: undefined,
  });
  assert.deepEqual(fork.describe(), {});
  writeText(fork, "/x", "123");
  assert.equal(fork.usage().bytes, bytes + 3);
});

Deno.test("MemFs fork: forks of forks, taken at different points, each keep their moment", () => {
  const a = new MemFs();
  writeText(a, "/v", "1");
  const b = a.fork();
  writeText(a, "/v", "2");
  const c = a.fork();
  writeText(b, "/v", "b");
  const d = b.fork();
  writeText(b, "/v", "b2");
  assert.deepEqual([a, b, c, d].map((fs) => readText(fs, "/v")), [
    "2",
    "b2",
    "2",
    "b",
  ]);
});
