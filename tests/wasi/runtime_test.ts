import assert from "@std/assert";
import { MapFs, MemFs, Namespace, readText, runWasi, WasiRuntime, writeText } from "./_mod.ts";
import { fixture, runtime, testNamespace } from "./_helpers.ts";

Deno.test("compile caches by SHA-256: same bytes, same module; evicts the oldest", async () => {
  const rt = new WasiRuntime({ cacheSize: 2 });
  const basics = await fixture("basics");
  const a = await rt.compile(basics);
  const b = await rt.compile(basics.slice()); // equal bytes, another array
  assert.equal(a, b);
  await rt.compile(await fixture("calls"));
  await rt.compile(await fixture("sleep"));
  assert.equal(rt.cached, 2);
  assert.notEqual(await rt.compile(basics), a); // evicted, compiled anew
  await assert.rejects(() => rt.compile(new Uint8Array([1, 2, 3])), WebAssembly.CompileError);
  assert.equal(rt.cached, 2);
});

Deno.test("one compiled module runs in many environments at once", async () => {
  const mod = await runtime.compile(await fixture("basics"));
  const runs = await Promise.all(
    Array.from(
      { length: 8 },
      (_, i) =>
        runtime.run(testNamespace().ns, mod, {
          args: ["basics", "exit", String(i)],
          stdin: `run ${i}`,
        }),
    ),
  );
  runs.forEach((r, i) => {
    assert.equal(r.exitCode, i);
    assert.match(r.stdoutText, new RegExp(`stdin:RUN ${i}\n`));
  });
});

Deno.test("runWasi runs with a shared default runtime", async () => {
  const { ns } = testNamespace();
  const r = await runWasi(ns, await fixture("basics"), { args: ["basics", "exit", "3"] });
  assert.equal(r.exitCode, 3);
});

Deno.test("stdout and stderr are appended live to /logs/*.log when they exist", async () => {
  const logs = new MemFs();
  writeText(logs, "/stdout.log", "earlier\n");
  writeText(logs, "/stderr.log", "");
  const ns = Namespace.builder().mount("/logs", logs).mount("/tmp", new MemFs()).build();
  const live: string[] = [];
  const r = await runtime.run(ns, await fixture("basics"), {
    args: ["basics"],
    stdin: "x",
    onStderr: (c) => live.push(new TextDecoder().decode(c)),
  });
  assert.equal(readText(logs, "/stdout.log"), "earlier\n" + r.stdoutText);
  assert.equal(readText(logs, "/stderr.log"), "this goes to stderr\n");
  assert.deepEqual(live, ["this goes to stderr\n"]);
  // Without the files (or with logs: false) nothing is created.
  const bare = Namespace.builder().mount("/logs", new MemFs()).build();
  await runtime.run(bare, await fixture("basics"), { args: ["basics"] });
  assert.deepEqual(bare.readdir("/logs"), []);
});

Deno.test("stdin from a file in the namespace; capture limit truncates", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("basics"), {
    args: ["basics"],
    stdin: { path: "/workspace/input.txt" },
  });
  assert.match(r.stdoutText, /stdin:INPUT DATA\n\nstdin bytes 11\n/);
  const small = await runtime.run(ns, await fixture("basics"), {
    args: ["basics"],
    maxCaptureBytes: 10,
  });
  assert.equal(small.stdout.length, 10);
  assert.equal(small.truncated, true);
});

Deno.test("cwd sets PWD; extra preopens are listed after /", async () => {
  const { ns } = testNamespace();
  const r = await runtime.run(ns, await fixture("basics"), {
    args: ["basics"],
    cwd: "/workspace",
    preopens: ["/", "/tmp"],
  });
  assert.match(r.stdoutText, /env PWD=\/workspace\n/);
  // The guest still resolves absolute paths; /tmp is now also fd 4.
  const files = await runtime.run(ns, await fixture("files"), {
    args: ["files"],
    preopens: ["/", "/tmp"],
  });
  assert.equal(files.exitCode, 0, files.stdoutText);
});

Deno.test("a namespace that is a single service works too", async () => {
  const fs = MapFs.builder().file("/workspace/input.txt", "x").build();
  const r = await runtime.run(fs, await fixture("basics"), { args: ["basics"] });
  assert.equal(r.exitCode, 0);
});

Deno.test("hello-wasi example: args, env, reads, lists, writes and nested dirs", async () => {
  const tmp = new MemFs();
  const ns = Namespace.builder()
    .mount(
      "/workspace",
      MapFs.builder().file("/hello.txt", "Hello from the workspace!\n").file("/src/main.c", "")
        .build(),
    )
    .mount("/tmp", tmp)
    .build();
  const wasm = await Deno.readFile(
    new URL("../../examples/hello-wasi/hello.wasm", import.meta.url),
  );
  const r = await runtime.run(ns, wasm, { args: ["hello", "--flag"], env: { USER: "agent" } });
  assert.equal(r.exitCode, 0);
  assert.match(r.stdoutText, /\[1\] --flag\n/);
  assert.match(r.stdoutText, /USER=agent\n/);
  assert.match(r.stdoutText, /Hello from the workspace!/);
  assert.ok(r.stdoutText.includes("  hello.txt\n  src/\n"));
  assert.equal(readText(tmp, "/output.txt"), "Written by hello-wasi with 2 argument(s)\n");
  assert.equal(readText(tmp, "/test-dir/nested.txt"), "nested file\n");
});
