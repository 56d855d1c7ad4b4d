/**
 * Byte and entry limits of MemFs and of a CowFs overlay: past a limit a
 * change fails with ENOSPC, whole, and nothing already written is lost.
 */
import assert from "@std/assert";
import {
  CowFs,
  type FileService,
  MapFs,
  MemFs,
  readText,
  writeFile,
  writeText,
} from "../../mod.ts";
import { assertFsError } from "./writable_contract.ts";

const enc = new TextEncoder();

function bytes(n: number, fill = 7): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

// ---- options ------------------------------------------------------------------

Deno.test("quota options: limits must be integers ≥ 0, named in the error", () => {
  for (const bad of [-1, 1.5, NaN, "10", Infinity]) {
    assert.throws(() => new MemFs({ maxBytes: bad as number }), TypeError, "MemFs: maxBytes");
    assert.throws(
      () => new CowFs(new MemFs(), { maxFiles: bad as number }),
      TypeError,
      "CowFs: maxFiles",
    );
  }
  assert.throws(() => new MemFs(null as never), TypeError);
  assert.deepEqual(new MemFs({}).usage(), {
    bytes: 0,
    files: 0,
    maxBytes: undefined,
    maxFiles: undefined,
  });
  assert.deepEqual(new MemFs({ maxBytes: 0 }).describe(), { maxBytes: 0, maxFiles: undefined });
});

// ---- MemFs -----------------------------------------------------------------------

Deno.test("MemFs maxBytes: a write past the limit is refused whole and changes nothing", () => {
  const fs = new MemFs({ maxBytes: 10 });
  writeText(fs, "/a", "123456");
  const h = fs.open("/a", { write: true, append: true });
  assertFsError(() => h.write(enc.encode("abcde")), "ENOSPC");
  assert.equal(h.write(enc.encode("abcd")), 4);
  assertFsError(() => h.write(enc.encode("!")), "ENOSPC");
  assertFsError(() => h.truncate(11), "ENOSPC");
  h.close();
  assert.equal(readText(fs, "/a"), "123456abcd");
  assert.equal(fs.usage().bytes, 10);
});

Deno.test("MemFs maxBytes: writeFile past the limit keeps the file's old content", () => {
  const fs = new MemFs({ maxBytes: 8 });
  writeText(fs, "/a", "old");
  writeText(fs, "/b", "12345");
  assertFsError(() => writeText(fs, "/a", "longer"), "ENOSPC");
  assert.equal(readText(fs, "/a"), "old");
  writeText(fs, "/a", "new");
  assertFsError(() => writeFile(fs, "/c", bytes(1)), "ENOSPC");
  assert.deepEqual(
    fs.readdir("/").map((e) => e.name),
    ["a", "b"],
    "a refused create leaves no file",
  );
  assert.deepEqual(fs.usage(), { bytes: 8, files: 2, maxBytes: 8, maxFiles: undefined });
});

Deno.test("MemFs maxBytes: shrinking and removing give the space back", () => {
  const fs = new MemFs({ maxBytes: 100 });
  writeFile(fs, "/a", bytes(60));
  const h = fs.open("/a", { write: true });
  h.truncate(10);
  h.close();
  assert.equal(fs.usage().bytes, 10);
  writeFile(fs, "/b", bytes(90));
  fs.remove("/b");
  writeFile(fs, "/c", bytes(90));
  assert.equal(fs.usage().bytes, 100);
});

Deno.test("MemFs maxBytes: an unlinked file open for writing counts until it is closed", () => {
  const fs = new MemFs({ maxBytes: 100 });
  const h = fs.open("/scratch", { write: true, create: true });
  h.write(bytes(60));
  fs.remove("/scratch");
  assertFsError(() => h.write(bytes(60)), "ENOSPC");
  assertFsError(() => writeFile(fs, "/other", bytes(50)), "ENOSPC");
  assert.deepEqual(fs.usage(), { bytes: 60, files: 0, maxBytes: 100, maxFiles: undefined });
  h.close();
  assert.equal(fs.usage().bytes, 0);
  writeFile(fs, "/other", bytes(100));
});

Deno.test("MemFs maxBytes: a file with two names counts once and stays while either name does", () => {
  const fs = new MemFs({ maxBytes: 10 });
  writeFile(fs, "/a", bytes(10));
  fs.link("/a", "/b");
  assert.deepEqual(fs.usage(), { bytes: 10, files: 1, maxBytes: 10, maxFiles: undefined });
  fs.remove("/a");
  assert.equal(fs.usage().bytes, 10);
  fs.remove("/b");
  assert.deepEqual(fs.usage(), { bytes: 0, files: 0, maxBytes: 10, maxFiles: undefined });
});

Deno.test("MemFs maxFiles: files, directories and symlinks count; links and renames do not", () => {
  const fs = new MemFs({ maxFiles: 3 });
  fs.mkdir("/d");
  writeText(fs, "/d/a", "");
  fs.symlink("/d/a", "/l");
  assertFsError(() => writeText(fs, "/d/b", ""), "ENOSPC");
  assertFsError(() => fs.open("/d/b", { write: true, create: true }), "ENOSPC");
  assertFsError(() => fs.mkdir("/e"), "ENOSPC");
  assertFsError(() => fs.symlink("/d", "/m"), "ENOSPC");
  fs.link("/d/a", "/a2");
  fs.rename("/d/a", "/d/renamed");
  assert.deepEqual(fs.readdir("/").map((e) => e.name), ["a2", "d", "l"]);
  fs.remove("/l");
  fs.mkdir("/e");
  assert.equal(fs.usage().files, 3);
});

// ---- CowFs -------------------------------------------------------------------------

function base(): MapFs {
  return MapFs.fromObject({
    "/big.bin": bytes(50),
    "/small.txt": "tiny",
    "/dir/x": "x",
    "/dir/y": "y",
  });
}

Deno.test("CowFs limits count the overlay only: reads and the base's own bytes are free", () => {
  const cow = new CowFs(base(), { maxBytes: 10, maxFiles: 2 });
  assert.equal(cow.readFile("/big.bin").length, 50);
  assert.deepEqual(cow.usage(), { bytes: 0, files: 0, maxBytes: 10, maxFiles: 2 });
  writeText(cow, "/dir/new", "12345");
  assert.deepEqual(cow.usage(), { bytes: 5, files: 1, maxBytes: 10, maxFiles: 2 });
});

Deno.test("CowFs limits: a copy-up that does not fit is refused and the view is unchanged", () => {
  const cow = new CowFs(base(), { maxBytes: 20 });
  const h = cow.open("/big.bin", { read: true });
  assertFsError(() => cow.open("/big.bin", { write: true }), "ENOSPC");
  assertFsError(() => cow.setTimes("/big.bin", 1n, 1n), "ENOSPC");
  assert.equal(cow.readFile("/big.bin").length, 50);
  assert.equal(h.read(new Uint8Array(64)), 50, "an open reader still reads the base file");
  h.close();
  assert.deepEqual(cow.diff(), []);
  // A truncating open copies nothing up, so it fits; the old bytes are cut as asked.
  writeFile(cow, "/big.bin", bytes(20));
  assert.equal(cow.usage().bytes, 20);
  assertFsError(() => writeText(cow, "/small.txt", "x"), "ENOSPC");
  assert.equal(readText(cow, "/small.txt"), "tiny");
});

Deno.test("CowFs limits: whiteouts are free, and removing overlay files gives space back", () => {
  const cow = new CowFs(base(), { maxBytes: 10, maxFiles: 1 });
  cow.remove("/big.bin");
  cow.remove("/dir/x");
  assert.deepEqual(cow.usage(), { bytes: 0, files: 0, maxBytes: 10, maxFiles: 1 });
  writeText(cow, "/a", "0123456789");
  assertFsError(() => writeText(cow, "/b", ""), "ENOSPC");
  cow.remove("/a");
  writeText(cow, "/b", "0123456789");
  assert.deepEqual(cow.usage(), { bytes: 10, files: 1, maxBytes: 10, maxFiles: 1 });
});

Deno.test("CowFs limits: a rename that copies base content up is checked first", () => {
  const cow = new CowFs(base(), { maxFiles: 2 });
  // /dir and its two files would become three overlay entries.
  assertFsError(() => cow.rename("/dir", "/moved"), "ENOSPC");
  assert.equal(readText(cow, "/dir/x"), "x");
  assert.deepEqual(cow.diff(), []);
  const roomy = new CowFs(base(), { maxFiles: 3 });
  roomy.rename("/dir", "/moved");
  assert.equal(readText(roomy, "/moved/y"), "y");
  assert.equal(roomy.usage().files, 3);
});

Deno.test("CowFs limits: commit and reset empty the overlay's count; old handles no longer count", () => {
  const mem = new MemFs();
  const cow = new CowFs(mem, { maxBytes: 10 });
  writeText(cow, "/a", "12345");
  const h = cow.open("/a", { write: true, append: true });
  cow.commit();
  assert.equal(cow.usage().bytes, 0);
  h.write(bytes(8)); // on the detached content: not the overlay's any more
  h.close();
  assert.equal(cow.usage().bytes, 0);
  writeText(cow, "/b", "0123456789");
  cow.reset();
  assert.deepEqual(cow.usage(), { bytes: 0, files: 0, maxBytes: 10, maxFiles: undefined });
  assert.equal(readText(mem, "/a"), "12345");
});

Deno.test("quota: nothing is lost when a full service refuses (MemFs and CowFs alike)", () => {
  const services: FileService[] = [
    new MemFs({ maxBytes: 16 }),
    new CowFs(new MemFs(), { maxBytes: 16 }),
  ];
  for (const svc of services) {
    writeText(svc, "/keep", "0123456789");
    assertFsError(() => writeText(svc, "/more", "0123456789"), "ENOSPC");
    assert.equal(readText(svc, "/keep"), "0123456789");
    assert.deepEqual(svc.readdir("/").map((e) => e.name), ["keep"]);
  }
});
