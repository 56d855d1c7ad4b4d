/**
 * The stores behind large bodies: PagedBytes (pages, limits, a shared
 * budget), its file handle, and native base64.
 */
import assert from "@std/assert";
import {
  BodyLimitError,
  ByteBudget,
  decodeBase64,
  encodeBase64,
  PAGE_SIZE,
  PagedBytes,
  PagedHandle,
} from "../../src/capabilities/mod.ts";
import { FsError } from "../../src/fs/mod.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

function filled(n: number, seed: number): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff);
}

Deno.test("writes and reads that cross page boundaries keep every byte", () => {
  const store = new PagedBytes();
  const data = filled(PAGE_SIZE * 2 + 123, 1);
  assert.equal(store.writeAt(data.subarray(0, 1000), 0), 1000);
  store.writeAt(data.subarray(1000), 1000);
  assert.equal(store.size, data.length);
  assert.deepEqual(store.toBytes(), data);
  const window = new Uint8Array(10);
  assert.equal(store.readAt(window, PAGE_SIZE - 5), 10);
  assert.deepEqual(window, data.subarray(PAGE_SIZE - 5, PAGE_SIZE + 5));
  assert.equal(store.readAt(window, data.length), 0, "end of the content");
  assert.deepEqual([...store.chunks()].map((c) => c.length), [PAGE_SIZE, PAGE_SIZE, 123]);
});

Deno.test("a write past the end zero-fills the gap; truncate cuts and zero-extends", () => {
  const store = new PagedBytes();
  store.writeAt(new Uint8Array([9, 9]), PAGE_SIZE + 1);
  assert.equal(store.size, PAGE_SIZE + 3);
  const all = store.toBytes();
  assert.ok(all.subarray(0, PAGE_SIZE + 1).every((b) => b === 0));
  store.truncate(PAGE_SIZE + 2);
  store.truncate(PAGE_SIZE + 4);
  assert.deepEqual([...store.toBytes().subarray(PAGE_SIZE)], [0, 9, 0, 0], "no stale byte");
  store.truncate(0);
  assert.equal(store.size, 0);
});

Deno.test("a store past its limit or the shared budget refuses the write and keeps its content", () => {
  const budget = new ByteBudget(100);
  const a = new PagedBytes({ limit: 80, budget });
  const b = new PagedBytes({ budget });
  a.append(new Uint8Array(60));
  assert.throws(
    () => a.append(new Uint8Array(30)),
    (e: unknown) => e instanceof BodyLimitError && e.kind === "size" && e.limit === 80,
  );
  assert.equal(a.size, 60, "nothing written");
  assert.throws(
    () => b.append(new Uint8Array(50)),
    (e: unknown) => e instanceof BodyLimitError && e.kind === "budget" && e.limit === 100,
  );
  assert.equal(budget.used, 60);
  a.truncate(10);
  assert.equal(budget.used, 10, "truncating gives bytes back");
  b.append(new Uint8Array(50));
  a.release();
  b.release();
  assert.equal(budget.used, 0);
});

Deno.test("wrap and adopt take bytes over without copying; freeze refuses changes", () => {
  const bytes = filled(PAGE_SIZE + 10, 3);
  const store = PagedBytes.wrap(bytes);
  assert.equal([...store.chunks()][0].buffer, bytes.buffer, "the same memory");
  assert.deepEqual(store.toBytes(), bytes);
  store.freeze();
  assert.ok(store.frozen);
  assert.throws(() => store.append(new Uint8Array(1)), /frozen/);
  assert.throws(() => PagedBytes.wrap(new Uint8Array(10), { limit: 9 }), BodyLimitError);
  assert.throws(() => new PagedBytes({ limit: -1 }), /limit must be an integer/);
  assert.throws(() => new ByteBudget(0), /positive integer/);
});

Deno.test("a PagedHandle reads, writes, seeks and reports limits as FsErrors", () => {
  const store = new PagedBytes({ limit: 8 });
  const h = new PagedHandle({ path: "/up", content: () => store, readable: true, writable: true });
  assert.equal(h.write(new Uint8Array([1, 2, 3])), 3);
  assert.equal(h.pwrite(new Uint8Array([7]), 5), 1);
  assert.equal(h.stat().size, 6);
  assert.equal(h.seek(-2, "end"), 4);
  const two = new Uint8Array(2);
  assert.equal(h.read(two), 2);
  assert.deepEqual([...two], [0, 7]);
  throwsFs(() => h.pwrite(new Uint8Array(4), 6), "EFBIG", /limit of 8 bytes/);
  throwsFs(() => h.seek(-1, "start"), "EINVAL");
  h.close();
  throwsFs(() => h.read(two), "EBADF");

  const ro = new PagedHandle({ path: "/r", content: () => store, readable: true, writable: false });
  throwsFs(() => ro.write(new Uint8Array(1)), "EBADF");
  ro.close();
  let ready = false;
  const later = new PagedHandle({
    path: "/later",
    readable: true,
    writable: false,
    content: () => {
      if (!ready) throw new FsError("EAGAIN", "/later", "not yet");
      return store;
    },
  });
  throwsFs(() => later.read(two), "EAGAIN");
  assert.equal(later.stat().size, 0);
  ready = true;
  assert.equal(later.stat().size, 6);
  later.close();
});

Deno.test("native base64 round-trips 8 MiB and refuses what is not base64", () => {
  const bytes = filled(8 * 1024 * 1024, 5);
  const text = encodeBase64(bytes);
  assert.deepEqual(decodeBase64(text), bytes);
  assert.equal(encodeBase64(new Uint8Array([0, 255])), "AP8=");
  for (const bad of ["@@", "AP8", "AP9=", "A===", 42 as unknown as string]) {
    assert.equal(decodeBase64(bad), undefined, String(bad));
  }
});

/** What a BYOB read does: fill the view, then move its buffer. */
function byobRead(view: Uint8Array, bytes: Uint8Array): Uint8Array {
  view.set(bytes);
  return new Uint8Array((view.buffer as ArrayBuffer).transfer(), view.byteOffset, bytes.length);
}

Deno.test("room and commit fill pages in place, as a BYOB read does", () => {
  const store = new PagedBytes({ limit: PAGE_SIZE + 10 });
  const data = filled(PAGE_SIZE + 10, 9);
  let at = 0;
  while (at < data.length) {
    const room = store.room(100_000, data.length);
    const n = Math.min(room.length, data.length - at);
    store.commit(byobRead(room, data.subarray(at, at + n)));
    at += n;
  }
  assert.deepEqual(store.toBytes(), data);
  assert.throws(() => store.commit(new Uint8Array(4)), /not from room/);
  const over = store.room(1);
  assert.throws(() => store.commit(byobRead(over, new Uint8Array([1]))), BodyLimitError);
  assert.equal(store.size, PAGE_SIZE + 10, "nothing past the limit is kept");
});

Deno.test("a small body read into a large first page is cut to its size when frozen", () => {
  const store = new PagedBytes();
  store.commit(byobRead(store.room(PAGE_SIZE, 64 * 1024), new Uint8Array([1, 2])));
  assert.equal([...store.chunks()][0].buffer.byteLength, 64 * 1024);
  store.freeze();
  const [only] = store.chunks();
  assert.deepEqual([...only], [1, 2]);
  assert.equal(only.buffer.byteLength, 2);
});
