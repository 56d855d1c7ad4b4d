/** The shared "write a JSON request, read back what it started" protocol. */
import assert from "@std/assert";
import { isFsError, resolveOpenFlags } from "../../src/fs/mod.ts";
import { throwsFs } from "../helpers/fs_assert.ts";
import { openCommitFile } from "../../src/capabilities/mod.ts";
import { readTextFromHandle } from "../../src/fs/file_io.ts";

const enc = new TextEncoder();

function counterFile(flags: Parameters<typeof resolveOpenFlags>[0], view?: () => unknown) {
  const committed: unknown[] = [];
  const h = openCommitFile({
    path: "/request",
    flags: resolveOpenFlags(flags, "/request"),
    commit: (value, fail) => {
      if (typeof value !== "object" || value === null || !("url" in value)) {
        fail('missing field "url"');
      }
      committed.push(value);
      return { id: `req-${committed.length}` };
    },
    view,
  });
  return { h, committed };
}

Deno.test("write then read on the same handle commits and returns the id", () => {
  const { h, committed } = counterFile({ read: true, write: true });
  h.write(enc.encode('{"url":'));
  h.write(enc.encode('"https://example.com"}'));
  assert.equal(committed.length, 0, "nothing is committed before the first read");
  assert.equal(readTextFromHandle(h), '{"id":"req-1"}');
  assert.equal(committed.length, 1);
  h.seek(0);
  assert.equal(readTextFromHandle(h), '{"id":"req-1"}', "the reply can be read again");
  h.close();
  assert.equal(committed.length, 1, "close does not commit twice");
});

Deno.test("a write-only handle commits at close", () => {
  const { h, committed } = counterFile({ write: true });
  h.write(enc.encode('{"url":"https://example.com"}'));
  h.close();
  assert.equal(committed.length, 1);
});

Deno.test("closing without writing commits nothing", () => {
  const { h, committed } = counterFile({ read: true, write: true });
  h.close();
  assert.equal(committed.length, 0);
});

Deno.test("malformed JSON is EINVAL with a reason, and changes nothing", () => {
  const { h, committed } = counterFile({ read: true, write: true });
  h.write(enc.encode("{not json"));
  throwsFs(() => h.read(new Uint8Array(10)), "EINVAL", /malformed JSON/);
  assert.equal(committed.length, 0);
  h.close();
});

Deno.test("a refused request is EINVAL at close for a write-only handle", () => {
  const { h, committed } = counterFile({ write: true });
  h.write(enc.encode('{"nope":1}'));
  assert.throws(() => h.close(), (e: unknown) => isFsError(e, "EINVAL") && /url/.test(e.reason!));
  assert.equal(committed.length, 0);
  assert.throws(() => h.close(), (e: unknown) => isFsError(e, "EBADF"));
});

Deno.test("writing after the commit is EINVAL; reading before any write is EINVAL", () => {
  const a = counterFile({ read: true, write: true });
  a.h.write(enc.encode('{"url":"x"}'));
  readTextFromHandle(a.h);
  assert.throws(() => a.h.write(enc.encode("more")), (e: unknown) => isFsError(e, "EINVAL"));
  a.h.close();
  const b = counterFile({ read: true, write: true });
  assert.throws(() => b.h.read(new Uint8Array(4)), (e: unknown) => isFsError(e, "EINVAL"));
  b.h.close();
});

Deno.test("a read-only open shows the view, or is EACCES without one", () => {
  const { h } = counterFile({ read: true }, () => ["a", "b"]);
  assert.equal(readTextFromHandle(h), '["a","b"]');
  h.close();
  assert.throws(() => counterFile({ read: true }), (e: unknown) => isFsError(e, "EACCES"));
});
