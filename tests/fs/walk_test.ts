import assert from "@std/assert";
import { CowFs, FuncFs, MapFs, MemFs, walk, type WalkEntry, writeText } from "../../mod.ts";
import { assertCode } from "./cow_helpers.ts";

function tree(): MemFs {
  const fs = new MemFs();
  fs.mkdir("/b");
  fs.mkdir("/b/c");
  writeText(fs, "/b/c/deep.txt", "deep");
  writeText(fs, "/b/x.txt", "x");
  writeText(fs, "/a.txt", "a");
  fs.mkdir("/b-sibling");
  fs.symlink("/b", "/link-to-b");
  return fs;
}

function paths(entries: Iterable<WalkEntry>): string[] {
  return [...entries].map((e) => e.path);
}

Deno.test("walk yields every entry below the root, parents first, siblings sorted", () => {
  assert.deepEqual(paths(walk(tree(), "/")), [
    "/a.txt",
    "/b",
    "/b/c",
    "/b/c/deep.txt",
    "/b/x.txt",
    "/b-sibling",
    "/link-to-b",
  ]);
});

Deno.test("walk reports lstat and never follows symlinks, so a cycle cannot trap it", () => {
  const fs = tree();
  fs.symlink("/", "/b/c/up");
  const entries = [...walk(fs)];
  const link = entries.find((e) => e.path === "/link-to-b")!;
  assert.equal(link.stat.kind, "symlink");
  assert.equal(entries.find((e) => e.path === "/b/c/deep.txt")!.stat.size, 4);
  assert.equal(entries.length, 8);
});

Deno.test("walk takes a subdirectory as root, and yields the root itself on request", () => {
  const fs = tree();
  assert.deepEqual(paths(walk(fs, "/b/")), ["/b/c", "/b/c/deep.txt", "/b/x.txt"]);
  const withRoot = [...walk(fs, "/b", { includeRoot: true })];
  assert.equal(withRoot[0].path, "/b");
  assert.equal(withRoot[0].stat.kind, "dir");
  assert.equal(withRoot.length, 4);
});

Deno.test("walk follows a root that is a symlink, and nothing below it", () => {
  const fs = tree();
  assert.deepEqual(paths(walk(fs, "/link-to-b")), [
    "/link-to-b/c",
    "/link-to-b/c/deep.txt",
    "/link-to-b/x.txt",
  ]);
});

Deno.test("walk stops at maxDepth", () => {
  const fs = tree();
  assert.deepEqual(paths(walk(fs, "/", { maxDepth: 1 })), [
    "/a.txt",
    "/b",
    "/b-sibling",
    "/link-to-b",
  ]);
  assert.deepEqual(paths(walk(fs, "/", { maxDepth: 2 })).length, 6);
  assert.deepEqual(paths(walk(fs, "/", { maxDepth: 0, includeRoot: true })), ["/"]);
});

Deno.test("walk refuses a missing root, a file root, bad paths and bad options", () => {
  const fs = tree();
  assertCode(() => [...walk(fs, "/nope")], "ENOENT");
  assertCode(() => [...walk(fs, "/a.txt")], "ENOTDIR");
  assertCode(() => [...walk(fs, "relative")], "EINVAL");
  assertCode(() => [...walk(fs, 3 as never)], "EINVAL");
  assertCode(() => [...walk(fs, "/", { maxDepth: -1 })], "EINVAL");
  assertCode(() => [...walk(fs, "/", { maxDepth: NaN })], "EINVAL");
  assertCode(() => [...walk(fs, "/", null as never)], "EINVAL");
  assert.throws(() => [...walk(null as never)], TypeError);
});

Deno.test("walk is lazy and skips entries removed while it runs", () => {
  const fs = tree();
  const seen: string[] = [];
  for (const { path } of walk(fs)) {
    seen.push(path);
    if (path === "/b/c") {
      // /b was listed already: its x.txt, and /b/c itself, vanish under the walk.
      fs.remove("/b/x.txt");
      fs.remove("/b/c/deep.txt");
      fs.remove("/b/c");
    }
  }
  assert.deepEqual(seen, ["/a.txt", "/b", "/b/c", "/b-sibling", "/link-to-b"]);
});

Deno.test("walk works over any service: MapFs, FuncFs (no lstat) and a CowFs view", () => {
  const map = MapFs.fromObject({ "/x/y.txt": "y", "/z/": "" });
  assert.deepEqual(paths(walk(map)), ["/x", "/x/y.txt", "/z"]);
  const func = new FuncFs().readOnly("/d/f", () => "f").dir("/e");
  assert.deepEqual(paths(walk(func)), ["/d", "/d/f", "/e"]);
  const cow = new CowFs(map);
  cow.remove("/x/y.txt");
  writeText(cow, "/x/new.txt", "n");
  assert.deepEqual(paths(walk(cow)), ["/x", "/x/new.txt", "/z"]);
});
