/** The building blocks of synthetic files: computed read-only handles and their stats. */
import assert from "@std/assert";
import { FsError } from "../../src/fs/errors.ts";
import { readAllFromHandle, readTextFromHandle } from "../../src/fs/file_io.ts";
import { resolveOpenFlags } from "../../src/fs/open_flags.ts";
import { dirStat, fileStat } from "../../src/capabilities/synthetic_stat.ts";
import { openComputed } from "../../src/capabilities/virtual_files.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

const READ = resolveOpenFlags({ read: true }, "/f");

Deno.test("a computed file's stat shows its true size before the first read, computed once", () => {
  let calls = 0;
  const h = openComputed("/f", READ, () => {
    calls++;
    return "hello";
  });
  assert.equal(calls, 0); // nothing at open
  assert.equal(h.stat().size, 5);
  assert.equal(readTextFromHandle(h), "hello");
  assert.equal(h.stat().size, 5);
  assert.equal(calls, 1);
  h.close();
});

Deno.test("a computed file not ready yet stats as empty, reads EAGAIN, then reads its content", () => {
  const arrived: Uint8Array[] = [];
  const h = openComputed("/f", READ, () => {
    if (arrived.length === 0) throw new FsError("EAGAIN", "/f", "not yet");
    return arrived[0];
  });
  assert.equal(h.stat().size, 0);
  throwsFs(() => h.read(new Uint8Array(4)), "EAGAIN");
  arrived.push(new Uint8Array([1, 2, 3]));
  assert.equal(h.stat().size, 3);
  assert.deepEqual(readAllFromHandle(h), new Uint8Array([1, 2, 3]));
  h.close();
});

Deno.test("a computed file that takes on read is not computed by a stat", () => {
  const queue = ["first", "second"];
  const h = openComputed("/in", READ, () => queue.shift() ?? "", { takesOnRead: true });
  assert.equal(h.stat().size, 0);
  assert.deepEqual(queue, ["first", "second"]); // the stat took nothing
  assert.equal(readTextFromHandle(h), "first");
  assert.equal(h.stat().size, 5); // the message read, from then on
  assert.deepEqual(queue, ["second"]);
  h.close();
});

Deno.test("a computed file refuses writers at open and writes on its handle", () => {
  throwsFs(() => openComputed("/f", resolveOpenFlags({ write: true }, "/f"), () => "x"), "EACCES");
  const h = openComputed("/f", READ, () => "x");
  throwsFs(() => h.write(new Uint8Array([1])), "EBADF");
  throwsFs(() => h.truncate(0), "EBADF");
  assert.equal(readTextFromHandle(h), "x"); // unchanged
  h.close();
  throwsFs(() => h.stat(), "EBADF");
});

Deno.test("a computed file shares its content without letting a reader change it", () => {
  const content = new Uint8Array([1, 2, 3]);
  const h = openComputed("/f", READ, () => content);
  const buf = new Uint8Array(3);
  assert.equal(h.pread(buf, 0), 3);
  buf[0] = 9;
  assert.deepEqual(content, new Uint8Array([1, 2, 3]));
  h.close();
});

Deno.test("synthetic stats: a read-only directory, and a file of a given size", () => {
  assert.deepEqual(dirStat(), { kind: "dir", size: 0, mtime: 0, readOnly: true, mtimeNs: 0n });
  assert.deepEqual(fileStat(7, false), {
    kind: "file",
    size: 7,
    mtime: 0,
    readOnly: false,
    mtimeNs: 0n,
  });
});
