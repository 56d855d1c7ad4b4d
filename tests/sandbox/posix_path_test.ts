import assert from "@std/assert";
import * as node from "node:path/posix";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  dirname,
  fromFileUrl,
  isAbsolute,
  join,
  normalize,
  relative,
  resolve,
  toFileUrl,
} from "../../src/sandbox/manifest/posix_path.ts";

// The runner and the child load no `node:` module; their paths must still come out as
// node:path/posix gives them, edge cases included.
const PATHS = [
  "",
  ".",
  "..",
  "/",
  "//",
  "///",
  "a",
  "a/",
  "a//",
  "/a",
  "/a/",
  "//a",
  "/a//b",
  "/a/b/",
  "a/b/../..",
  "a/../..",
  "../a",
  "./a",
  "./",
  "/..",
  "/../a",
  "/a/./b/../c/",
  "a/b/c/../../..",
  "foo/..bar",
  "/.../a",
  "a/.hidden",
  "../../x/./y",
  "/x/y/z/..",
  "my env/env.yaml",
];

Deno.test("normalize, dirname and isAbsolute give node:path/posix's results", () => {
  for (const p of PATHS) {
    assert.equal(normalize(p), node.normalize(p), `normalize(${JSON.stringify(p)})`);
    assert.equal(dirname(p), node.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(isAbsolute(p), node.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
  }
});

Deno.test("join, resolve and relative give node:path/posix's results for every pair", () => {
  for (const a of PATHS) {
    for (const b of PATHS) {
      const pair = `(${JSON.stringify(a)}, ${JSON.stringify(b)})`;
      assert.equal(join(a, b), node.join(a, b), `join${pair}`);
      assert.equal(resolve(a, b), node.resolve(a, b), `resolve${pair}`);
      assert.equal(relative(a, b), node.relative(a, b), `relative${pair}`);
    }
  }
});

Deno.test("join and resolve take any number of parts, empty ones skipped", () => {
  for (
    const parts of [[], ["a", "", "b"], ["/a", "/b", "c"], ["", ""], ["/srv", "env", "../out"]]
  ) {
    assert.equal(join(...parts), node.join(...parts), `join ${JSON.stringify(parts)}`);
    assert.equal(resolve(...parts), node.resolve(...parts), `resolve ${JSON.stringify(parts)}`);
  }
});

Deno.test("file URLs convert both ways as node:url does", () => {
  for (const p of ["/a", "/a b/c", "/a%20b", "/a#b?c", "/ü/ß", "/a\\b", "/x/\ty", "/"]) {
    assert.equal(toFileUrl(p).href, pathToFileURL(p).href, `toFileUrl(${JSON.stringify(p)})`);
    assert.equal(fromFileUrl(toFileUrl(p)), fileURLToPath(pathToFileURL(p)));
    assert.equal(fromFileUrl(toFileUrl(p).href), p);
  }
});

Deno.test("file URL conversions refuse what names no host file", () => {
  assert.throws(() => toFileUrl("relative/path"), TypeError, "not an absolute path");
  assert.throws(() => fromFileUrl("https://example.com/a"), TypeError, "not a file: URL");
  assert.throws(() => fromFileUrl("file:///a%2Fb"), TypeError, 'must not encode "/"');
});
