/**
 * Text kept as text until read (TextBytes), and text written and read
 * through a handle with scratch arrays (writeAllText, readAllText).
 */
import assert from "@std/assert";
import { TextBytes } from "../../src/capabilities/text_bytes.ts";
import { readAllText, writeAllText } from "../../src/capabilities/scratch_text.ts";
import { openComputed } from "../../src/capabilities/virtual_files.ts";
import { MapFs, MemFs, resolveOpenFlags } from "../../src/fs/mod.ts";
import type { FileHandle } from "../../src/fs/types.ts";
import { throwsFs } from "../helpers/fs_assert.ts";
import { FsError } from "../../src/fs/errors.ts";

const enc = new TextEncoder();

/** Every byte of `t`, read `step` bytes at a time from each offset. */
function readInSteps(t: TextBytes, step: number): Uint8Array {
  const out = new Uint8Array(t.size);
  for (let at = 0; at < t.size; at += step) {
    const buf = new Uint8Array(step);
    const n = t.readAt(buf, at);
    assert.equal(n, Math.min(step, t.size - at));
    out.set(buf.subarray(0, n), at);
  }
  return out;
}

Deno.test("TextBytes reads the UTF-8 bytes of its text, whole or in parts, ASCII or not", () => {
  const texts = [
    "",
    '{"id":"req-1"}',
    "héllo \u{1F600} wörld",
    "lone \uD800 surrogate",
    "x".repeat(20000),
  ];
  for (const text of texts) {
    const t = new TextBytes(text);
    const bytes = enc.encode(text);
    assert.equal(t.size, bytes.length, text.slice(0, 20));
    for (const step of [1, 3, 7, 64 * 1024]) assert.deepEqual(readInSteps(t, step), bytes);
    assert.equal(t.readAt(new Uint8Array(4), t.size), 0, "at the end a read gives nothing");
    assert.equal(t.text, text);
  }
  // A non-ASCII text longer than the ASCII probe is still measured in bytes.
  const long = "é".repeat(20000);
  assert.equal(new TextBytes(long).size, enc.encode(long).length);
  assert.throws(() => new TextBytes(42 as unknown as string), TypeError);
});

Deno.test("a computed file of text reads and stats as its UTF-8 bytes", () => {
  const h = openComputed("/a", resolveOpenFlags({ read: true }, "/a"), () => "naïve");
  assert.equal(h.stat().size, 6);
  assert.equal(readAllText(h), "naïve");
  h.close();
  const t = new TextBytes('{"ok":true}');
  const shared = openComputed("/b", resolveOpenFlags({ read: true }, "/b"), () => t);
  const buf = new Uint8Array(4);
  assert.equal(shared.pread(buf, 6), 4);
  assert.equal(new TextDecoder().decode(buf), "true");
  throwsFs(() => shared.write(enc.encode("x")), "EBADF");
  shared.close();
});

Deno.test("writeAllText and readAllText carry any text through a file, short or long", () => {
  const fs = new MemFs();
  for (const text of ["", "plain", "ünïcödé \u{1F600}", "y".repeat(5000), "ж".repeat(70000)]) {
    const w = fs.open("/t", { write: true, create: true, truncate: true });
    writeAllText(w, text);
    w.close();
    const r = fs.open("/t", { read: true });
    assert.equal(readAllText(r), text);
    r.close();
  }
});

/** A handle that takes at most `most` bytes per write and gives at most `most` per read. */
function trickle(most: number, content: Uint8Array[] = []): FileHandle {
  let reading = 0;
  return {
    path: "/trickle",
    write(data: Uint8Array) {
      const n = Math.min(most, data.length);
      content.push(data.slice(0, n));
      return n;
    },
    read(buf: Uint8Array) {
      const all = new Uint8Array(content.reduce((s, c) => s + c.length, 0));
      let at = 0;
      for (const c of content) all.set(c, (at += c.length) - c.length);
      const n = Math.min(most, buf.length, all.length - reading);
      buf.set(all.subarray(reading, reading + n));
      reading += n;
      return n;
    },
  } as unknown as FileHandle;
}

Deno.test("short writes and short reads are carried on to the end", () => {
  const content: Uint8Array[] = [];
  const h = trickle(5, content);
  writeAllText(h, "a text longer than five bytes");
  assert.ok(content.length > 1);
  assert.equal(readAllText(h), "a text longer than five bytes");
});

Deno.test("a read that fails is thrown as it is, and the next read starts clean", () => {
  const failing = {
    read() {
      throw new FsError("EAGAIN", "/x", "not yet");
    },
  } as unknown as FileHandle;
  throwsFs(() => readAllText(failing), "EAGAIN");
  const fs = MapFs.fromObject({ "/a": "after" });
  const h = fs.open("/a", { read: true });
  assert.equal(readAllText(h), "after");
  h.close();
});

Deno.test("a read inside a read (a service that reads another file) gets its own array", () => {
  const inner = MapFs.fromObject({ "/inner": "inner text" });
  let innerText = "";
  let reads = 0;
  const outer = {
    read(buf: Uint8Array) {
      // The first read gives the outer text; the second reads the inner file, then says "the end".
      if (reads++ === 0) return enc.encodeInto("outer", buf).written;
      const h = inner.open("/inner", { read: true });
      innerText = readAllText(h);
      h.close();
      return 0;
    },
  } as unknown as FileHandle;
  assert.equal(readAllText(outer), "outer");
  assert.equal(innerText, "inner text");
});
