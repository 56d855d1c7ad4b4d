import assert from "@std/assert";
import {
  type CowChange,
  CowFs,
  exists,
  FuncFs,
  MapFs,
  MemFs,
  readText,
  writeText,
} from "../../mod.ts";
import { assertCode, FlakyFs, sampleBase, snapshot } from "./cow_helpers.ts";

/** A writable copy of the sample base. */
function memBase(): MemFs {
  const mem = new MemFs();
  for (const [p, s] of Object.entries(snapshot(sampleBase()))) {
    if (s === "<dir>") mem.mkdir(p);
    else if (s.startsWith("-> ")) mem.symlink(s.slice(3), p);
    else writeText(mem, p, s);
  }
  return mem;
}

function short(changes: CowChange[]): string[] {
  return changes.map((c) => `${c.change} ${c.kind} ${c.path}`);
}

// ---- diff -------------------------------------------------------------------

Deno.test("diff lists added, modified and deleted entries with sizes, sorted by path", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/src/main.ts", "console.log(22)");
  writeText(cow, "/notes.txt", "hello");
  cow.mkdir("/build");
  cow.remove("/docs/a.md");
  assert.deepEqual(cow.diff(), [
    { path: "/build", change: "added", kind: "dir" },
    { path: "/docs/a.md", change: "deleted", kind: "file", baseSize: 1 },
    { path: "/notes.txt", change: "added", kind: "file", size: 5 },
    { path: "/src/main.ts", change: "modified", kind: "file", size: 15, baseSize: 14 },
  ]);
});

Deno.test("diff has no false entries: written back, copied up unchanged, created then deleted", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/README.md", "something else");
  writeText(cow, "/README.md", "# project"); // back to the original bytes
  cow.open("/docs/a.md", { write: true }).close(); // copied up, never written
  writeText(cow, "/tmp.txt", "t");
  cow.remove("/tmp.txt");
  cow.mkdir("/tmpdir");
  writeText(cow, "/tmpdir/x", "x");
  cow.remove("/tmpdir/x");
  cow.remove("/tmpdir");
  cow.remove("/docs/b.md");
  writeText(cow, "/docs/b.md", "B"); // deleted, then made again with the same bytes
  cow.setTimes("/src/main.ts", 1n, 1n); // times alone
  cow.rename("/docs/a.md", "/docs/a2.md");
  cow.rename("/docs/a2.md", "/docs/a.md"); // and back
  assert.deepEqual(cow.diff(), []);
});

Deno.test("diff compares content byte for byte, at equal sizes too", () => {
  const big = new Uint8Array(10_000).fill(7);
  const cow = new CowFs(MapFs.fromObject({ "/big.bin": big }));
  const h = cow.open("/big.bin", { write: true });
  h.pwrite(new Uint8Array([8]), 9_999);
  h.close();
  assert.deepEqual(short(cow.diff()), ["modified file /big.bin"]);
  const h2 = cow.open("/big.bin", { write: true });
  h2.pwrite(new Uint8Array([7]), 9_999);
  h2.close();
  assert.deepEqual(cow.diff(), []);
});

Deno.test("diff lists a deleted base directory and every entry that was below it", () => {
  const cow = new CowFs(sampleBase());
  cow.rename("/src", "/lib");
  assert.deepEqual(short(cow.diff()), [
    "added dir /lib",
    "added file /lib/main.ts",
    "added dir /lib/util",
    "added file /lib/util/str.ts",
    "deleted dir /src",
    "deleted file /src/main.ts",
    "deleted dir /src/util",
    "deleted file /src/util/str.ts",
  ]);
});

Deno.test("diff: a directory removed and made again is not listed; the entries it lost are", () => {
  const cow = new CowFs(sampleBase());
  cow.remove("/docs/a.md");
  cow.remove("/docs/b.md");
  cow.remove("/docs");
  cow.mkdir("/docs");
  writeText(cow, "/docs/b.md", "B");
  assert.deepEqual(short(cow.diff()), ["deleted file /docs/a.md"]);
});

Deno.test("diff lists a change of kind as deleted then added at the same path", () => {
  const cow = new CowFs(sampleBase());
  cow.remove("/README.md");
  cow.mkdir("/README.md");
  writeText(cow, "/README.md/index.md", "i");
  cow.remove("/empty");
  writeText(cow, "/empty", "now a file");
  assert.deepEqual(short(cow.diff()), [
    "deleted file /README.md",
    "added dir /README.md",
    "added file /README.md/index.md",
    "deleted dir /empty",
    "added file /empty",
  ]);
});

Deno.test("diff lists symlinks added, retargeted and deleted", () => {
  const cow = new CowFs(sampleBase());
  cow.remove("/main-link");
  cow.symlink("/README.md", "/main-link");
  cow.symlink("docs", "/docs-link");
  assert.deepEqual(cow.diff(), [
    { path: "/docs-link", change: "added", kind: "symlink", size: 4 },
    { path: "/main-link", change: "modified", kind: "symlink", size: 10, baseSize: 12 },
  ]);
  cow.remove("/main-link");
  assert.deepEqual(short(cow.diff()), ["added symlink /docs-link", "deleted symlink /main-link"]);
});

Deno.test("diff of a stacked overlay compares with the overlay below, not the bottom", () => {
  const middle = new CowFs(sampleBase());
  writeText(middle, "/README.md", "middle");
  const top = new CowFs(middle);
  writeText(top, "/README.md", "# project"); // equal to the bottom, not to the middle
  assert.deepEqual(short(top.diff()), ["modified file /README.md"]);
});

// ---- commit -----------------------------------------------------------------

Deno.test("commit applies every change to a writable base, then empties the overlay", () => {
  const base = memBase();
  const cow = new CowFs(base);
  writeText(cow, "/src/main.ts", "console.log(2)");
  cow.rename("/docs", "/documentation");
  cow.remove("/README.md");
  cow.mkdir("/README.md");
  writeText(cow, "/README.md/index.md", "index");
  cow.remove("/empty");
  writeText(cow, "/empty", "file now");
  cow.remove("/main-link");
  cow.symlink("/README.md/index.md", "/main-link");
  cow.setTimes("/src/main.ts", 5_000_000_000n, 6_000_000_000n);
  const view = snapshot(cow);
  const listed = cow.diff();
  const applied = cow.commit();
  assert.deepEqual(applied, listed);
  assert.deepEqual(snapshot(base), view);
  assert.deepEqual(snapshot(cow), view);
  assert.deepEqual(cow.diff(), []);
  assert.deepEqual(cow.describe(), { base: "mem", entries: 0, whiteouts: 0 });
  assert.equal(base.stat("/src/main.ts").mtimeNs, 6_000_000_000n); // written files keep their times
});

Deno.test("commit into a read-only base throws EROFS and keeps the overlay intact", () => {
  const base = sampleBase();
  const cow = new CowFs(base);
  writeText(cow, "/src/main.ts", "console.log(2)");
  cow.remove("/docs/a.md");
  const view = snapshot(cow);
  const listed = cow.diff();
  assertCode(() => cow.commit(), "EROFS");
  assert.deepEqual(snapshot(cow), view);
  assert.deepEqual(cow.diff(), listed);
  assert.deepEqual(snapshot(base), snapshot(sampleBase()));
});

Deno.test("a commit refused part-way loses nothing: the view holds, diff lists the rest, a retry finishes", () => {
  const mem = memBase();
  const base = new FlakyFs(mem, 2);
  const cow = new CowFs(base);
  writeText(cow, "/a.txt", "a");
  writeText(cow, "/b.txt", "b");
  writeText(cow, "/c.txt", "c");
  cow.remove("/README.md");
  const view = snapshot(cow);
  assertCode(() => cow.commit(), "EIO");
  assert.deepEqual(snapshot(cow), view);
  assert.deepEqual(short(cow.diff()), ["added file /b.txt", "added file /c.txt"]);
  base.allowed = Infinity;
  cow.commit();
  assert.deepEqual(snapshot(mem), view);
  assert.deepEqual(cow.diff(), []);
});

Deno.test("commit refuses symlinks a base cannot make, before applying anything", () => {
  const value = "v";
  const base = new FuncFs().readOnly("/v", () => value);
  const cow = new CowFs(base);
  cow.symlink("/v", "/link");
  writeText(cow, "/v", "w");
  assertCode(() => cow.commit(), "ENOTSUP");
  assert.equal(readText(cow, "/link"), "w");
});

Deno.test("commit of a stacked overlay lands in the overlay below, not the bottom", () => {
  const bottom = memBase();
  const middle = new CowFs(bottom);
  const top = new CowFs(middle);
  writeText(top, "/new.txt", "new");
  top.remove("/docs/a.md");
  top.commit();
  assert.equal(readText(middle, "/new.txt"), "new");
  assert.equal(exists(middle, "/docs/a.md"), false);
  assert.equal(exists(bottom, "/new.txt"), false);
  assert.deepEqual(short(middle.diff()), ["deleted file /docs/a.md", "added file /new.txt"]);
  middle.commit();
  assert.equal(readText(bottom, "/new.txt"), "new");
  assert.equal(exists(bottom, "/docs/a.md"), false);
});

Deno.test("commit with nothing to do changes nothing", () => {
  const base = memBase();
  const before = snapshot(base);
  const cow = new CowFs(base);
  assert.deepEqual(cow.commit(), []);
  assert.deepEqual(snapshot(base), before);
});

// ---- reset ------------------------------------------------------------------

Deno.test("reset discards every change: the view is the base again", () => {
  const base = sampleBase();
  const cow = new CowFs(base);
  writeText(cow, "/src/main.ts", "x");
  cow.rename("/docs", "/d2");
  cow.remove("/README.md");
  cow.symlink("/x", "/l");
  cow.reset();
  assert.deepEqual(snapshot(cow), snapshot(base));
  assert.deepEqual(cow.diff(), []);
  writeText(cow, "/after.txt", "works");
  assert.deepEqual(short(cow.diff()), ["added file /after.txt"]);
});
