// Preopens as users configure them (like wasmtime's --dir HOST::GUEST):
// which namespace directories the guest is handed, under which names, and
// none at all when asked.
import assert from "@std/assert";
import {
  CowFs,
  DIR_INHERITING,
  DIR_RIGHTS,
  ERRNO,
  MapFs,
  MemFs,
  Namespace,
  parsePreopen,
  readText,
  WasiContext,
  writeText,
} from "./_mod.ts";
import { fixture, guest, I, runtime, wat } from "./_helpers.ts";

/** A guest that prints the name of every preopen, from fd 3 until fd_prestat_get fails. */
const LIST_PREOPENS = `(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $fd i32) (local $len i32)
    (local.set $fd (i32.const 3))
    (block $done (loop $next
      (br_if $done (call $get (local.get $fd) (i32.const 0)))
      (local.set $len (i32.load (i32.const 4)))
      (drop (call $name (local.get $fd) (i32.const 100) (local.get $len)))
      (i32.store8 (i32.add (i32.const 100) (local.get $len)) (i32.const 10))
      (i32.store (i32.const 16) (i32.const 100))
      (i32.store (i32.const 20) (i32.add (local.get $len) (i32.const 1)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
      (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
      (br $next)))))`;

function namespace(): Namespace {
  const tmp = new MemFs();
  writeText(tmp, "/a.txt", "A");
  return Namespace.builder()
    .mount("/workspace", MapFs.builder().file("/hello.txt", "hi").build())
    .mount("/tmp", tmp)
    .build();
}

Deno.test("parsePreopen reads a path, PATH::NAME and { path, name }", () => {
  assert.deepEqual(parsePreopen("/tmp/"), { path: "/tmp", name: "/tmp" });
  assert.deepEqual(parsePreopen("/workspace::/"), { path: "/workspace", name: "/" });
  assert.deepEqual(parsePreopen({ path: "/a/../b", name: "data" }), { path: "/b", name: "data" });
  assert.deepEqual(parsePreopen({ path: "/tmp" }), { path: "/tmp", name: "/tmp" });
});

Deno.test("parsePreopen refuses what is no preopen, with a message", () => {
  const bad: unknown[] = [null, 3, "", { path: "" }, { path: "/x", name: "" }, "/x::", {
    path: "/x",
    name: "a\0b",
  }, { name: "/" }];
  for (const spec of bad) {
    assert.throws(() => parsePreopen(spec as string), TypeError, undefined, JSON.stringify(spec));
  }
});

Deno.test("the default preopen is the namespace root, named /, at fd 3", async () => {
  const r = await runtime.run(namespace(), await wat(LIST_PREOPENS));
  assert.equal(r.stdoutText, "/\n");
});

Deno.test("preopens are handed out in order, each under its own name", async () => {
  const r = await runtime.run(namespace(), await wat(LIST_PREOPENS), {
    preopens: [{ path: "/workspace", name: "/" }, "/tmp", "/tmp::/scratch"],
  });
  assert.equal(r.stdoutText, "/\n/tmp\n/scratch\n");
});

Deno.test("preopens: [] hands out none: fd 3 is free", async () => {
  const r = await runtime.run(
    namespace(),
    await wat(guest(
      [I("fd_prestat_get", 2), I("path_create_directory", 3)].join("\n"),
      `(call $rec (call $fd_prestat_get (i32.const 3) (i32.const 0)))
       (call $rec (call $path_create_directory (i32.const 3) (i32.const 1000) (i32.const 1)))`,
      `(data (i32.const 1000) "x")`,
    )),
    { preopens: [] },
  );
  assert.deepEqual([...r.stdout], [ERRNO.BADF, ERRNO.BADF]);
});

Deno.test("a guest sees a namespace directory under the name it was given", async () => {
  // wasi-libc resolves /workspace/... against the preopen named /workspace,
  // which is the namespace's /project.
  const cow = new CowFs(
    MapFs.builder().file("/README.md", "# p\n").file("/old.txt", "x").file("/src/main.c", "")
      .build(),
  );
  const ns = Namespace.builder().mount("/project", cow).mount("/tmp", new MemFs()).build();
  const r = await runtime.run(ns, await fixture("workspace"), {
    preopens: [{ path: "/project", name: "/workspace" }],
  });
  assert.equal(r.exitCode, 0, r.stdoutText);
  assert.equal(readText(cow, "/README.md"), "# p\nEdited by the agent.\n");
});

Deno.test("a preopen has directory rights only; what is opened through it may have any", () => {
  const ctx = new WasiContext(namespace(), { preopens: ["/", "/tmp"] });
  try {
    for (const fd of [3, 4]) {
      assert.equal(ctx.fds.get(fd).rights, DIR_RIGHTS);
      assert.equal(ctx.fds.get(fd).inheriting, DIR_INHERITING);
    }
  } finally {
    ctx.close();
  }
});

Deno.test("a preopen that is missing or no directory is refused before the guest runs", async () => {
  const module = await wat(LIST_PREOPENS);
  await assert.rejects(
    () => runtime.run(namespace(), module, { preopens: ["/nowhere"] }),
    TypeError,
    /preopen \/nowhere/,
  );
  await assert.rejects(
    () => runtime.run(namespace(), module, { preopens: ["/tmp/a.txt"] }),
    TypeError,
    /not a directory/,
  );
  await assert.rejects(
    () => runtime.run(namespace(), module, { preopens: "/tmp" as unknown as string[] }),
    TypeError,
    /array/,
  );
});
