/** Hard links and symlink times in a CowFs overlay. */
import assert from "@std/assert";
import { CowFs, MapFs, MemFs, readText, writeText } from "../../mod.ts";
import { assertCode, sampleBase } from "./cow_helpers.ts";

Deno.test("CowFs link: linking a base file copies it up once; both names share the copy", () => {
  const base = sampleBase();
  const cow = new CowFs(base);
  cow.link("/README.md", "/docs/readme-too.md");
  writeText(cow, "/docs/readme-too.md", "# changed");
  assert.equal(readText(cow, "/README.md"), "# changed");
  assert.equal(readText(base, "/README.md"), "# project", "the base is untouched");
  const [a, b] = [cow.stat("/README.md"), cow.stat("/docs/readme-too.md")];
  assert.equal(a.ino, b.ino);
  assert.equal(a.ino, base.stat("/README.md").ino! * 2, "the base's number, as for any copy-up");
  assert.equal(a.nlink, 2);
  cow.remove("/README.md");
  assert.equal(cow.stat("/docs/readme-too.md").nlink, 1);
  assert.equal(readText(cow, "/docs/readme-too.md"), "# changed");
});

Deno.test("CowFs link: a symlink is linked as itself; directories are EPERM", () => {
  const cow = new CowFs(sampleBase());
  cow.link("/main-link", "/main-link-2");
  assert.equal(cow.readlink("/main-link-2"), "/src/main.ts");
  assert.equal(readText(cow, "/main-link-2"), "console.log(1)");
  assertCode(() => cow.link("/src", "/src2"), "EPERM");
  assertCode(() => cow.link("/README.md", "/docs/a.md"), "EEXIST");
  assertCode(() => cow.link("/gone", "/x"), "ENOENT");
});

Deno.test("CowFs link: diff lists the new name as added; commit makes a link when the base can", () => {
  const mem = new MemFs();
  writeText(mem, "/a.txt", "A");
  const cow = new CowFs(mem);
  writeText(cow, "/new.txt", "N");
  cow.link("/new.txt", "/new-too.txt");
  cow.link("/a.txt", "/a-too.txt");
  assert.deepEqual(cow.diff().map((c) => `${c.change} ${c.path}`), [
    "added /a-too.txt",
    "added /new-too.txt",
    "added /new.txt",
  ]);
  cow.commit();
  // Both new names were written by this commit: the second became a link to the first.
  assert.equal(mem.stat("/new.txt").ino, mem.stat("/new-too.txt").ino);
  assert.equal(mem.stat("/new.txt").nlink, 2);
  // /a.txt was unchanged, so /a-too.txt is written as a copy.
  assert.notEqual(mem.stat("/a.txt").ino, mem.stat("/a-too.txt").ino);
  assert.equal(readText(mem, "/a-too.txt"), "A");
});

Deno.test("CowFs link: a commit into a base without link writes copies", () => {
  const inner = new MemFs();
  const middle = new CowFs(inner);
  const top = new CowFs(middle);
  writeText(top, "/x", "X");
  top.link("/x", "/y");
  top.commit();
  assert.equal(readText(middle, "/y"), "X");
  // The middle CowFs can link, so the two names share one node there too.
  writeText(middle, "/x", "changed");
  assert.equal(readText(middle, "/y"), "changed");
});

Deno.test("CowFs lsetTimes: a base symlink is copied up with its own times; the target keeps its", () => {
  const base = MapFs.builder().file("/t", "target").symlink("/t", "/l").build();
  const cow = new CowFs(base);
  const targetBefore = cow.stat("/t").mtimeNs;
  cow.lsetTimes("/l", 1_000n, 2_000_000_000_123n);
  assert.equal(cow.lstat("/l").mtimeNs, 2_000_000_000_123n);
  assert.equal(cow.lstat("/l").atimeNs, 1_000n);
  assert.equal(cow.stat("/t").mtimeNs, targetBefore);
  assert.equal(readText(cow, "/l"), "target");
  assert.deepEqual(cow.diff(), [], "times alone are no change");
  assertCode(() => cow.lsetTimes("/l", 1 as unknown as bigint), "EINVAL");
});
