import assert from "@std/assert";
import {
  CowFs,
  exists,
  FsError,
  FuncFs,
  MapFs,
  MemFs,
  readText,
  writeFile,
  writeText,
} from "../../mod.ts";
import { assertCode, bytes, sampleBase, snapshot, ThrowingFs } from "./cow_helpers.ts";
import { writableContract } from "./writable_contract.ts";

writableContract("CowFs over an empty MemFs", () => ({ svc: new CowFs(new MemFs()) }));
writableContract("CowFs over an empty MapFs", () => ({ svc: new CowFs(MapFs.fromObject({})) }));

// ---- construction and reads ------------------------------------------------

Deno.test("CowFs has kind 'cow', keeps its base, and refuses a non-service", () => {
  const base = new MemFs();
  const cow = new CowFs(base);
  assert.equal(cow.kind, "cow");
  assert.equal(cow.base, base);
  assert.throws(() => new CowFs(null as never), TypeError);
  assert.throws(() => new CowFs({} as never), TypeError);
});

Deno.test("CowFs reads files, directories and stats straight through from the base", () => {
  const cow = new CowFs(sampleBase());
  assert.equal(readText(cow, "/src/main.ts"), "console.log(1)");
  assert.deepEqual(cow.readdir("/").map((e) => e.name), [
    "README.md",
    "docs",
    "empty",
    "main-link",
    "src",
  ]);
  assert.deepEqual(cow.readdir("/docs"), [
    { name: "a.md", kind: "file" },
    { name: "b.md", kind: "file" },
  ]);
  const st = cow.stat("/README.md");
  assert.equal(st.kind, "file");
  assert.equal(st.size, 9);
  assert.equal(cow.stat("/src").kind, "dir");
  assert.equal(exists(cow, "/nope"), false);
  assert.deepEqual(cow.diff(), []);
});

Deno.test("CowFs stat reports every entry writable, even over a read-only base", () => {
  const cow = new CowFs(sampleBase());
  assert.equal(cow.stat("/README.md").readOnly, false);
  assert.equal(cow.stat("/src").readOnly, false);
  assert.equal(cow.lstat("/main-link").readOnly, false);
  const h = cow.open("/README.md");
  assert.equal(h.stat().readOnly, false);
  h.close();
});

Deno.test("CowFs reports ENOENT and ENOTDIR for missing paths and file parents", () => {
  const cow = new CowFs(sampleBase());
  assertCode(() => cow.stat("/missing"), "ENOENT");
  assertCode(() => cow.open("/missing"), "ENOENT");
  assertCode(() => cow.readdir("/missing"), "ENOENT");
  assertCode(() => cow.readdir("/README.md"), "ENOTDIR");
  assertCode(() => cow.open("/README.md/x", { write: true, create: true }), "ENOTDIR");
  assertCode(() => cow.mkdir("/missing/x"), "ENOENT");
  assertCode(() => cow.mkdir("/README.md/x"), "ENOTDIR");
  // The same once the overlay has changes, when the slow path answers.
  writeText(cow, "/new.txt", "x");
  assertCode(() => cow.stat("/missing"), "ENOENT");
  assertCode(() => cow.readdir("/new.txt"), "ENOTDIR");
  assertCode(() => cow.stat("/new.txt/x"), "ENOTDIR");
});

// ---- copy-up and open flags ---------------------------------------------

Deno.test("opening read-only never copies up; the first write does, leaving the base as it was", () => {
  const base = sampleBase();
  const before = snapshot(base);
  const cow = new CowFs(base);
  cow.open("/src/main.ts", { read: true }).close();
  cow.open("/src/main.ts", { read: true, create: true }).close(); // exists: nothing to create
  assert.equal(cow.describe().entries, 0);
  writeText(cow, "/src/main.ts", "console.log(2)");
  assert.equal(readText(cow, "/src/main.ts"), "console.log(2)");
  assert.equal(readText(cow, "/src/util/str.ts"), "export const s = 1;");
  assert.deepEqual(snapshot(base), before);
});

Deno.test("O_TRUNC, O_APPEND and O_EXCL work on base files as on any file", () => {
  const cow = new CowFs(sampleBase());
  cow.open("/docs/a.md", { write: true, truncate: true }).close();
  assert.equal(readText(cow, "/docs/a.md"), "");
  const h = cow.open("/docs/b.md", { append: true });
  h.write(bytes("+"));
  h.seek(0);
  h.write(bytes("!"));
  h.close();
  assert.equal(readText(cow, "/docs/b.md"), "B+!");
  assertCode(
    () => cow.open("/README.md", { write: true, create: true, exclusive: true }),
    "EEXIST",
  );
  assertCode(
    () => cow.open("/main-link", { write: true, create: true, exclusive: true }),
    "EEXIST",
  );
  const n = cow.open("/docs/c.md", { write: true, create: true, exclusive: true });
  n.write(bytes("C"));
  n.close();
  assert.equal(readText(cow, "/docs/c.md"), "C");
  assertCode(
    () => cow.open("/docs/c.md", { write: true, create: true, exclusive: true }),
    "EEXIST",
  );
  // Writing without O_TRUNC overwrites in place.
  const w = cow.open("/README.md", { write: true });
  w.write(bytes("##"));
  w.close();
  assert.equal(readText(cow, "/README.md"), "##project");
});

Deno.test("open refuses directories, the directory flag on files, and bad flags", () => {
  const cow = new CowFs(sampleBase());
  for (const dirty of [false, true]) {
    if (dirty) writeText(cow, "/src/new.ts", "");
    assertCode(() => cow.open("/src"), "EISDIR");
    assertCode(() => cow.open("/src", { write: true }), "EISDIR");
    assertCode(() => cow.open("/README.md", { directory: true }), "ENOTDIR");
    assertCode(() => cow.open("/nope", { directory: true }), "ENOENT");
    assertCode(() => cow.open("/README.md", { bogus: true } as never), "EINVAL");
    assertCode(() => cow.open("/README.md", null as never), "EINVAL");
    assertCode(() => cow.open("/README.md", { truncate: true }), "EINVAL");
    assertCode(() => cow.open("/README.md", { write: "yes" } as never), "EINVAL");
  }
});

Deno.test("a read-only handle refuses writes, and a write-only handle refuses reads", () => {
  const cow = new CowFs(sampleBase());
  const r = cow.open("/README.md");
  assertCode(() => r.write(bytes("x")), "EBADF");
  r.close();
  const w = cow.open("/README.md", { write: true });
  assertCode(() => w.read(new Uint8Array(4)), "EBADF");
  w.close();
  assertCode(() => w.close(), "EBADF");
});

// ---- directories ------------------------------------------------------------

Deno.test("readdir merges base and overlay entries, sorted and stable, without whiteouts", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/docs/0.md", "zero");
  writeText(cow, "/docs/c.md", "C");
  writeText(cow, "/docs/a.md", "A2"); // copied up: listed once
  cow.remove("/docs/b.md");
  cow.mkdir("/docs/sub");
  const expected = [
    { name: "0.md", kind: "file" },
    { name: "a.md", kind: "file" },
    { name: "c.md", kind: "file" },
    { name: "sub", kind: "dir" },
  ];
  assert.deepEqual(cow.readdir("/docs"), expected);
  assert.deepEqual(cow.readdir("/docs"), expected);
  assert.deepEqual(cow.readdir("/docs/sub"), []);
});

Deno.test("mkdir makes directories in the overlay and refuses existing paths", () => {
  const cow = new CowFs(sampleBase());
  cow.mkdir("/build");
  cow.mkdir("/build/out");
  cow.mkdir("/src/gen");
  writeText(cow, "/build/out/x.js", "x");
  assert.equal(readText(cow, "/build/out/x.js"), "x");
  assert.equal(cow.stat("/src/gen").kind, "dir");
  assertCode(() => cow.mkdir("/src"), "EEXIST");
  assertCode(() => cow.mkdir("/README.md"), "EEXIST");
  assertCode(() => cow.mkdir("/main-link"), "EEXIST");
  assertCode(() => cow.mkdir("/build"), "EEXIST");
  assertCode(() => cow.mkdir("/"), "EEXIST");
});

Deno.test("remove deletes base and overlay entries, leaving the base untouched", () => {
  const base = sampleBase();
  const before = snapshot(base);
  const cow = new CowFs(base);
  cow.remove("/README.md");
  assertCode(() => cow.stat("/README.md"), "ENOENT");
  assertCode(() => cow.open("/README.md"), "ENOENT");
  assert.equal(exists(cow, "/README.md"), false);
  writeText(cow, "/tmp.txt", "t");
  cow.remove("/tmp.txt");
  assert.equal(exists(cow, "/tmp.txt"), false);
  cow.remove("/empty");
  assert.equal(exists(cow, "/empty"), false);
  cow.remove("/main-link"); // the link, not its target
  assert.equal(readText(cow, "/src/main.ts"), "console.log(1)");
  assert.deepEqual(snapshot(base), before);
});

Deno.test("remove refuses missing paths, non-empty directories and the root", () => {
  const cow = new CowFs(sampleBase());
  assertCode(() => cow.remove("/nope"), "ENOENT");
  assertCode(() => cow.remove("/docs"), "ENOTEMPTY");
  cow.remove("/docs/a.md");
  assertCode(() => cow.remove("/docs"), "ENOTEMPTY");
  cow.remove("/docs/b.md");
  writeText(cow, "/docs/new.md", "n");
  assertCode(() => cow.remove("/docs"), "ENOTEMPTY");
  cow.remove("/docs/new.md");
  cow.remove("/docs");
  assertCode(() => cow.remove("/"), "EBUSY");
  assertCode(() => cow.remove("/docs"), "ENOENT");
});

Deno.test("original bug: remove('/d') then mkdir('/d') gives an empty directory", () => {
  const cow = new CowFs(sampleBase());
  cow.remove("/docs/a.md");
  cow.remove("/docs/b.md");
  cow.remove("/docs");
  cow.mkdir("/docs");
  assert.deepEqual(cow.readdir("/docs"), []);
  assert.equal(cow.stat("/docs").kind, "dir");
  assertCode(() => cow.stat("/docs/a.md"), "ENOENT");
  assertCode(() => cow.open("/docs/b.md"), "ENOENT");
  writeText(cow, "/docs/c.md", "C");
  assert.deepEqual(cow.readdir("/docs").map((e) => e.name), ["c.md"]);
  cow.remove("/docs/c.md");
  cow.remove("/docs"); // an empty re-made directory can go again
  assert.equal(exists(cow, "/docs"), false);
});

Deno.test("original bug: after remove('/d'), creating '/d/new.txt' is ENOENT, as stat('/d') says", () => {
  const cow = new CowFs(sampleBase());
  cow.remove("/empty");
  assertCode(() => cow.stat("/empty"), "ENOENT");
  assertCode(() => writeText(cow, "/empty/new.txt", "x"), "ENOENT");
  assertCode(() => cow.mkdir("/empty/sub"), "ENOENT");
  assertCode(() => cow.readdir("/empty"), "ENOENT");
  assertCode(() => cow.symlink("/x", "/empty/link"), "ENOENT");
  assert.deepEqual(cow.diff(), [{ path: "/empty", change: "deleted", kind: "dir" }]);
});

// ---- bad input ----------------------------------------------------------------

Deno.test("every operation answers a bad path with EINVAL", () => {
  const cow = new CowFs(sampleBase());
  for (const dirty of [false, true]) {
    if (dirty) writeText(cow, "/dirty", "");
    for (const bad of [42, undefined, null, "", "relative/path", "/a\0b"] as never[]) {
      assertCode(() => cow.open(bad), "EINVAL", `open ${String(bad)}`);
      assertCode(() => cow.open(bad, { write: true, create: true }), "EINVAL");
      assertCode(() => cow.stat(bad), "EINVAL");
      assertCode(() => cow.lstat(bad), "EINVAL");
      assertCode(() => cow.readdir(bad), "EINVAL");
      assertCode(() => cow.readlink(bad), "EINVAL");
      assertCode(() => cow.mkdir(bad), "EINVAL");
      assertCode(() => cow.remove(bad), "EINVAL");
      assertCode(() => cow.rename(bad, "/x"), "EINVAL");
      assertCode(() => cow.rename("/README.md", bad), "EINVAL");
      assertCode(() => cow.setTimes(bad, 1n, 1n), "EINVAL");
      assertCode(() => cow.symlink("/x", bad), "EINVAL");
    }
  }
  assert.equal(readText(cow, "/README.md"), "# project");
});

// ---- the base is never written ---------------------------------------------

Deno.test("no operation ever asks the base to change (a base that throws on mutation)", () => {
  const mem = new MemFs();
  for (const [p, s] of Object.entries(snapshot(sampleBase()))) {
    if (s === "<dir>") mem.mkdir(p);
    else if (s.startsWith("-> ")) mem.symlink(s.slice(3), p);
    else writeText(mem, p, s);
  }
  const before = snapshot(mem);
  const base = new ThrowingFs(mem);
  const cow = new CowFs(base);
  writeText(cow, "/README.md", "changed");
  writeText(cow, "/main-link", "through the link");
  const h = cow.open("/docs/a.md", { write: true, append: true });
  h.write(bytes("+"));
  h.truncate(1);
  h.pwrite(bytes("Z"), 0);
  h.close();
  cow.open("/docs/b.md", { write: true, truncate: true }).close();
  cow.mkdir("/new");
  writeFile(cow, "/new/f.bin", new Uint8Array([1, 2, 3]));
  cow.rename("/src", "/lib");
  cow.rename("/new/f.bin", "/f.bin");
  cow.remove("/empty");
  cow.symlink("/f.bin", "/f-link");
  cow.setTimes("/lib/main.ts", 1n, 2n);
  assertCode(() => writeText(cow, "/main-link", "dangles now"), "ENOENT");
  cow.diff();
  cow.reset();
  writeText(cow, "/again", "x");
  assert.deepEqual(base.attempts, []);
  assert.deepEqual(snapshot(mem), before);
  assert.throws(() => cow.commit(), /the base was asked to change/);
});

// ---- stacking, other bases, inode numbers ----------------------------------

Deno.test("CowFs stacks: an overlay over an overlay changes neither lower layer", () => {
  const bottom = sampleBase();
  const middle = new CowFs(bottom);
  writeText(middle, "/docs/a.md", "A from the middle");
  const top = new CowFs(middle);
  assert.equal(readText(top, "/docs/a.md"), "A from the middle");
  writeText(top, "/docs/a.md", "A from the top");
  top.remove("/docs/b.md");
  top.rename("/src", "/lib");
  assert.equal(readText(top, "/lib/util/str.ts"), "export const s = 1;");
  assert.equal(readText(middle, "/docs/a.md"), "A from the middle");
  assert.equal(readText(middle, "/docs/b.md"), "B");
  assert.equal(readText(bottom, "/docs/a.md"), "A");
  assert.deepEqual(middle.diff().map((c) => `${c.change} ${c.path}`), ["modified /docs/a.md"]);
  const topChanges = top.diff().map((c) => `${c.change} ${c.path}`);
  assert.ok(topChanges.includes("modified /docs/a.md"));
  assert.ok(topChanges.includes("deleted /docs/b.md"));
  assert.ok(topChanges.includes("added /lib/main.ts"));
});

Deno.test("a base without lstat or readlink (FuncFs) works: read through, write copies up", () => {
  let value = "41";
  const base = new FuncFs().readWrite("/counter", () => value, (d) => {
    value = new TextDecoder().decode(d);
  }).dir("/empty");
  const cow = new CowFs(base);
  assert.equal(readText(cow, "/counter"), "41");
  assert.equal(cow.lstat("/counter").kind, "file");
  writeText(cow, "/counter", "42");
  assert.equal(readText(cow, "/counter"), "42");
  assert.equal(value, "41");
  assert.deepEqual(cow.readdir("/").map((e) => e.name), ["counter", "empty"]);
  assert.deepEqual(cow.diff(), [{
    path: "/counter",
    change: "modified",
    kind: "file",
    size: 2,
    baseSize: 2,
  }]);
});

Deno.test("inode numbers are unique across base and overlay, and survive copy-up and rename", () => {
  const base = MapFs.fromObject({ "/a": "1", "/b": "2" });
  const cow = new CowFs(base);
  const inoA = cow.stat("/a").ino;
  writeText(cow, "/c", "3");
  const inos = ["/", "/a", "/b", "/c"].map((p) => cow.stat(p).ino);
  assert.equal(new Set(inos).size, 4);
  writeText(cow, "/a", "changed");
  assert.equal(cow.stat("/a").ino, inoA);
  cow.rename("/a", "/a2");
  assert.equal(cow.stat("/a2").ino, inoA);
  const inoC = cow.stat("/c").ino;
  cow.rename("/c", "/c2");
  assert.equal(cow.stat("/c2").ino, inoC);
});

Deno.test("describe names the base and counts the overlay's entries and whiteouts", () => {
  const cow = new CowFs(sampleBase());
  assert.deepEqual(cow.describe(), { base: "map", entries: 0, whiteouts: 0 });
  cow.remove("/README.md");
  writeText(cow, "/docs/n.md", "n");
  assert.deepEqual(cow.describe(), { base: "map", entries: 2, whiteouts: 1 });
});

Deno.test("errors from the base other than 'not there' pass through unchanged", () => {
  class EioFs extends MemFs {
    override lstat(path: string) {
      if (path.startsWith("/bad")) throw new FsError("EIO", path, "broken sector");
      return super.lstat(path);
    }
  }
  const base = new EioFs();
  base.mkdir("/bad");
  const cow = new CowFs(base);
  writeText(cow, "/ok", "ok");
  assertCode(() => cow.stat("/bad"), "EIO");
  assertCode(() => writeText(cow, "/bad/x", "x"), "EIO");
});

Deno.test("readdir is sorted even when the base lists in another order", () => {
  class Reversed extends MemFs {
    override readdir(path: string) {
      return super.readdir(path).reverse();
    }
  }
  const base = new Reversed();
  for (const n of ["a", "b", "c"]) writeText(base, "/" + n, n);
  const cow = new CowFs(base);
  assert.deepEqual(cow.readdir("/").map((e) => e.name), ["a", "b", "c"]);
  writeText(cow, "/bb", "");
  assert.deepEqual(cow.readdir("/").map((e) => e.name), ["a", "b", "bb", "c"]);
});

Deno.test("copy-up reads the whole file even when it changes size between stat and read", () => {
  let calls = 0;
  const base = new FuncFs().readOnly("/grows", () => "x".repeat(++calls * 10_000));
  const cow = new CowFs(base);
  writeText(cow, "/marker", ""); // the slow path: stat first, then the copy
  cow.open("/grows", { write: true }).close();
  const size = cow.stat("/grows").size;
  assert.ok(size > 10_000, `copied ${size} bytes`);
  assert.equal(readText(cow, "/grows"), "x".repeat(size));
  let n = 3;
  const shrinks = new CowFs(new FuncFs().readOnly("/s", () => "y".repeat(n--)));
  shrinks.open("/s", { write: true }).close();
  assert.equal(readText(shrinks, "/s"), "y".repeat(readText(shrinks, "/s").length));
  assert.ok(shrinks.stat("/s").size < 3);
});

Deno.test("open with the directory flag never creates a file", () => {
  const cow = new CowFs(sampleBase());
  assertCode(() => cow.open("/nope", { write: true, create: true, directory: true }), "ENOENT");
  assert.equal(exists(cow, "/nope"), false);
});

Deno.test("removing a base directory's files then the directory leaves one whiteout", () => {
  const cow = new CowFs(sampleBase());
  cow.remove("/docs/a.md");
  cow.remove("/docs/b.md");
  assert.equal(cow.describe().whiteouts, 2);
  cow.remove("/docs");
  assert.equal(cow.describe().whiteouts, 1, "the whiteouts below went with the directory");
  cow.mkdir("/docs");
  assert.deepEqual(cow.readdir("/docs"), []);
  assert.deepEqual(cow.diff().map((c) => `${c.change} ${c.path}`), [
    "deleted /docs/a.md",
    "deleted /docs/b.md",
  ]);
});

Deno.test("creating many files in a base directory: each new name is checked against the base's", () => {
  const cow = new CowFs(sampleBase());
  for (let i = 0; i < 50; i++) writeText(cow, `/docs/n${i}.md`, String(i));
  assertCode(
    () => cow.open("/docs/a.md", { write: true, create: true, exclusive: true }),
    "EEXIST",
  );
  assert.equal(readText(cow, "/docs/b.md"), "B");
  assert.equal(cow.readdir("/docs").length, 52);
  cow.remove("/docs/n7.md");
  assertCode(() => cow.stat("/docs/n7.md"), "ENOENT");
  assert.equal(cow.readdir("/docs").length, 51);
});
