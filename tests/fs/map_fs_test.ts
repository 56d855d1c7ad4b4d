import assert from "@std/assert";
import { FsError, MapFs, readFile, readText } from "../../mod.ts";
import { assertFsError } from "./writable_contract.ts";

function sample(): MapFs {
  return MapFs.builder()
    .file("/src/main.rs", "fn main() {}")
    .file("/bin/data", new Uint8Array([0, 1, 2, 255]))
    .dir("/empty")
    .symlink("/src/main.rs", "/main")
    .build();
}

Deno.test("MapFs: the builder makes files, parent directories and empty directories", () => {
  const fs = sample();
  assert.deepEqual(fs.readdir("/").map((e) => e.name), ["bin", "empty", "main", "src"]);
  assert.equal(readText(fs, "/src/main.rs"), "fn main() {}");
  assert.deepEqual(readFile(fs, "/bin/data"), new Uint8Array([0, 1, 2, 255]));
  assert.deepEqual(fs.readdir("/empty"), []);
  assert.equal(readText(fs, "/main"), "fn main() {}");
});

Deno.test("MapFs: everything reports read-only", () => {
  const fs = sample();
  assert.equal(fs.stat("/src/main.rs").readOnly, true);
  assert.equal(fs.stat("/src").readOnly, true);
  const h = fs.open("/src/main.rs");
  assert.equal(h.stat().readOnly, true);
  h.close();
});

Deno.test("MapFs: every write is EROFS and changes nothing", () => {
  const fs = sample();
  assertFsError(() => fs.open("/src/main.rs", { write: true }), "EROFS");
  assertFsError(() => fs.open("/src/main.rs", { append: true }), "EROFS");
  assertFsError(() => fs.open("/new", { write: true, create: true }), "EROFS");
  assertFsError(() => fs.mkdir("/x"), "EROFS");
  assertFsError(() => fs.remove("/src/main.rs"), "EROFS");
  assertFsError(() => fs.rename("/src", "/dst"), "EROFS");
  assertFsError(() => fs.symlink("/a", "/b"), "EROFS");
  assertFsError(() => fs.setTimes("/src/main.rs"), "EROFS");
  assert.equal(readText(fs, "/src/main.rs"), "fn main() {}");
});

Deno.test("MapFs: a read handle cannot write or truncate", () => {
  const h = sample().open("/src/main.rs");
  assertFsError(() => h.write(new Uint8Array(1)), "EBADF");
  assertFsError(() => h.pwrite(new Uint8Array(1), 0), "EBADF");
  assertFsError(() => h.truncate(0), "EBADF");
  h.close();
});

Deno.test("MapFs: missing paths are ENOENT, directories EISDIR", () => {
  const fs = sample();
  assertFsError(() => fs.open("/missing"), "ENOENT");
  assertFsError(() => fs.open("/missing", { write: true }), "ENOENT");
  assertFsError(() => fs.open("/src"), "EISDIR");
  assertFsError(() => fs.open("/src", { write: true }), "EISDIR");
});

Deno.test("MapFs.fromObject builds from plain data; a trailing slash is a directory", () => {
  const fs = MapFs.fromObject({ "/a.txt": "A", "/d/b.txt": "B", "/empty/": "" });
  assert.equal(readText(fs, "/d/b.txt"), "B");
  assert.deepEqual(fs.readdir("/empty"), []);
});

Deno.test("MapFs: bad builder input is refused clearly", () => {
  assertFsError(() => MapFs.builder().file("/a", "1").file("/a", "2"), "EEXIST");
  assertFsError(() => MapFs.builder().file("/a", "1").file("/a/b", "2"), "ENOTDIR");
  assertFsError(() => MapFs.builder().file("/", "x"), "EISDIR");
  assertFsError(() => MapFs.builder().file("rel", "x"), "EINVAL");
  assertFsError(() => MapFs.builder().file("/n", 5 as unknown as string), "EINVAL");
  assert.throws(() => MapFs.fromObject(null as never), TypeError);
  assert.throws(() => MapFs.fromObject([] as never), TypeError);
  assert.throws(() => new MapFs(null as never, Symbol()), TypeError);
  const b = MapFs.builder();
  b.build();
  assert.throws(() => b.file("/x", ""), /already built/);
});

Deno.test("MapFs: the builder copies its input, so later changes to it do not leak in", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const fs = MapFs.builder().file("/b", bytes).build();
  bytes[0] = 9;
  assert.deepEqual(readFile(fs, "/b"), new Uint8Array([1, 2, 3]));
  assert.ok(!(readFile(fs, "/b") === bytes));
  assert.ok(FsError);
});
