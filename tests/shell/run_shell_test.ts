/**
 * runShell: a bash script with a namespace as its whole file system.
 */
import assert from "@std/assert";
import {
  AllowList,
  CowFs,
  ExecutorManager,
  FsError,
  HttpFs,
  MapFs,
  MemFs,
  Namespace,
  readText,
} from "../../mod.ts";
import { runShell } from "../../src/shell/run_shell.ts";
import { rejectsFs, text } from "./_helpers.ts";

function workspaceNs() {
  const overlay = new CowFs(
    MapFs.fromObject({ "/src/a.ts": "let a = 1;\n", "/README": "hi\n" }),
  );
  const ns = Namespace.builder()
    .mount("/workspace", overlay)
    .mount("/tmp", new MemFs())
    .mount("/ro", MapFs.fromObject({ "/a.txt": "A\n" }))
    .build();
  return { ns, overlay };
}

Deno.test("runShell: the script works in /workspace, with HOME there and the given variables", async () => {
  const { ns } = workspaceNs();
  const r = await runShell(ns, 'pwd; echo "$HOME $GREETING"; ls', {
    env: { GREETING: "hi" },
  });
  assert.deepEqual(r, {
    exitCode: 0,
    stdout: "/workspace\n/workspace hi\nREADME\nsrc\n",
    stderr: "",
    truncated: false,
    timedOut: false,
  });
  const bare = Namespace.builder().mount("/tmp", new MemFs()).build();
  assert.equal(
    (await runShell(bare, "pwd")).stdout,
    "/\n",
    "without /workspace, /",
  );
  assert.equal((await runShell(ns, "pwd", { cwd: "/ro/." })).stdout, "/ro\n");
});

Deno.test("runShell: args are the positional parameters, exactly as given", async () => {
  const { ns } = workspaceNs();
  const args = ["two words", "it's", "$HOME", "*"];
  const r = await runShell(ns, 'echo $#; for a in "$@"; do echo "[$a]"; done', {
    args,
  });
  assert.equal(r.stdout, "4\n[two words]\n[it's]\n[$HOME]\n[*]\n");
});

Deno.test("runShell: stdin is the script's standard input", async () => {
  const { ns } = workspaceNs();
  const r = await runShell(ns, "sort | uniq -c | tr -s ' '", {
    stdin: "b\na\nb\n",
  });
  assert.equal(r.stdout, " 1 a\n 2 b\n");
});

Deno.test("runShell: state carries from one command to the next; $?, PIPESTATUS and exit as in bash", async () => {
  const { ns } = workspaceNs();
  const r = await runShell(
    ns,
    [
      "x=1",
      'f() { echo "x=$x in $(pwd)"; }',
      "cd /tmp",
      "f",
      "false",
      "echo status $?",
      "false | true",
      "echo pipe ${PIPESTATUS[@]}",
      "echo to-stderr >&2",
      "exit 3",
      "echo never",
    ].join("\n"),
  );
  assert.equal(r.exitCode, 3);
  assert.equal(r.stdout, "x=1 in /tmp\nstatus 1\npipe 1 0\n");
  assert.equal(r.stderr, "to-stderr\n");
});

Deno.test("runShell: output streams as each top-level command ends", async () => {
  const http = new HttpFs();
  const ns = Namespace.builder().mount("/cap/http", http).build();
  const id = http.submitRequest({ url: "https://example.com/" });
  const seen: string[] = [];
  let answered = false;
  const run = runShell(
    ns,
    `echo first; cat /cap/http/responses/${id}.json >/dev/null; echo second`,
    {
      onStdout: (chunk) => {
        seen.push(text(chunk));
        if (!answered) {
          answered = true;
          // Only this answer lets the script end: its first output came before its end.
          http.takePending(id);
          http.completeRequest({ requestId: id, status: 204 });
        }
      },
    },
  );
  const r = await run;
  assert.deepEqual(seen, ["first\n", "second\n"]);
  assert.equal(r.stdout, "first\nsecond\n");
});

Deno.test("runShell: stderr streams too, and a throwing listener loses only its chunk", async () => {
  const { ns } = workspaceNs();
  const errs: string[] = [];
  const r = await runShell(ns, "echo a >&2; echo b; echo c >&2", {
    onStdout: () => {
      throw new Error("listener bug");
    },
    onStderr: (c) => errs.push(text(c)),
  });
  assert.deepEqual(errs, ["a\n", "c\n"]);
  assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, "b\n", "a\nc\n"]);
});

Deno.test("runShell: bytes stay exact in files; the caller gets text (binary travels as base64)", async () => {
  const { ns } = workspaceNs();
  ns.writeFile("/tmp/bin", new Uint8Array([0xff, 0, 0x41]));
  const chunks: Uint8Array[] = [];
  const r = await runShell(
    ns,
    "cat /tmp/bin > /tmp/copy; echo é; base64 /tmp/copy",
    {
      onStdout: (c) => chunks.push(c),
    },
  );
  assert.deepEqual(ns.readFile("/tmp/copy"), new Uint8Array([0xff, 0, 0x41]));
  assert.deepEqual(chunks, [
    new TextEncoder().encode("é\n"),
    new TextEncoder().encode("/wBB\n"),
  ]);
  assert.equal(r.stdout, "é\n/wBB\n");
});

Deno.test("runShell: /dev/null swallows writes and reads empty", async () => {
  const { ns } = workspaceNs();
  const r = await runShell(
    ns,
    "echo gone > /dev/null; echo gone 2>/dev/null >&2; cat /dev/null; wc -c < /dev/null",
  );
  assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, "0\n", ""]);
});

Deno.test("runShell: changes land in the namespace: a CowFs keeps them, the original is untouched", async () => {
  const { ns, overlay } = workspaceNs();
  const r = await runShell(
    ns,
    "sed -i 's/1/2/' src/a.ts && mkdir -p docs && echo '# Docs' > docs/index.md && rm README",
  );
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(readText(ns, "/workspace/src/a.ts"), "let a = 2;\n");
  assert.deepEqual(
    overlay.diff().map((c) => `${c.change} ${c.path}`).sort(),
    [
      "added /docs",
      "added /docs/index.md",
      "deleted /README",
      "modified /src/a.ts",
    ],
  );
});

Deno.test("runShell: a refused redirection ends its top-level command with status 1; the script goes on", async () => {
  const { ns } = workspaceNs();
  const r = await runShell(
    ns,
    "echo x > /ro/a.txt || echo skipped\necho status $?\necho after",
  );
  assert.equal(r.stdout, "status 1\nafter\n");
  assert.equal(r.stderr, "EROFS: read-only file system: /ro/a.txt\n");
  assert.equal(r.exitCode, 0);
  assert.equal(readText(ns, "/ro/a.txt"), "A\n");
});

Deno.test("runShell: each limit stops the run and says so", async () => {
  const { ns } = workspaceNs();
  const commands = await runShell(ns, "for i in 1 2 3 4 5 6; do :; done", {
    limits: { maxCommands: 3 },
  });
  assert.equal(commands.exitCode, 126);
  const output = await runShell(ns, "echo 1234567890; echo 1234567890", {
    limits: { maxOutputBytes: 15 },
  });
  assert.deepEqual([output.exitCode, output.truncated, output.stdout], [
    126,
    true,
    "1234567890\n",
  ]);
  const time = await runShell(ns, "echo before; sleep 10; echo after", {
    limits: { timeoutMs: 100 },
  });
  assert.deepEqual([time.exitCode, time.timedOut, time.stdout], [
    124,
    true,
    "before\n",
  ]);
  const fine = await runShell(ns, "echo ok", { limits: { maxCommands: 3 } });
  assert.deepEqual([fine.exitCode, fine.truncated, fine.timedOut], [
    0,
    false,
    false,
  ]);
});

Deno.test("runShell: the time limit also ends a wait for a capability response", async () => {
  const http = new HttpFs();
  const ns = Namespace.builder().mount("/cap/http", http).build();
  const id = http.submitRequest({ url: "https://example.com/" });
  const r = await runShell(
    ns,
    `echo waiting; cat /cap/http/responses/${id}.json`,
    {
      limits: { timeoutMs: 100 },
    },
  );
  assert.deepEqual([r.exitCode, r.timedOut, r.stdout], [
    124,
    true,
    "waiting\n",
  ]);
});

Deno.test("runShell: the caller's signal ends the run and rejects with its reason", async () => {
  const http = new HttpFs();
  const tmp = new MemFs();
  const ns = Namespace.builder().mount("/cap/http", http).mount("/tmp", tmp)
    .build();
  const id = http.submitRequest({ url: "https://example.com/" });
  const ac = new AbortController();
  const run = runShell(
    ns,
    `cat /cap/http/responses/${id}.json; echo late > /tmp/late`,
    {
      signal: ac.signal,
    },
  );
  setTimeout(() => ac.abort(new Error("cancelled by the caller")), 20);
  await assert.rejects(() => run, Error, "cancelled by the caller");
  assert.deepEqual(tmp.readdir("/"), [], "nothing ran after the abort");
  const before = new AbortController();
  before.abort(new Error("already"));
  await assert.rejects(
    () => runShell(ns, "echo x > /tmp/x", { signal: before.signal }),
    Error,
    "already",
  );
  assert.deepEqual(tmp.readdir("/"), []);
});

Deno.test("runShell: a wrong argument or option is a clear error, and nothing runs", async () => {
  const { ns } = workspaceNs();
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    [
      "no namespace",
      () => runShell(null as never, "ls"),
      "expected a FileService or Namespace, got null",
    ],
    [
      "a script that is not a string",
      () => runShell(ns, 42 as never),
      "script must be a string, got a number",
    ],
    [
      "options that are not an object",
      () => runShell(ns, "ls", "x" as never),
      "options must be an object",
    ],
    [
      "an unknown option",
      () => runShell(ns, "ls", { timeout: 5 } as never),
      'unknown option "timeout"',
    ],
    [
      "a cwd that is not a string",
      () => runShell(ns, "ls", { cwd: 1 as never }),
      "cwd must be a string",
    ],
    [
      "env that is not an object",
      () => runShell(ns, "ls", { env: [] as never }),
      "env must be an object",
    ],
    [
      "an env name with =",
      () => runShell(ns, "ls", { env: { "A=B": "x" } }),
      'must not hold "="',
    ],
    [
      "an env value that is not a string",
      () => runShell(ns, "ls", { env: { A: 1 as never } }),
      "env A must be a string",
    ],
    [
      "args that are not an array",
      () => runShell(ns, "ls", { args: "a" as never }),
      "args must be an array",
    ],
    [
      "an arg with NUL",
      () => runShell(ns, "ls", { args: ["a\0b"] }),
      "args[0] must be a string without NUL",
    ],
    [
      "stdin that is not a string",
      () => runShell(ns, "ls", { stdin: new Uint8Array() as never }),
      "stdin must be a string",
    ],
    [
      "a signal that is not one",
      () => runShell(ns, "ls", { signal: {} as never }),
      "signal must be an AbortSignal",
    ],
    [
      "a listener that is not a function",
      () => runShell(ns, "ls", { onStdout: "x" as never }),
      "onStdout must be a function",
    ],
    [
      "limits that are not an object",
      () => runShell(ns, "ls", { limits: 5 as never }),
      "runShell: limits must be an object",
    ],
    [
      "an unknown limit",
      () => runShell(ns, "ls", { limits: { maxFiles: 1 } as never }),
      'unknown field "maxFiles"',
    ],
    [
      "a zero limit",
      () => runShell(ns, "ls", { limits: { timeoutMs: 0 } }),
      "timeoutMs must be a positive integer, got 0",
    ],
    [
      "a fractional limit",
      () => runShell(ns, "ls", { limits: { maxCommands: 1.5 } }),
      "maxCommands must be a positive integer, got 1.5",
    ],
  ];
  for (const [what, call, words] of cases) {
    await assert.rejects(call, TypeError, words, what);
  }
  const missing = await rejectsFs(
    runShell(ns, "ls", { cwd: "/nowhere" }),
    "ENOENT",
  );
  assert.equal(missing.path, "/nowhere");
  await rejectsFs(runShell(ns, "ls", { cwd: "/ro/a.txt" }), "ENOTDIR");
  const relative = await rejectsFs(
    runShell(ns, "ls", { cwd: "workspace" }),
    "EINVAL",
  );
  assert.ok(relative instanceof FsError);
});

Deno.test("runShell: /cap/http works from the shell, waiting included, with the capability's allow-list", async () => {
  let hits = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      hits++;
      await new Promise((r) => setTimeout(r, 50)); // a slow service
      return new Response(
        `${req.method} ${new URL(req.url).pathname} ${await req.text()}`,
      );
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  const http = new HttpFs({ allowList: AllowList.of([`127.0.0.1:${port}`]) });
  const executor = new ExecutorManager().attachHttp(http);
  executor.start();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  try {
    const ns = Namespace.builder().mount("/cap/http", http).mount(
      "/tmp",
      new MemFs(),
    ).build();
    const base = `http://127.0.0.1:${port}`;
    const byHand = await runShell(
      ns,
      `echo '{"id":"r1","url":"${base}/by-hand"}' > /cap/http/request\njq -r .body /cap/http/responses/r1.json`,
    );
    assert.equal(byHand.stdout, "GET /by-hand \n", byHand.stderr);
    assert.ok(
      ticks >= 3,
      `the host ran while the shell waited (${ticks} ticks)`,
    );
    const curl = await runShell(
      ns,
      `curl -s ${base}/get; echo; curl -s -X POST -d 'sent' ${base}/post -o /tmp/out; cat /tmp/out`,
    );
    assert.equal(curl.stdout, "GET /get \nPOST /post sent", curl.stderr);
    assert.deepEqual(
      http.status().completed,
      1,
      "curl removes the responses it read",
    );
    const refused = await runShell(
      ns,
      'curl -s http://203.0.113.9/; echo "exit $?"',
    );
    assert.equal(refused.stdout, "exit 7\n");
    assert.equal(hits, 3, "the refused host was never reached");
  } finally {
    clearInterval(ticker);
    await executor.shutdown();
    await server.shutdown();
  }
});
