/**
 * A C agent posts an HTTP request through /cap/http and waits for the
 * response (suspended through JSPI) while a real loopback server and the
 * HttpExecutor run in the same process.
 */
import assert from "@std/assert";
import {
  AllowList,
  CowFs,
  ExecutorManager,
  HttpFs,
  LogsFs,
  MapFs,
  MemFs,
  Namespace,
  readJson,
  TaskFs,
  WasiRuntime,
} from "../../mod.ts";

const AGENT = new URL("../../examples/demo/agent.wasm", import.meta.url);

Deno.test("a WASI agent waits for an HTTP response without blocking the host", async () => {
  let hostTicks = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await new Promise((r) => setTimeout(r, 150)); // a slow service
    return new Response("src/main.c");
  });
  const port = (server.addr as Deno.NetAddr).port;
  const http = new HttpFs({ allowList: AllowList.of([`127.0.0.1:${port}`]) });
  const executor = new ExecutorManager().attachHttp(http);
  executor.start();
  const ticker = setInterval(() => hostTicks++, 10);
  try {
    const workspace = new CowFs(MapFs.fromObject({
      "/src/main.c": "int main(void) {\n  // TODO: greet\n  return 0;\n}\n",
      "/README.md": "TODO: docs\n",
    }));
    const task = new TaskFs({
      id: "t",
      type: "code-review",
      description: "find TODOs",
      input: { pattern: "TODO", policy_url: `http://127.0.0.1:${port}/policy` },
    });
    const ns = Namespace.builder()
      .mount("/task", task)
      .mount("/logs", new LogsFs())
      .mount("/tmp", new MemFs())
      .mount("/workspace", workspace)
      .mount("/cap/http", http)
      .build();
    const result = await new WasiRuntime().run(ns, await Deno.readFile(AGENT), { args: ["agent"] });
    assert.equal(result.exitCode, 0, result.stderrText);
    const report = readJson(ns, "/task/result.json") as Record<string, unknown>;
    assert.equal(report.policy_status, 200);
    assert.equal(report.fixed, "src/main.c");
    assert.equal(report.count, 2);
    assert.deepEqual(workspace.diff().map((c) => [c.change, c.path]), [[
      "modified",
      "/src/main.c",
    ]]);
    assert.ok(hostTicks >= 5, `the host kept running while the guest waited (${hostTicks} ticks)`);
  } finally {
    clearInterval(ticker);
    await executor.shutdown();
    await server.shutdown();
  }
});
