import assert from "@std/assert";
import { CowFs, FsError, FuncFs, MapFs, MemFs, readText, writeText } from "../../mod.ts";
import { assertCode, bytes, readRest } from "./cow_helpers.ts";

function base(): MapFs {
  return MapFs.fromObject({ "/f.txt": "0123456789", "/g.txt": "ggg" });
}

Deno.test("a write through one overlay handle is seen by the file's other handles at once", () => {
  const cow = new CowFs(base());
  const w = cow.open("/f.txt", { write: true }); // copies up
  const r = cow.open("/f.txt");
  w.write(bytes("AB"));
  assert.equal(readRest(r), "AB23456789");
  w.pwrite(bytes("Z"), 9);
  const buf = new Uint8Array(1);
  r.pread(buf, 9);
  assert.equal(new TextDecoder().decode(buf), "Z");
  w.truncate(3);
  assert.equal(r.stat().size, 3);
  w.close();
  r.close();
});

Deno.test("a handle opened read-only before the copy-up moves to the copy, at the same position", () => {
  const cow = new CowFs(base());
  const early = cow.open("/f.txt");
  const buf = new Uint8Array(4);
  early.read(buf);
  assert.equal(new TextDecoder().decode(buf), "0123");
  const w = cow.open("/f.txt", { write: true });
  w.pwrite(bytes("xxxxxx"), 4);
  assert.equal(readRest(early), "xxxxxx");
  w.write(bytes("y"));
  early.seek(0);
  assert.equal(readRest(early), "y123xxxxxx");
  assert.equal(early.stat().size, 10);
  assert.equal(early.stat().readOnly, false);
  assertCode(() => early.write(bytes("no")), "EBADF");
  w.close();
  early.close();
  assertCode(() => early.close(), "EBADF");
  assertCode(() => early.read(buf), "EBADF");
});

Deno.test("a read handle on a base file keeps its content when the file is deleted or replaced", () => {
  const cow = new CowFs(base());
  const h = cow.open("/g.txt");
  cow.remove("/g.txt");
  writeText(cow, "/g.txt", "a new file"); // not a copy-up of the old one
  assert.equal(readRest(h), "ggg");
  h.close();
  assert.equal(readText(cow, "/g.txt"), "a new file");
});

Deno.test("an overlay handle follows its file through a rename", () => {
  const cow = new CowFs(base());
  const h = cow.open("/f.txt", { write: true, truncate: true });
  cow.rename("/f.txt", "/moved.txt");
  h.write(bytes("after the move"));
  h.close();
  assert.equal(readText(cow, "/moved.txt"), "after the move");
});

Deno.test("handles opened before reset or commit are detached from the view", () => {
  const cow = new CowFs(new MemFs());
  const h = cow.open("/scratch", { write: true, create: true });
  h.write(bytes("before"));
  cow.reset();
  h.write(bytes(" and after"));
  h.close();
  assertCode(() => cow.stat("/scratch"), "ENOENT");
});

Deno.test("overlay handles seek, report position and stat, and refuse bad offsets", () => {
  const cow = new CowFs(base());
  const h = cow.open("/f.txt", { read: true, write: true });
  assert.equal(h.seek(2), 2);
  assert.equal(h.seek(3, "current"), 5);
  assert.equal(h.seek(-1, "end"), 9);
  assert.equal(h.position(), 9);
  assertCode(() => h.seek(-20, "current"), "EINVAL");
  assertCode(() => h.pread(new Uint8Array(1), -1), "EINVAL");
  const st = h.stat();
  assert.equal(st.kind, "file");
  assert.equal(st.size, 10);
  assert.equal(st.readOnly, false);
  h.flush();
  h.close();
});

Deno.test("read-only handles on base files seek, pread and report position like any handle", () => {
  const cow = new CowFs(base());
  writeText(cow, "/other", "dirty the overlay"); // the slow path opens this one
  for (let i = 0; i < 2; i++) {
    const h = cow.open("/f.txt", { read: true });
    assert.equal(h.path, "/f.txt");
    assert.equal(h.seek(8), 8);
    assert.equal(h.position(), 8);
    assert.equal(readRest(h), "89");
    const buf = new Uint8Array(2);
    assert.equal(h.pread(buf, 0), 2);
    assert.equal(new TextDecoder().decode(buf), "01");
    h.flush();
    assertCode(() => h.truncate(0), "EBADF");
    assertCode(() => h.pwrite(bytes("x"), 0), "EBADF");
    h.close();
  }
});

Deno.test("writes through a handle mark the file changed, and diff sees them at once", () => {
  const cow = new CowFs(base());
  const h = cow.open("/g.txt", { append: true });
  assert.deepEqual(cow.diff(), []);
  h.write(bytes("!"));
  assert.deepEqual(cow.diff().map((c) => c.change + " " + c.path), ["modified /g.txt"]);
  h.close();
});

Deno.test("a base handle's whenReadable is passed through", async () => {
  let ready = false;
  const base = new FuncFs().readOnly("/resp", () => {
    if (!ready) throw new FsError("EAGAIN", "/resp");
    return "done";
  }, { whenReadable: () => Promise.resolve() });
  const cow = new CowFs(base);
  const h = cow.open("/resp", { nonBlocking: true });
  assert.equal(typeof h.whenReadable, "function");
  await h.whenReadable!();
  ready = true;
  assert.equal(readRest(h), "done");
  h.close();
  const plain = cow.open("/resp");
  assert.equal(plain.whenReadable === undefined, false);
  plain.close();
  assert.equal(cow.open("/resp").whenReadable !== undefined, true);
});
