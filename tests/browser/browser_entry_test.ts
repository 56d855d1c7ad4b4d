/** browser.ts: what it exports, and its own helpers (run here in Deno, against a real server). */

import assert from "@std/assert";
import * as browser from "../../browser.ts";
import {
  AllowList,
  browserExecutors,
  browserResolver,
  CowFs,
  HttpFs,
  MapFs,
  MemFs,
  Namespace,
  readJsonWhenReady,
  readText,
  submitJson,
  WasiRuntime,
} from "../../browser.ts";

Deno.test("browser.ts exports the browser-safe API and leaves out the Deno-only parts", () => {
  const names = Object.keys(browser);
  for (
    const name of [
      "FsError",
      "Namespace",
      "MemFs",
      "MapFs",
      "FuncFs",
      "CowFs",
      "walk",
      "TaskFs",
      "LogsFs",
      "HttpFs",
      "WsFs",
      "ExecutorManager",
      "HttpExecutor",
      "WsConnector",
      "WasiRuntime",
      "browserExecutors",
      "browserResolver",
    ]
  ) {
    assert.ok(names.includes(name), `browser.ts should export ${name}`);
  }
  for (
    const name of ["WorkspaceFs", "NostrFs", "denoResolver", "runEnv", "main"]
  ) {
    assert.ok(!names.includes(name), `browser.ts must not export ${name}`);
  }
});

/** Modules whose exports browser.ts leaves out on purpose: Deno-only, or NostrFs (npm code). */
const LEFT_OUT = [
  "../../src/fs/workspace_fs.ts",
  "../../src/sandbox/mod.ts",
  "../../src/env/mod.ts",
  // Shared job queues: in memory beside the Scheduler, or BullMQ on Redis.
  "../../src/env/queue/mod.ts",
  "../../src/capabilities/nostr/mod.ts",
  "../../src/executor/nostr/nostr_relay_connector.ts",
  // Transcripts are written to and read from host folders.
  "../../src/executor/record/mod.ts",
  // Snapshot archives hash with node:crypto and read host folders for their bases.
  "../../src/fs/snapshot/mod.ts",
  "../../src/services/snapshot/mod.ts",
];

Deno.test("browser.ts keeps up with mod.ts: every export is in it or left out on purpose", async () => {
  const left = new Set<string>(["denoResolver"]);
  for (const m of LEFT_OUT) {
    for (const name of Object.keys(await import(m))) left.add(name);
  }
  const inBrowser = new Set(Object.keys(browser));
  const mod = await import("../../mod.ts");
  const missing = Object.keys(mod).filter((name) => !inBrowser.has(name) && !left.has(name));
  assert.deepEqual(
    missing,
    [],
    "mod.ts exports these, which browser.ts neither exports nor leaves out: add their module " +
      "to browser.ts when it is browser-safe, or to LEFT_OUT here",
  );
  const leaked = [...inBrowser].filter((name) => left.has(name));
  assert.deepEqual(leaked, [], "browser.ts exports what it should leave out");
});

Deno.test("browserResolver resolves nothing, so only the allow-list decides", async () => {
  assert.deepEqual(await browserResolver("example.com"), []);
});

Deno.test("browserExecutors runs /cap/http requests with fetch", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => Response.json({ path: new URL(req.url).pathname }),
  );
  const http = new HttpFs({
    allowList: AllowList.of([`127.0.0.1:${server.addr.port}`]),
  });
  const executor = browserExecutors().attachHttp(http);
  try {
    executor.start();
    const ns = Namespace.builder().mount("/cap/http", http).build();
    const url = `http://127.0.0.1:${server.addr.port}/hello`;
    const { id } = submitJson(ns, "/cap/http/request", { url }) as {
      id: string;
    };
    const out = await readJsonWhenReady(
      ns,
      `/cap/http/responses/${id}.json`,
    ) as {
      status: number;
      body: string;
    };
    assert.equal(out.status, 200);
    assert.deepEqual(JSON.parse(out.body), { path: "/hello" });
  } finally {
    await executor.shutdown();
    await server.shutdown();
  }
});

Deno.test("the explorer's setup runs hello-wasi through browser.ts", async () => {
  const workspace = new CowFs(
    MapFs.fromObject({ "/hello.txt": "from the test\n" }),
  );
  const ns = Namespace.builder().mount("/workspace", workspace).mount(
    "/tmp",
    new MemFs(),
  ).build();
  const wasm = await Deno.readFile(
    new URL("../../examples/hello-wasi/hello.wasm", import.meta.url),
  );
  const r = await new WasiRuntime().run(ns, wasm, {
    args: ["hello-wasi", "x"],
  });
  assert.equal(r.exitCode, 0, r.stderrText);
  assert.match(r.stdoutText, /from the test/);
  assert.equal(
    readText(ns, "/tmp/output.txt"),
    "Written by hello-wasi with 2 argument(s)\n",
  );
  assert.deepEqual(workspace.diff(), []);
});
