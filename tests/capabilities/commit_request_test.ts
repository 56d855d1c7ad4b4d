/**
 * The request a commit file collects: kept as text while it is ASCII
 * written in order, as bytes otherwise, and the same as a plain in-memory
 * file either way.
 */
import assert from "@std/assert";
import { BufferHandle } from "../../src/fs/buffer_handle.ts";
import { ByteBuffer } from "../../src/fs/byte_buffer.ts";
import { fileStat } from "../../src/capabilities/synthetic_stat.ts";
import { CommitRequest } from "../../src/capabilities/commit_request.ts";
import { openCommitFile } from "../../src/capabilities/commit_file.ts";
import { resolveOpenFlags } from "../../src/fs/mod.ts";
import { readTextFromHandle } from "../../src/fs/file_io.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

const enc = new TextEncoder();

/** A plain in-memory file: what a CommitRequest must behave like. */
function plainFile(append: boolean) {
  const buffer = new ByteBuffer();
  const h = new BufferHandle({
    path: "/request",
    buffer,
    readable: false,
    writable: true,
    append,
    stat: () => fileStat(buffer.size, false),
  });
  return { h, buffer };
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const CHUNKS = ['{"url":', '"https://example.com/"', "}", "", " ", "é", "\u{1F600}", "\uFFFD"];

Deno.test("a request written in any order reads back as a plain file holds it", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed);
    const append = next() < 0.2;
    const request = new CommitRequest("/request", append);
    const plain = plainFile(append);
    const steps: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = next();
      const chunk = CHUNKS[Math.floor(next() * CHUNKS.length)];
      let bytes = enc.encode(chunk);
      // Now and then a chunk that is not valid UTF-8 (a cut sequence) or holds a byte order mark.
      if (next() < 0.1) bytes = enc.encode("é").subarray(0, 1);
      if (next() < 0.05) bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]);
      if (r < 0.7) {
        steps.push(`write ${JSON.stringify(chunk)}`);
        assert.equal(request.write(bytes), plain.h.write(bytes));
      } else if (r < 0.8) {
        const at = Math.floor(next() * (plain.buffer.size + 2));
        steps.push(`pwrite@${at}`);
        assert.equal(request.pwrite(bytes, at), plain.h.pwrite(bytes, at));
      } else if (r < 0.9) {
        const size = Math.floor(next() * (plain.buffer.size + 2));
        steps.push(`truncate ${size}`);
        request.truncate(size);
        plain.h.truncate(size);
      } else {
        const at = Math.floor(next() * (plain.buffer.size + 1));
        steps.push(`seek ${at}`);
        assert.equal(request.seek(at), plain.h.seek(at));
      }
      const why = `seed ${seed}: ${steps.join(", ")}`;
      assert.equal(request.size, plain.buffer.size, why);
      assert.equal(request.position(), plain.h.position(), why);
      assert.deepEqual(request.stat(), plain.h.stat(), why);
    }
    let expected: string | undefined;
    try {
      expected = new TextDecoder("utf-8", { fatal: true }).decode(plain.buffer.view());
    } catch {
      expected = undefined;
    }
    assert.equal(request.text(), expected, `seed ${seed}: ${steps.join(", ")}`);
    assert.equal(request.written, steps.some((s) => !s.startsWith("seek")));
  }
});

Deno.test("a request starts empty and unwritten; an empty write counts as written", () => {
  const request = new CommitRequest("/request", false);
  assert.deepEqual([request.written, request.size, request.position(), request.text()], [
    false,
    0,
    0,
    "",
  ]);
  request.write(new Uint8Array(0));
  assert.equal(request.written, true);
});

Deno.test("text that holds U+FFFD is kept; bytes that are not UTF-8 read as undefined", () => {
  const kept = new CommitRequest("/request", false);
  kept.write(enc.encode('"\uFFFD"'));
  assert.equal(kept.text(), '"\uFFFD"');
  const broken = new CommitRequest("/request", false);
  broken.write(enc.encode('{"a":"'));
  broken.write(new Uint8Array([0xff]));
  assert.equal(broken.text(), undefined);
});

Deno.test("a large request is kept as bytes, and reads back whole", () => {
  const request = new CommitRequest("/request", false);
  const big = "x".repeat(300 * 1024);
  request.write(enc.encode(big));
  request.write(enc.encode("y"));
  assert.equal(request.size, big.length + 1);
  assert.equal(request.text(), big + "y");
});

Deno.test("bad offsets are EINVAL as on a plain file", () => {
  const request = new CommitRequest("/request", false);
  request.write(enc.encode("{}"));
  throwsFs(() => request.pwrite(enc.encode("x"), -1), "EINVAL", /bad offset/);
  throwsFs(() => request.truncate(-1), "EINVAL", /bad offset/);
  assert.equal(request.text(), "{}", "a refused operation changes nothing");
});

Deno.test("a commit file parses a request written out of order, and refuses bad UTF-8", () => {
  const flags = resolveOpenFlags({ read: true, write: true }, "/request");
  const seen: unknown[] = [];
  const open = () =>
    openCommitFile({ path: "/request", flags, commit: (v) => (seen.push(v), { ok: true }) });
  const h = open();
  const text = '{"url":"https://example.com/", "n": 1}';
  h.write(enc.encode(text));
  h.pwrite(enc.encode("2"), text.indexOf("1"));
  assert.equal(readTextFromHandle(h), '{"ok":true}');
  assert.deepEqual(h.stat().readOnly, false, "the reply's stat is the writable file's");
  h.close();
  assert.deepEqual(seen, [{ url: "https://example.com/", n: 2 }]);
  const bad = open();
  bad.write(new Uint8Array([0x7b, 0xc3]));
  throwsFs(() => bad.read(new Uint8Array(4)), "EINVAL", /not valid UTF-8/);
  bad.close();
  assert.equal(seen.length, 1);
});
