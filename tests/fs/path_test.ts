import assert from "@std/assert";
import { FsError, joinPath, normalizePath } from "../../mod.ts";
import {
  baseName,
  isWithin,
  MAX_NAME_LENGTH,
  MAX_PATH_LENGTH,
  parentPath,
  splitPath,
} from "../../src/fs/path.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FsError)) throw new Error(`expected FsError, got ${e}`);
    return e.code;
  }
  throw new Error("expected a throw");
}

Deno.test("normalizePath keeps a normal path as the same string", () => {
  for (const p of ["/", "/a", "/a/b.txt", "/.hidden", "/a/...", "/a/..b"]) {
    assert.equal(normalizePath(p), p);
  }
});

Deno.test("normalizePath drops empty and dot segments and a trailing slash", () => {
  assert.equal(normalizePath("//a///b/./c/"), "/a/b/c");
  assert.equal(normalizePath("/./"), "/");
});

Deno.test("normalizePath resolves .. lexically and never above the root", () => {
  assert.equal(normalizePath("/a/b/../c"), "/a/c");
  assert.equal(normalizePath("/../../../etc/passwd"), "/etc/passwd");
  assert.equal(normalizePath("/src/../../etc/passwd"), "/etc/passwd");
  assert.equal(normalizePath("/a/.."), "/");
});

Deno.test("normalizePath refuses empty, relative, NUL and non-string paths with EINVAL", () => {
  assert.equal(code(() => normalizePath("")), "EINVAL");
  assert.equal(code(() => normalizePath("a/b")), "EINVAL");
  assert.equal(code(() => normalizePath("/a\0b")), "EINVAL");
  assert.equal(code(() => normalizePath(42 as unknown as string)), "EINVAL");
  assert.equal(code(() => normalizePath(undefined as unknown as string)), "EINVAL");
});

Deno.test("normalizePath refuses over-long paths and segments with ENAMETOOLONG", () => {
  assert.equal(code(() => normalizePath("/" + "a".repeat(MAX_PATH_LENGTH))), "ENAMETOOLONG");
  assert.equal(code(() => normalizePath("/" + "a".repeat(MAX_NAME_LENGTH + 1))), "ENAMETOOLONG");
  assert.equal(normalizePath("/" + "a".repeat(MAX_NAME_LENGTH)).length, MAX_NAME_LENGTH + 1);
  const deep = "/a".repeat(MAX_PATH_LENGTH / 2);
  assert.equal(normalizePath(deep), deep);
});

Deno.test("error messages name the path", () => {
  const e = new FsError("ENOENT", "/spec.json");
  assert.equal(e.message, "ENOENT: no such file or directory: /spec.json");
  assert.equal(
    new FsError("EINVAL", "/r", "bad url").message,
    "EINVAL: invalid argument: /r (bad url)",
  );
});

Deno.test("splitPath, joinPath, parentPath and baseName agree", () => {
  assert.deepEqual(splitPath("/"), []);
  assert.deepEqual(splitPath("/a/b"), ["a", "b"]);
  assert.equal(joinPath("/", "a"), "/a");
  assert.equal(joinPath("/a", "b"), "/a/b");
  assert.equal(parentPath("/a/b"), "/a");
  assert.equal(parentPath("/a"), "/");
  assert.equal(parentPath("/"), "/");
  assert.equal(baseName("/a/b.txt"), "b.txt");
  assert.equal(baseName("/"), "");
});

Deno.test("isWithin matches whole segments only", () => {
  assert.ok(isWithin("/tmp", "/tmp"));
  assert.ok(isWithin("/tmp/a", "/tmp"));
  assert.ok(!isWithin("/tmpfoo", "/tmp"));
  assert.ok(isWithin("/anything", "/"));
});
