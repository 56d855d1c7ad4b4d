/**
 * CowFs `stat` of untouched base entries: the view's stat of a plain base
 * path is made once and kept by the layer, and must never outlive what it
 * describes (a copy-up, removal, rename, setTimes, a change above it, or a
 * base that changes after all).
 */
import assert from "@std/assert";
import {
  CowFs,
  type DirEntry,
  type FileHandle,
  type FileService,
  MapFs,
  MemFs,
  type OpenFlags,
  readText,
  type Stat,
  writeText,
} from "../../mod.ts";
import { MAX_PLAIN_PATHS, PlainPaths } from "../../src/fs/cow_plain.ts";
import { assertCode } from "./cow_helpers.ts";

/** A CowFs over `base` with a change elsewhere, so stats take the plain-path way. */
function changedElsewhere(base: FileService): CowFs {
  const cow = new CowFs(base);
  writeText(cow, "/elsewhere.txt", "x");
  return cow;
}

function mapBase(): MapFs {
  return MapFs.builder()
    .file("/d/a.txt", "abc")
    .file("/d/b.txt", "bb")
    .file("/d/sub/c.txt", "c")
    .build();
}

/** Stats twice (so the second is a kept one), checks both agree, returns the second. */
function statTwice(cow: CowFs, path: string): Stat {
  const first = cow.stat(path);
  const second = cow.stat(path);
  assert.deepEqual(second, first);
  return second;
}

Deno.test("a base file's stat is the view's, kept and frozen: a caller cannot change it", () => {
  const base = mapBase();
  const cow = changedElsewhere(base);
  const st = statTwice(cow, "/d/a.txt");
  const raw = base.stat("/d/a.txt");
  assert.equal(st.kind, "file");
  assert.equal(st.size, 3);
  assert.equal(st.readOnly, false, "the view is writable though the base is not");
  assert.equal(st.ino, raw.ino! * 2, "base numbers are doubled over a plain base");
  assert.equal(st.mtimeNs, raw.mtimeNs);
  assert.strictEqual(cow.stat("/d/a.txt"), st, "kept: the same object again");
  assert.ok(Object.isFrozen(st));
  assert.throws(() => {
    (st as { size: number }).size = 99;
  }, TypeError);
  assert.equal(cow.stat("/d/a.txt").size, 3);
  assert.deepEqual(cow.lstat("/d/a.txt"), st, "lstat of a plain file says the same");
  assert.equal(base.stat("/d/a.txt").readOnly, true, "the base's own stat is untouched");
});

Deno.test("a path that is not normal finds the kept stat of its normal form", () => {
  const cow = changedElsewhere(mapBase());
  const st = statTwice(cow, "/d/a.txt");
  assert.strictEqual(cow.stat("/d//./a.txt"), st);
  assert.strictEqual(cow.stat("/d/sub/../a.txt"), st);
});

Deno.test("after a copy-up, stat shows the copy, with the base file's number", () => {
  const cow = changedElsewhere(mapBase());
  const before = statTwice(cow, "/d/a.txt");
  writeText(cow, "/d/a.txt", "longer text");
  const after = cow.stat("/d/a.txt");
  assert.equal(after.size, 11);
  assert.equal(after.ino, before.ino, "a copy keeps the number it had");
  assert.deepEqual(cow.lstat("/d/a.txt"), after);
});

Deno.test("after a write through a handle (no truncation), stat shows the new size", () => {
  const cow = changedElsewhere(mapBase());
  statTwice(cow, "/d/b.txt");
  const h = cow.open("/d/b.txt", { write: true, append: true });
  h.write(new TextEncoder().encode("1234"));
  h.close();
  assert.equal(cow.stat("/d/b.txt").size, 6);
  assert.equal(readText(cow, "/d/b.txt"), "bb1234");
});

Deno.test("after remove, stat and lstat are ENOENT; a new file there is its own", () => {
  const cow = changedElsewhere(mapBase());
  const old = statTwice(cow, "/d/a.txt");
  cow.remove("/d/a.txt");
  assertCode(() => cow.stat("/d/a.txt"), "ENOENT");
  assertCode(() => cow.lstat("/d/a.txt"), "ENOENT");
  writeText(cow, "/d/a.txt", "new");
  const fresh = cow.stat("/d/a.txt");
  assert.equal(fresh.size, 3);
  assert.notEqual(fresh.ino, old.ino, "a new file, not the base's");
});

Deno.test("after removing the directory above, its files' stats are ENOENT", () => {
  const cow = changedElsewhere(mapBase());
  statTwice(cow, "/d/sub/c.txt");
  statTwice(cow, "/d/a.txt");
  cow.remove("/d/sub/c.txt");
  cow.remove("/d/sub");
  assertCode(() => cow.stat("/d/sub/c.txt"), "ENOENT");
  assertCode(() => cow.stat("/d/sub"), "ENOENT");
  assert.equal(cow.stat("/d/a.txt").size, 3, "a sibling is still there");
});

Deno.test("after rename, the old path is ENOENT and the new one has the file's stat", () => {
  const cow = changedElsewhere(mapBase());
  const st = statTwice(cow, "/d/a.txt");
  cow.rename("/d/a.txt", "/d/moved.txt");
  assertCode(() => cow.stat("/d/a.txt"), "ENOENT");
  const moved = cow.stat("/d/moved.txt");
  assert.equal(moved.size, st.size);
  assert.equal(moved.ino, st.ino, "a rename keeps the number");
  // A file renamed over a kept one: the path shows the newcomer.
  statTwice(cow, "/d/b.txt");
  cow.rename("/d/moved.txt", "/d/b.txt");
  assert.equal(cow.stat("/d/b.txt").size, 3);
  assert.equal(cow.stat("/d/b.txt").ino, st.ino);
});

Deno.test("after renaming the directory above, the old paths are ENOENT", () => {
  const cow = changedElsewhere(mapBase());
  statTwice(cow, "/d/sub/c.txt");
  cow.rename("/d/sub", "/d/other");
  assertCode(() => cow.stat("/d/sub/c.txt"), "ENOENT");
  assert.equal(cow.stat("/d/other/c.txt").size, 1);
});

Deno.test("after setTimes, stat shows the new times", () => {
  const cow = changedElsewhere(mapBase());
  statTwice(cow, "/d/a.txt");
  cow.setTimes("/d/a.txt", 5_000_000_000n, 7_000_000_000n);
  const st = cow.stat("/d/a.txt");
  assert.equal(st.mtimeNs, 7_000_000_000n);
  assert.equal(st.atimeNs, 5_000_000_000n);
  assert.equal(st.mtime, 7000);
});

Deno.test("a symlink made where a kept file was is followed by stat, not shown by lstat", () => {
  const cow = changedElsewhere(mapBase());
  statTwice(cow, "/d/a.txt");
  cow.remove("/d/a.txt");
  cow.symlink("sub/c.txt", "/d/a.txt");
  assert.equal(cow.stat("/d/a.txt").size, 1);
  assert.equal(cow.lstat("/d/a.txt").kind, "symlink");
});

Deno.test("a fork and a checkpoint report base files as the overlay did", () => {
  const cow = changedElsewhere(mapBase());
  const st = statTwice(cow, "/d/a.txt");
  const fork = cow.fork();
  assert.deepEqual(statTwice(fork, "/d/a.txt"), st);
  const id = cow.checkpoint();
  assert.deepEqual(statTwice(cow, "/d/a.txt"), st);
  writeText(cow, "/d/a.txt", "changed");
  cow.rewind(id);
  assert.deepEqual(statTwice(cow, "/d/a.txt"), st);
});

Deno.test("over a MemFs base, a change to the base after all shows in the next stat", () => {
  const base = new MemFs();
  base.mkdir("/d");
  writeText(base, "/d/a.txt", "abc");
  const cow = changedElsewhere(base);
  const st = statTwice(cow, "/d/a.txt");
  assert.strictEqual(cow.stat("/d/a.txt"), st, "kept while the base is unchanged");
  writeText(base, "/d/a.txt", "a longer text");
  assert.equal(cow.stat("/d/a.txt").size, 13);
  base.setTimes("/d/a.txt", 1_000_000n, 3_000_000n);
  assert.equal(cow.stat("/d/a.txt").mtimeNs, 3_000_000n);
  assert.equal(cow.lstat("/d/a.txt").mtimeNs, 3_000_000n);
});

Deno.test("a fork's commit into a shared MemFs base shows in the other overlay's stat", () => {
  const base = new MemFs();
  base.mkdir("/d");
  writeText(base, "/d/a.txt", "abc");
  const cow = changedElsewhere(base);
  statTwice(cow, "/d/a.txt");
  const fork = cow.fork();
  writeText(fork, "/d/a.txt", "committed");
  fork.commit();
  assert.equal(cow.stat("/d/a.txt").size, 9);
  assert.equal(readText(cow, "/d/a.txt"), "committed");
});

/** A service over a MemFs whose stats are fresh writable objects, as a service may give. */
class FreshStatsFs implements FileService {
  readonly kind = "fresh-stats";
  readonly inner = new MemFs();
  open(path: string, flags?: OpenFlags): FileHandle {
    return this.inner.open(path, flags);
  }
  readdir(path: string): DirEntry[] {
    return this.inner.readdir(path);
  }
  stat(path: string): Stat {
    return { ...this.inner.stat(path) };
  }
  mkdir(path: string): void {
    this.inner.mkdir(path);
  }
  remove(path: string): void {
    this.inner.remove(path);
  }
  rename(from: string, to: string): void {
    this.inner.rename(from, to);
  }
}

Deno.test("over a base whose stats are writable, every stat asks it again", () => {
  const base = new FreshStatsFs();
  base.inner.mkdir("/d");
  writeText(base.inner, "/d/a.txt", "abc");
  const cow = changedElsewhere(base);
  const st = statTwice(cow, "/d/a.txt");
  assert.equal(st.readOnly, false);
  writeText(base.inner, "/d/a.txt", "abcdef");
  assert.equal(cow.stat("/d/a.txt").size, 6);
  assert.notStrictEqual(cow.stat("/d/a.txt"), cow.stat("/d/a.txt"), "nothing kept");
});

Deno.test("errors stay exact: ENOENT for a missing file, ENOTDIR below a file", () => {
  const cow = changedElsewhere(mapBase());
  statTwice(cow, "/d/a.txt");
  assertCode(() => cow.stat("/d/none.txt"), "ENOENT");
  assertCode(() => cow.stat("/d/a.txt/x"), "ENOTDIR");
  assertCode(() => cow.lstat("/nowhere/x"), "ENOENT");
});

// ---- PlainPaths ---------------------------------------------------------------

Deno.test("PlainPaths: a stat is kept only for a known path, and goes with it", () => {
  const plain = new PlainPaths();
  const of: Stat = Object.freeze({ kind: "file", size: 1, mtime: 0, readOnly: true });
  const view: Stat = Object.freeze({ ...of, readOnly: false });
  plain.keep("/unknown", of, view);
  assert.equal(plain.get("/unknown"), undefined, "not plain: nothing kept");
  plain.add("/a");
  assert.equal(plain.get("/a"), null);
  plain.keep("/a", of, view);
  assert.deepEqual(plain.get("/a"), { of, view });
  plain.add("/a");
  assert.deepEqual(plain.get("/a"), { of, view }, "adding again keeps the stat");
  plain.delete("/a");
  assert.equal(plain.get("/a"), undefined);
  plain.add("/b");
  plain.clear();
  assert.equal(plain.size, 0);
});

Deno.test("PlainPaths: past the bound it learns no more, and keeps what it holds", () => {
  const plain = new PlainPaths();
  for (let i = 0; i <= MAX_PLAIN_PATHS; i++) plain.add(`/f${i}`);
  assert.equal(plain.size, MAX_PLAIN_PATHS);
  assert.ok(plain.has("/f0"));
  assert.equal(plain.has(`/f${MAX_PLAIN_PATHS}`), false);
});
