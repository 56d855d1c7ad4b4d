/**
 * The pieces behind the shell: encodings, paths, tree operations, limits,
 * the command list and curl through /cap/http.
 */
import assert from "@std/assert";
import { HttpFs, MemFs, Namespace, readText, writeText } from "../../mod.ts";
import { capHttpFetch } from "../../src/shell/cap_http_fetch.ts";
import { bytesOf, encodingOf, latin1Of, textOf } from "../../src/shell/shell_encoding.ts";
import {
  SHELL_ENV_NAMES,
  shellCommandNames,
  unavailableCommands,
} from "../../src/shell/shell_commands.ts";
import {
  DEFAULT_SHELL_LIMITS,
  executionLimitsOf,
  resolveShellLimits,
} from "../../src/shell/shell_limits.ts";
import { realPath, resolveShellPath } from "../../src/shell/shell_paths.ts";
import { copyTree, makeDirs, moveTree, removeTree } from "../../src/shell/shell_tree.ts";
import { rejectsFs, text } from "./_helpers.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

Deno.test("shell encodings: every byte survives latin1, hex and base64 both ways", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (const e of ["binary", "latin1", "hex", "base64"] as const) {
    assert.deepEqual(bytesOf(textOf(all, e), e), all, e);
  }
  assert.equal(latin1Of(all).length, 256);
  assert.equal(textOf(new TextEncoder().encode("é")), "é");
  assert.deepEqual(bytesOf("é"), new Uint8Array([0xc3, 0xa9]));
  assert.deepEqual(bytesOf("\u00ff", "ascii"), new Uint8Array([0xff]));
  assert.equal(textOf(new Uint8Array([0xe9]), "ascii"), "i");
  const big = new Uint8Array(100_000).fill(0x41);
  assert.equal(latin1Of(big).length, 100_000, "past the chunk size");
});

Deno.test("shell encodings: bad names and undecodable text are EINVAL", () => {
  assert.equal(encodingOf(undefined), undefined);
  assert.equal(encodingOf({ encoding: null }), undefined);
  assert.equal(encodingOf({}), undefined);
  throwsFs(() => encodingOf("utf16le"), "EINVAL");
  throwsFs(() => encodingOf({ encoding: 8 }), "EINVAL");
  throwsFs(() => bytesOf("abc", "hex"), "EINVAL");
  throwsFs(() => bytesOf("zz", "hex"), "EINVAL");
  throwsFs(() => bytesOf("a", "base64"), "EINVAL");
});

Deno.test("shell paths: relative to the working directory, never above /", () => {
  assert.equal(resolveShellPath("/a/b", "c"), "/a/b/c");
  assert.equal(resolveShellPath("/a/b", "../../../../x"), "/x");
  assert.equal(resolveShellPath("/", "."), "/");
  throwsFs(() => resolveShellPath("/", "a\0b"), "EINVAL");
});

Deno.test("shell paths: realPath follows symlinks as their service does, nested namespaces too", () => {
  const inner = new MemFs();
  inner.mkdir("/data");
  inner.symlink("/data", "/abs");
  inner.symlink("data", "/rel");
  inner.symlink("nowhere", "/dangling");
  const nested = Namespace.builder().mount("/in", inner).build();
  const ns = Namespace.builder().mount("/outer", nested).mount("/plain", inner)
    .build();
  assert.equal(realPath(ns, "/outer/in/abs"), "/outer/in/data");
  assert.equal(realPath(ns, "/outer/in/rel"), "/outer/in/data");
  assert.equal(realPath(ns, "/plain/abs/"), "/plain/data");
  assert.equal(
    realPath(inner, "/abs"),
    "/data",
    "a lone service is its own root",
  );
  assert.equal(realPath(ns, "/"), "/");
  throwsFs(() => realPath(ns, "/plain/dangling"), "ENOENT");
  throwsFs(() => realPath(ns, "/plain/missing/x"), "ENOENT");
});

Deno.test("shell tree: makeDirs, removeTree, copyTree and moveTree", async () => {
  const a = new MemFs();
  const ns = Namespace.builder().mount("/a", a).mount("/b", new MemFs())
    .build();
  makeDirs(ns, "/a/x/y");
  writeText(ns, "/a/x/y/f", "F");
  ns.symlink("/elsewhere", "/a/x/link");
  await copyTree(ns, "/a/x", "/b/x", { recursive: true });
  assert.equal(readText(ns, "/b/x/y/f"), "F");
  assert.equal(
    ns.readlink("/b/x/link"),
    "/elsewhere",
    "symlinks are copied, not followed",
  );
  await moveTree(ns, "/b/x", "/a/moved");
  assert.deepEqual(ns.readdir("/b"), []);
  assert.equal(readText(ns, "/a/moved/y/f"), "F");
  removeTree(ns, "/a/x");
  assert.deepEqual(a.readdir("/").map((e) => e.name), ["moved"]);
  // As rm -r on a mount point: what is inside goes, the mount point stays (EBUSY).
  throwsFs(() => removeTree(ns, "/a"), "EBUSY");
  assert.deepEqual(a.readdir("/"), []);
  throwsFs(() => removeTree(ns, "/a/none"), "ENOENT");
});

Deno.test("shell tree: a failed cross-mount move keeps the original", async () => {
  const ns = Namespace.builder()
    .mount("/src", new MemFs())
    .mount("/full", new MemFs({ maxBytes: 2 }))
    .build();
  writeText(ns, "/src/f", "too big");
  await rejectsFs(moveTree(ns, "/src/f", "/full/f"), "ENOSPC");
  assert.equal(readText(ns, "/src/f"), "too big");
});

Deno.test("shell limits: defaults, overrides, and what just-bash gets", () => {
  assert.deepEqual(resolveShellLimits(undefined), { ...DEFAULT_SHELL_LIMITS });
  const l = resolveShellLimits({ maxLoopIterations: 5, timeoutMs: 100 });
  assert.deepEqual(l, {
    ...DEFAULT_SHELL_LIMITS,
    maxLoopIterations: 5,
    timeoutMs: 100,
  });
  assert.deepEqual(executionLimitsOf(l), {
    maxCommandCount: DEFAULT_SHELL_LIMITS.maxCommands,
    maxLoopIterations: 5,
    maxAwkIterations: 5,
    maxSedIterations: 5,
    maxJqIterations: 5,
    maxOutputSize: DEFAULT_SHELL_LIMITS.maxOutputBytes,
    maxExecutionTimeMs: 100,
  });
  assert.throws(
    () => resolveShellLimits(null as never),
    TypeError,
    "shell limits must be an object, got null",
  );
  assert.throws(
    () => resolveShellLimits([] as never),
    TypeError,
    "got an array",
  );
  assert.throws(
    () => resolveShellLimits({ maxCommands: -1 }, "X"),
    TypeError,
    "X: maxCommands must be a positive integer, got -1",
  );
  assert.throws(
    () => resolveShellLimits({ timeoutMs: "1" as never }),
    TypeError,
    "got a string",
  );
  assert.throws(
    () => resolveShellLimits({ maxCommands: Infinity }),
    TypeError,
    "got Infinity",
  );
});

Deno.test("shell commands: the usual tools, minus what would leave the namespace", async () => {
  const names = shellCommandNames();
  for (
    const n of ["cat", "grep", "sed", "awk", "jq", "find", "tar", "ls", "xargs"]
  ) {
    assert.ok(names.includes(n as never), n);
  }
  for (const n of ["sqlite3", "file", "python3", "curl"]) {
    assert.ok(!names.includes(n as never), n);
  }
  const stand = unavailableCommands().find((c) => c.name === "sqlite3")!;
  const r = await stand.execute([], {} as never);
  assert.equal(r.exitCode, 127);
  assert.match(r.stderr, /^bash: sqlite3: not available in this shell/);
  assert.deepEqual([...SHELL_ENV_NAMES].sort(), [
    "LOG_STREAM",
    "LOG_TOKENS",
    "__MINIMATCH_TESTING_PLATFORM__",
  ]);
});

function httpNs() {
  const http = new HttpFs();
  return { http, ns: Namespace.builder().mount("/cap/http", http).build() };
}

Deno.test("capHttpFetch: a request goes in through /cap/http/request, the response comes back and is removed", async () => {
  const { http, ns } = httpNs();
  const fetching = capHttpFetch(ns)("https://example.com/api", {
    method: "POST",
    headers: new Headers({ "x-test": "1" }),
    body: "payload",
    timeoutMs: 2000,
  });
  const req = http.takePending()!;
  assert.deepEqual(
    [req.method, req.url, req.headers["x-test"], req.body, req.timeoutMs],
    ["POST", "https://example.com/api", "1", "payload", 2000],
  );
  http.completeRequest({
    requestId: req.id,
    status: 201,
    statusText: "Created",
    headers: { "content-type": "text/plain" },
    body: "made",
  });
  const res = await fetching;
  assert.deepEqual(
    [
      res.status,
      res.statusText,
      res.headers["content-type"],
      text(res.body),
      res.url,
    ],
    [201, "Created", "text/plain", "made", "https://example.com/api"],
  );
  assert.equal(
    http.getResponse(req.id),
    undefined,
    "the response was removed once read",
  );
});

Deno.test("capHttpFetch: failures read as curl expects them", async () => {
  const { http, ns } = httpNs();
  const fetch = capHttpFetch(ns);
  const cases: Array<[string, string, RegExp]> = [
    [
      "forbidden",
      "host not allowed",
      /^Network access denied: host not allowed: https:\/\/x\.test\/$/,
    ],
    ["timeout", "took too long", /aborted/],
    ["redirect", "20 hops", /^Too many redirects/],
    ["network", "connection refused", /^connection refused$/],
  ];
  for (const [kind, error, words] of cases) {
    const pending = fetch("https://x.test/");
    const req = http.takePending()!;
    http.failRequest(req.id, error, { errorKind: kind as never });
    await pending.then(
      () => assert.fail("should fail"),
      (e: Error) => assert.match(e.message, words, kind),
    );
  }
});

Deno.test("capHttpFetch: a request the capability refuses is its EINVAL; a wait ends with the signal", async () => {
  const { http, ns } = httpNs();
  await rejectsFs(
    capHttpFetch(ns)("https://x.test/", { method: "BREW" }),
    "EINVAL",
  );
  assert.deepEqual(http.pendingIds(), []);
  const ac = new AbortController();
  const pending = capHttpFetch(ns, "/cap/http", ac.signal)("https://x.test/");
  ac.abort(new Error("run over"));
  await assert.rejects(() => pending, Error, "run over");
  const missing = Namespace.builder().mount("/tmp", new MemFs()).build();
  await rejectsFs(capHttpFetch(missing)("https://x.test/"), "ENOENT");
});
