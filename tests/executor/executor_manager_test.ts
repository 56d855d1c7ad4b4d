/** ExecutorManager: configuration, lifecycle, wake on submit. */
import assert from "@std/assert";
import { AllowList, HttpFs, isHttpFailure, NostrFs, WsFs } from "../../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager, RetryPolicy } from "../../src/executor/mod.ts";
import { startHttpServer } from "../helpers/http_server.ts";

Deno.test("the builder sets every field and checks each one", () => {
  const c = ExecutorConfig.builder()
    .pollInterval(50)
    .httpTimeout(1000)
    .httpRetry(RetryPolicy.none())
    .httpMaxConcurrent(4)
    .wsConnectTimeout(2000)
    .wsMaxConcurrent(3)
    .wsReconnect(RetryPolicy.exponential(1, 10, 20))
    .nostrReconnect(RetryPolicy.exponential(2, 10, 20))
    .build();
  assert.equal(c.pollIntervalMs, 50);
  assert.equal(c.httpTimeoutMs, 1000);
  assert.equal(c.httpRetry.maxAttempts, 1);
  assert.equal(c.httpMaxConcurrent, 4);
  assert.equal(c.wsConnectTimeoutMs, 2000);
  assert.equal(c.wsMaxConcurrent, 3);
  assert.equal(c.wsReconnect.maxRetries, 1);
  assert.equal(c.nostrReconnect.maxRetries, 2);
  assert.throws(
    () => ExecutorConfig.builder().httpMaxConcurrent(0),
    /httpMaxConcurrent must be a positive integer/,
  );
  assert.throws(() => ExecutorConfig.builder().pollInterval(-1), /pollInterval/);
  assert.throws(
    () => ExecutorConfig.builder().httpRetry(3 as never),
    /httpRetry must be a RetryPolicy/,
  );
  assert.ok(Object.isFrozen(c));
});

Deno.test("RetryPolicy: exponential backoff with full jitter, capped", () => {
  const p = RetryPolicy.exponential(5, 100, 1000);
  assert.equal(p.maxAttempts, 6);
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => p.delayMs(n, () => 0.999999)), [
    99,
    199,
    399,
    799,
    999,
  ]);
  assert.equal(p.delayMs(3, () => 0), 0);
  for (let i = 0; i < 100; i++) assert.ok(p.delayMs(4) < 800);
  assert.ok(p.allows(5) && !p.allows(6));
  assert.throws(() => RetryPolicy.exponential(-1, 10), /maxRetries/);
  assert.equal(RetryPolicy.exponential(Infinity, 1).allows(1e9), true);
});

Deno.test("requests are picked up on submit, not by polling", async () => {
  const server = startHttpServer();
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1"]) });
  const manager = new ExecutorManager(ExecutorConfig.builder().pollInterval(60_000).build());
  manager.attachHttp(http).start();
  const t0 = performance.now();
  const r = await http.response(http.submitRequest({ url: `${server.origin}/ok` }));
  assert.ok(!isHttpFailure(r));
  assert.ok(performance.now() - t0 < 1000, "well before the poll interval");
  await manager.shutdown();
  await server.close();
});

Deno.test("requests submitted before start run at start", async () => {
  const server = startHttpServer();
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1"]) });
  const id = http.submitRequest({ url: `${server.origin}/ok` });
  const manager = new ExecutorManager().attachHttp(http);
  assert.equal(http.status().queued, 1);
  manager.start();
  assert.equal((await http.response(id) as { status: number }).status, 200);
  await manager.shutdown();
  await server.close();
});

Deno.test("lifecycle: attach once, start once, shut down any number of times", async () => {
  const http = new HttpFs();
  const ws = new WsFs();
  const manager = new ExecutorManager();
  manager.attachHttp(http).attachWs(ws);
  assert.throws(() => manager.attachHttp(http), /already attached/);
  assert.equal(manager.state, "idle");
  manager.start();
  assert.throws(() => manager.start(), /already running/);
  manager.attachNostr(NostrFs.generate());
  await manager.shutdown();
  await manager.shutdown();
  assert.equal(manager.state, "stopped");
  assert.throws(() => manager.attachWs(new WsFs()), /already shut down/);
  assert.throws(() => new ExecutorManager({} as never), /must be an ExecutorConfig/);
});
