import assert from "@std/assert";
import { CowFs, MemFs, readText, writeText } from "../../mod.ts";
import { assertCode, sampleBase, snapshot, ThrowingFs } from "./cow_helpers.ts";

// ---- rename -----------------------------------------------------------------

Deno.test("original bug: a renamed directory keeps its contents, changed and unchanged", () => {
  const base = sampleBase();
  const before = snapshot(base);
  const cow = new CowFs(base);
  writeText(cow, "/src/main.ts", "console.log(2)");
  writeText(cow, "/src/extra.ts", "extra");
  cow.remove("/src/util/str.ts");
  writeText(cow, "/src/util/num.ts", "n");
  cow.rename("/src", "/lib");
  assert.deepEqual(cow.readdir("/lib").map((e) => e.name), ["extra.ts", "main.ts", "util"]);
  assert.equal(readText(cow, "/lib/main.ts"), "console.log(2)");
  assert.equal(readText(cow, "/lib/extra.ts"), "extra");
  assert.deepEqual(cow.readdir("/lib/util").map((e) => e.name), ["num.ts"]);
  assertCode(() => cow.stat("/src"), "ENOENT");
  assertCode(() => writeText(cow, "/src/x.ts", ""), "ENOENT");
  assert.deepEqual(snapshot(base), before);
  // A plain base directory, never touched, keeps its contents too.
  cow.rename("/docs", "/documentation");
  assert.equal(readText(cow, "/documentation/b.md"), "B");
  // And back again: /src is made anew and shows the moved content, not the base's.
  cow.rename("/lib", "/src");
  assert.equal(readText(cow, "/src/main.ts"), "console.log(2)");
  assertCode(() => cow.stat("/src/util/str.ts"), "ENOENT");
});

Deno.test("rename moves files, replacing an existing file as POSIX says", () => {
  const cow = new CowFs(sampleBase());
  cow.rename("/docs/a.md", "/docs/z.md");
  assert.equal(readText(cow, "/docs/z.md"), "A");
  assertCode(() => cow.stat("/docs/a.md"), "ENOENT");
  cow.rename("/docs/z.md", "/docs/b.md"); // replaces the base's b.md
  assert.equal(readText(cow, "/docs/b.md"), "A");
  assert.deepEqual(cow.readdir("/docs").map((e) => e.name), ["b.md"]);
  writeText(cow, "/new.txt", "new");
  cow.rename("/new.txt", "/src/new.txt");
  assert.equal(readText(cow, "/src/new.txt"), "new");
  cow.rename("/main-link", "/src/link"); // moves the link itself
  assert.equal(cow.readlink("/src/link"), "/src/main.ts");
  cow.rename("/README.md", "/README.md"); // same path: nothing happens
  assert.equal(readText(cow, "/README.md"), "# project");
});

Deno.test("rename onto an empty directory replaces it; the old directory's base entries stay gone", () => {
  const cow = new CowFs(sampleBase());
  cow.rename("/docs", "/empty");
  assert.deepEqual(cow.readdir("/empty").map((e) => e.name), ["a.md", "b.md"]);
  cow.remove("/src/util/str.ts");
  cow.rename("/empty", "/src/util"); // /src/util is empty in the view, but not in the base
  assert.deepEqual(cow.readdir("/src/util").map((e) => e.name), ["a.md", "b.md"]);
  assertCode(() => cow.stat("/src/util/str.ts"), "ENOENT");
});

Deno.test("rename refuses what POSIX refuses", () => {
  const cow = new CowFs(sampleBase());
  assertCode(() => cow.rename("/nope", "/x"), "ENOENT");
  assertCode(() => cow.rename("/README.md", "/nope/x"), "ENOENT");
  assertCode(() => cow.rename("/README.md", "/docs"), "EISDIR");
  assertCode(() => cow.rename("/docs", "/README.md"), "ENOTDIR");
  assertCode(() => cow.rename("/docs", "/src"), "ENOTEMPTY");
  assertCode(() => cow.rename("/src", "/src/util/inner"), "EINVAL");
  assertCode(() => cow.rename("/", "/x"), "EBUSY");
  assertCode(() => cow.rename("/docs", "/"), "EBUSY");
  assert.deepEqual(cow.diff(), []);
});

// ---- times --------------------------------------------------------------------

Deno.test("setTimes copies up and sets times, without touching the base", () => {
  const base = new MemFs();
  writeText(base, "/f", "data");
  base.mkdir("/d");
  const baseTimes = base.stat("/f").mtimeNs;
  const cow = new CowFs(new ThrowingFs(base));
  cow.setTimes("/f", 1_000_000_000n, 2_000_000_000n);
  const st = cow.stat("/f");
  assert.equal(st.mtimeNs, 2_000_000_000n);
  assert.equal(st.atimeNs, 1_000_000_000n);
  assert.equal(st.mtime, 2000);
  cow.setTimes("/d", undefined, 5_000_000n);
  assert.equal(cow.stat("/d").mtimeNs, 5_000_000n);
  assert.equal(base.stat("/f").mtimeNs, baseTimes);
  assert.equal(readText(cow, "/f"), "data");
  assert.deepEqual(cow.diff(), []); // times alone are no change
  assertCode(() => cow.setTimes("/nope", 1n, 1n), "ENOENT");
  assertCode(() => cow.setTimes("/f", 1 as never, 1n), "EINVAL");
});

// ---- symlinks -----------------------------------------------------------------

Deno.test("base symlinks pass through readlink, lstat and stat", () => {
  const cow = new CowFs(sampleBase());
  assert.equal(cow.readlink("/main-link"), "/src/main.ts");
  assert.equal(cow.lstat("/main-link").kind, "symlink");
  assert.equal(cow.stat("/main-link").kind, "file");
  assert.equal(readText(cow, "/main-link"), "console.log(1)");
  assertCode(() => cow.readlink("/README.md"), "EINVAL");
  assertCode(() => cow.readlink("/nope"), "ENOENT");
});

Deno.test("symlinks are followed in the merged view, so a link to a changed file reads the change", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/src/main.ts", "console.log(2)");
  assert.equal(readText(cow, "/main-link"), "console.log(2)");
  writeText(cow, "/main-link", "via link"); // writes the target, keeps the link
  assert.equal(cow.lstat("/main-link").kind, "symlink");
  assert.equal(readText(cow, "/src/main.ts"), "via link");
  cow.symlink("src", "/src-link"); // relative, made in the overlay, to a base directory
  assert.equal(readText(cow, "/src-link/util/str.ts"), "export const s = 1;");
  writeText(cow, "/src-link/made.ts", "m");
  assert.equal(readText(cow, "/src/made.ts"), "m");
  assert.deepEqual(cow.readdir("/src-link").map((e) => e.name), [
    "made.ts",
    "main.ts",
    "util",
  ]);
});

Deno.test("symlink makes links in the overlay and refuses bad targets and existing paths", () => {
  const cow = new CowFs(sampleBase());
  cow.symlink("/docs/a.md", "/a-link");
  assert.equal(cow.readlink("/a-link"), "/docs/a.md");
  assert.equal(cow.lstat("/a-link").size, "/docs/a.md".length);
  assertCode(() => cow.symlink("/x", "/README.md"), "EEXIST");
  assertCode(() => cow.symlink("/x", "/a-link"), "EEXIST");
  assertCode(() => cow.symlink("", "/l"), "EINVAL");
  assertCode(() => cow.symlink("a\0b", "/l"), "EINVAL");
  assertCode(() => cow.symlink(7 as never, "/l"), "EINVAL");
  cow.symlink("/dangling", "/d-link");
  assertCode(() => cow.stat("/d-link"), "ENOENT");
  writeText(cow, "/d-link", "made through a dangling link");
  assert.equal(readText(cow, "/dangling"), "made through a dangling link");
  cow.symlink("/loop-b", "/loop-a");
  cow.symlink("/loop-a", "/loop-b");
  assertCode(() => cow.stat("/loop-a"), "ELOOP");
  cow.remove("/a-link");
  assert.equal(readText(cow, "/docs/a.md"), "A");
});

Deno.test("reads of a base symlink stay in the view after lstat has looked at the link", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/src/main.ts", "changed");
  assert.equal(cow.lstat("/main-link").kind, "symlink");
  assert.equal(cow.stat("/main-link").size, 7);
  assert.equal(readText(cow, "/main-link"), "changed");
});
