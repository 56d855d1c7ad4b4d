import assert from "@std/assert";
import { loadManifest, ManifestError, parseManifest } from "../../mod.ts";

const FULL = `task:
  id: find-todos
  type: code-review
  description: Find every TODO
  input: { pattern: TODO }
  meta: { tags: [demo] }
mounts:
  /task: task
  /logs: { type: logs, max_bytes: 65536 }
  /tmp: mem
  /workspace:
    type: workspace
    path: ./project
    mode: cow
  /assets: { type: map, files: { /a.txt: hello } }
  /cap/http: { type: http, allow: ["127.0.0.1:8080"], methods: [get] }
  /cap/ws: { type: ws, allow: [localhost] }
  /cap/nostr: { type: nostr, relays: ["ws://127.0.0.1:7777"], key_env: NOSTR_KEY }
program:
  wasi: agent.wasm
  args: [--verbose]
  env: { MODE: fast, LEVEL: 3 }
  stdin: hello
limits:
  timeout: 30
  memory: 256
  max_output: 1048576
`;

function manifestError(fn: () => unknown): ManifestError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error("expected a ManifestError");
}

Deno.test("a full manifest parses into typed, resolved data", () => {
  const m = parseManifest(FULL, "/srv/env");
  assert.equal(m.task?.id, "find-todos");
  assert.deepEqual(m.task?.input, { pattern: "TODO" });
  assert.deepEqual(m.task?.meta, { tags: ["demo"] });
  assert.deepEqual(m.mounts["/workspace"], {
    type: "workspace",
    path: "/srv/env/project",
    mode: "cow",
  });
  assert.deepEqual(m.mounts["/logs"], { type: "logs", maxBytes: 65536 });
  assert.deepEqual(m.mounts["/assets"], {
    type: "map",
    files: { "/a.txt": "hello" },
  });
  assert.deepEqual(m.mounts["/cap/http"], {
    type: "http",
    allow: ["127.0.0.1:8080"],
    methods: ["GET"],
  });
  assert.deepEqual(m.mounts["/cap/nostr"], {
    type: "nostr",
    relays: ["ws://127.0.0.1:7777"],
    keyEnv: "NOSTR_KEY",
  });
  assert.deepEqual(m.program, {
    kind: "wasi",
    path: "/srv/env/agent.wasm",
    args: ["--verbose"],
    env: { MODE: "fast", LEVEL: "3" },
    stdin: "hello",
  });
  assert.deepEqual(m.limits, {
    timeoutSecs: 30,
    memoryMb: 256,
    threads: 32,
    maxOutputBytes: 1048576,
  });
});

Deno.test("defaults: workspace mode ro, timeout 60 s, 10 MiB of output", () => {
  const m = parseManifest(
    "mounts:\n  /w: { type: workspace, path: /abs }\n",
    "/srv",
  );
  assert.deepEqual(m.mounts["/w"], {
    type: "workspace",
    path: "/abs",
    mode: "ro",
  });
  assert.deepEqual(m.limits, {
    timeoutSecs: 60,
    memoryMb: 2048,
    threads: 32,
    maxOutputBytes: 10485760,
  });
});

Deno.test("a bad value names the field path and its line", () => {
  const text = FULL.replace("mode: cow", "mode: bogus");
  const e = manifestError(() => parseManifest(text, "/srv"));
  assert.equal(e.field, "mounts./workspace.mode");
  assert.equal(e.line, 14);
  assert.equal(
    e.message,
    "mounts./workspace.mode: expected one of rw, ro, cow (line 14)",
  );
});

Deno.test("unknown keys are errors, not ignored", () => {
  let e = manifestError(() => parseManifest(FULL.replace("  timeout: 30", "  timeuot: 30"), "/"));
  assert.equal(e.field, "limits.timeuot");
  assert.match(e.message, /unknown key \(line 25\)/);
  e = manifestError(() => parseManifest("mounts: {}\nextra: 1\n", "/"));
  assert.equal(e.field, "extra");
  e = manifestError(() => parseManifest("mounts:\n  /t: { type: mem, size: 3 }\n", "/"));
  assert.equal(e.field, "mounts./t.size");
  assert.equal(e.line, 2);
});

Deno.test("malformed YAML and JSON are refused with a line", () => {
  let e = manifestError(() => parseManifest("mounts:\n  /tmp: mem\n bad: [\n", "/"));
  assert.match(e.message, /malformed YAML/);
  assert.equal(typeof e.line, "number");
  e = manifestError(() => parseManifest('{"mounts": ', "/", { format: "json" }));
  assert.match(e.message, /malformed JSON/);
  e = manifestError(() => parseManifest("", "/"));
  assert.match(e.message, /empty/);
  e = manifestError(() => parseManifest("- a\n- b\n", "/"));
  assert.match(e.message, /expected a mapping, got a list/);
  e = manifestError(() => parseManifest(42 as unknown as string, "/"));
  assert.match(e.message, /expected manifest text/);
});

Deno.test("JSON manifests validate the same way", () => {
  const json = JSON.stringify(
    { mounts: { "/tmp": { type: "mem" }, "/w": { type: "nope" } } },
    null,
    2,
  );
  const e = manifestError(() => parseManifest(json, "/", { format: "json" }));
  assert.equal(e.field, "mounts./w.type");
  assert.equal(e.line, 7);
});

Deno.test("every invalid field is refused with its name", () => {
  const cases: Array<[string, string]> = [
    ["task:\n  id: t\nmounts:\n  /task: task\n", "task.type"],
    ["mounts:\n  /task: task\n", "mounts./task"],
    ["mounts:\n  /w: { type: workspace }\n", "mounts./w.path"],
    ["mounts:\n  /m: { type: map }\n", "mounts./m"],
    [
      "mounts:\n  /m: { type: map, files: { /a: [1] } }\n",
      "mounts./m.files./a",
    ],
    ["mounts:\n  /h: { type: http }\n", "mounts./h.allow"],
    [
      "mounts:\n  /h: { type: http, allow: ['http://x.com/'] }\n",
      "mounts./h.allow.0",
    ],
    [
      "mounts:\n  /n: { type: nostr, relays: [http://x] }\n",
      "mounts./n.relays.0",
    ],
    // A comma would split --allow-net and grant host "a" on every port.
    [
      "mounts:\n  /n: { type: nostr, relays: ['ws://a,b.example:22/'] }\n",
      "mounts./n.relays.0",
    ],
    [
      "mounts:\n  /n: { type: nostr, relays: ['ws://exa mple/'] }\n",
      "mounts./n.relays.0",
    ],
    [
      "mounts:\n  /h: { type: http, allow: ['127.0.0.1:99999'] }\n",
      "mounts./h.allow.0",
    ],
    [
      "mounts:\n  /h: { type: ws, allow: ['127.0.0.1:0'] }\n",
      "mounts./h.allow.0",
    ],
    ["mounts:\n  /n: { type: nostr, relays: [], key: abc }\n", "mounts./n.key"],
    ["mounts:\n  /a: mem\n  /a/: mem\n", "mounts./a/"],
    ["mounts:\n  'rel': mem\n", "mounts.rel"],
    ["mounts: {}\nprogram: { args: [] }\n", "program"],
    ["mounts: {}\nprogram: { wasi: a.wasm, module: b.ts }\n", "program"],
    [
      "mounts: {}\nprogram: { module: 'https://evil.example/a.ts' }\n",
      "program.module",
    ],
    ["mounts: {}\nprogram: { module: a.ts, stdin: x }\n", "program.stdin"],
    ["mounts: {}\nprogram: { wasi: a.wasm, args: [1] }\n", "program.args.0"],
    ["mounts: {}\nlimits: { timeout: -1 }\n", "limits.timeout"],
    ["mounts: {}\nlimits: { memory: big }\n", "limits.memory"],
    ["task: {}\n", "mounts"],
  ];
  for (const [text, field] of cases) {
    const e = manifestError(() => parseManifest(text, "/srv"));
    assert.ok(
      e.problems.some((p) => p.field === field),
      `${JSON.stringify(text)} → ${e.message}`,
    );
  }
});

Deno.test("every problem of a manifest is reported at once, in line order", () => {
  const text = `mounts:
  /w: { type: workspace, mode: rw }
  /h: { type: http, allow: [] }
  /ok: mem
program: { wasi: a.wasm, args: [1] }
limits: { timeout: -1, colour: red }
extra: 1
`;
  const e = manifestError(() => parseManifest(text, "/srv"));
  assert.deepEqual(e.problems.map((p) => [p.field, p.line]), [
    ["mounts./w.path", 2],
    ["mounts./h.allow", 3],
    ["program.args.0", 5],
    ["limits.timeout", 6],
    ["extra", 7],
  ]);
  assert.equal(e.field, "mounts./w.path");
  assert.equal(e.message.split("\n").length, 5);
});

Deno.test("loadManifest resolves relative paths against the manifest's folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/env.yaml`,
      "mounts:\n  /w: { type: workspace, path: proj }\n",
    );
    const m = await loadManifest(`${dir}/env.yaml`);
    assert.equal((m.mounts["/w"] as { path: string }).path, `${dir}/proj`);
    await Deno.writeTextFile(`${dir}/env.json`, '{"mounts": {"/tmp": "mem"}}');
    assert.equal(
      (await loadManifest(`${dir}/env.json`)).mounts["/tmp"].type,
      "mem",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadManifest of a missing file is a clear error", async () => {
  await assert.rejects(
    () => loadManifest("/nonexistent/env.yaml"),
    /cannot read .*no such file/,
  );
  await assert.rejects(() => loadManifest(""), ManifestError);
});

Deno.test("{{NAME}} placeholders are filled from vars, and a missing one names its line", () => {
  const text = "mounts:\n  /cap/http: { type: http, allow: ['127.0.0.1:{{PORT}}'] }\n";
  const m = parseManifest(text, "/", { vars: { PORT: "8080" } });
  assert.deepEqual((m.mounts["/cap/http"] as { allow: string[] }).allow, [
    "127.0.0.1:8080",
  ]);
  const e = manifestError(() => parseManifest(text, "/"));
  assert.equal(e.line, 2);
  assert.match(
    e.message,
    /\{\{PORT\}\} has no value \(give it with --var PORT=\.\.\.\)/,
  );
  assert.throws(
    () => parseManifest(text, "/", { vars: { PORT: "1\n/evil: mem" } }),
    /one-line/,
  );
});

Deno.test("a --var value is only ever a scalar, never YAML: it cannot add fields or widen a mount", () => {
  const text = `mounts:
  /w: { type: workspace, path: ./ws, mode: "{{MODE}}" }
  /h: { type: http, allow: ["{{HOST}}"] }
limits: { timeout: {{T}} }
`;
  // Whole values read as numbers, booleans or null when they are; the rest stays text.
  const ok = parseManifest(text, "/srv", {
    vars: { MODE: "cow", HOST: "api.example", T: "5" },
  });
  assert.equal((ok.mounts["/w"] as { mode: string }).mode, "cow");
  assert.equal(ok.limits.timeoutSecs, 5);
  // Syntax in a value stays inside the one string it fills.
  const e = manifestError(() =>
    parseManifest(text, "/srv", {
      vars: {
        MODE: "ro }\n  /x: { type: workspace, path: /, mode: rw",
        HOST: "a.example",
        T: "5",
      },
    })
  );
  assert.match(e.message, /vars\.MODE: expected a one-line string/);
  const widened = manifestError(() =>
    parseManifest(text, "/srv", {
      vars: {
        MODE: "ro, extra: 1",
        HOST: 'a.example", "evil.example',
        T: "{ a: 1 }",
      },
    })
  );
  const fields = widened.problems.map((p) => p.field);
  assert.ok(fields.includes("mounts./w.mode"), fields.join());
  assert.ok(fields.includes("mounts./h.allow.0"), fields.join());
  assert.ok(fields.includes("limits.timeout"), fields.join());
});

Deno.test("a YAML alias bomb is refused before it expands", () => {
  const bomb = `task:
  id: t
  type: x
  description: d
  input:
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
mounts:
  /task: task
`;
  const e = manifestError(() => parseManifest(bomb, "/srv"));
  assert.match(e.message, /expands to more than 100000 values/);
});

Deno.test("capability limits, host-held secrets and limits.disk are read, secrets never inline", () => {
  const m = parseManifest(
    `mounts:
  /h:
    type: http
    allow: [api.example]
    max_request_bytes: 1000
    max_response_bytes: 2000
    secrets:
      KEY: { env: MY_KEY, hosts: [api.example] }
      FILE_KEY: { file: ./key.txt, hosts: [api.example] }
  /w: { type: ws, allow: [ws.example], max_inbox_messages: 10, max_inbox_bytes: 4096 }
  /n: { type: nostr, relays: ["wss://relay.example"], max_inbox_events: 50 }
limits: { disk: 64, threads: 8 }
`,
    "/srv",
  );
  assert.deepEqual(m.mounts["/h"], {
    type: "http",
    allow: ["api.example"],
    maxRequestBytes: 1000,
    maxResponseBytes: 2000,
    secrets: {
      KEY: { env: "MY_KEY", hosts: ["api.example"] },
      FILE_KEY: { file: "/srv/key.txt", hosts: ["api.example"] },
    },
  });
  assert.deepEqual(m.mounts["/w"], {
    type: "ws",
    allow: ["ws.example"],
    maxInboxMessages: 10,
    maxInboxBytes: 4096,
  });
  assert.equal(
    (m.mounts["/n"] as { maxInboxEvents?: number }).maxInboxEvents,
    50,
  );
  assert.equal(m.limits.diskMb, 64);
  assert.equal(m.limits.threads, 8);
  for (
    const [secret, field] of [
      ["{ value: abc, hosts: [a.example] }", "mounts./h.secrets.K.value"],
      ["{ env: A, file: b, hosts: [a.example] }", "mounts./h.secrets.K"],
      ["{ env: A }", "mounts./h.secrets.K.hosts"],
      ["{ env: A, hosts: [a.example], extra: 1 }", "mounts./h.secrets.K.extra"],
    ]
  ) {
    const e = manifestError(() =>
      parseManifest(
        `mounts:\n  /h: { type: http, allow: [a.example], secrets: { K: ${secret} } }\n`,
        "/srv",
      )
    );
    assert.ok(
      e.problems.some((p) => p.field === field),
      `${secret}: ${e.message}`,
    );
  }
});
