/** WsConnector against a real WebSocket server on 127.0.0.1. */
import assert from "@std/assert";
import { AllowList, WsFs, type WsMessage } from "../../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager, RetryPolicy } from "../../src/executor/mod.ts";
import { startWsServer, type TestWsServer } from "../helpers/ws_server.ts";
import { until, within } from "../helpers/wait.ts";

const dec = new TextDecoder();

async function withRig(
  config: ExecutorConfig,
  fn: (ws: WsFs, server: TestWsServer) => Promise<void>,
  wsOptions: { maxConnections?: number } = {},
): Promise<void> {
  const server = startWsServer();
  const ws = new WsFs({ allowList: AllowList.of(["127.0.0.1"]), ...wsOptions });
  const manager = new ExecutorManager(config).attachWs(ws);
  manager.start();
  try {
    await fn(ws, server);
  } finally {
    await manager.shutdown();
    await server.close();
  }
}

function next(ws: WsFs, id: string): Promise<WsMessage | undefined> {
  return within(3000, `a message on ${id}`, (signal) => ws.nextMessage(id, signal));
}

function state(ws: WsFs, id: string, want: string): Promise<void> {
  return until(
    () => ws.connection(id)?.state === want,
    (s) => ws.whenChanged(id, s),
    `${id} ${want}`,
  );
}

const DEFAULT = ExecutorConfig.builder().wsConnectTimeout(2000).build();

Deno.test("an echo connection opens and returns messages in FIFO order", async () => {
  await withRig(DEFAULT, async (ws, server) => {
    const id = ws.openConnection(`${server.origin}/echo`);
    assert.equal(await ws.whenSettled(id), "open");
    for (let i = 0; i < 50; i++) ws.sendMessage(id, `message ${i}`);
    for (let i = 0; i < 50; i++) {
      const m = (await next(ws, id))!;
      assert.equal(m.binary, false);
      assert.equal(dec.decode(m.data), `message ${i}`);
    }
    assert.equal(ws.connection(id)?.sent, 50);
  });
});

Deno.test("binary messages keep their kind and every byte", async () => {
  await withRig(DEFAULT, async (ws, server) => {
    const id = ws.openConnection(`${server.origin}/echo`);
    const all = new Uint8Array(256).map((_, i) => i);
    const big = crypto.getRandomValues(new Uint8Array(65536));
    ws.sendMessage(id, all);
    ws.sendMessage(id, big);
    ws.sendMessage(id, "text stays text");
    const a = (await next(ws, id))!;
    const b = (await next(ws, id))!;
    const c = (await next(ws, id))!;
    assert.deepEqual([a.binary, b.binary, c.binary], [true, true, false]);
    assert.deepEqual(a.data, all);
    assert.ok(b.data.length === big.length && b.data.every((x, i) => x === big[i]));
    assert.equal(dec.decode(c.data), "text stays text");
  });
});

Deno.test("a server close is reflected in the status, after the messages before it", async () => {
  await withRig(DEFAULT, async (ws, server) => {
    const id = ws.openConnection(`${server.origin}/close-after?n=2`);
    ws.sendMessage(id, "one");
    ws.sendMessage(id, "two");
    await state(ws, id, "closed");
    const info = ws.connection(id)!;
    assert.equal(info.closeCode, 4000);
    assert.equal(info.closeReason, "bye");
    assert.equal(dec.decode(ws.readMessage(id)!.data), "one");
    assert.equal(dec.decode(ws.readMessage(id)!.data), "two");
    assert.equal(await ws.nextMessage(id), undefined, "then end of stream");
  });
});

Deno.test("closing from the agent side closes the socket", async () => {
  await withRig(DEFAULT, async (ws, server) => {
    const id = ws.openConnection(`${server.origin}/echo`);
    await ws.whenSettled(id);
    assert.equal(server.open(), 1);
    ws.closeConnection(id);
    await state(ws, id, "closed");
    assert.equal(ws.connection(id)?.closeCode, 1000);
  });
});

Deno.test("wsMaxConcurrent limits open sockets; closed ones are reaped and free their slot", async () => {
  const config = ExecutorConfig.builder().wsMaxConcurrent(2).build();
  await withRig(config, async (ws, server) => {
    const a = ws.openConnection(`${server.origin}/echo`);
    const b = ws.openConnection(`${server.origin}/echo`);
    const c = ws.openConnection(`${server.origin}/echo`);
    assert.equal(ws.connection(c)?.state, "failed");
    assert.match(ws.connection(c)!.error!, /wsMaxConcurrent=2/);
    await ws.whenSettled(a);
    await ws.whenSettled(b);
    ws.closeConnection(a);
    await state(ws, a, "closed");
    const d = ws.openConnection(`${server.origin}/echo`);
    assert.equal(await ws.whenSettled(d), "open");
    assert.equal(server.open(), 2);
  });
});

Deno.test("a handshake that never completes fails after wsConnectTimeout", async () => {
  const config = ExecutorConfig.builder().wsConnectTimeout(150).build();
  await withRig(config, async (ws, server) => {
    const t0 = performance.now();
    const id = ws.openConnection(`${server.origin}/hang`);
    assert.equal(await ws.whenSettled(id), "failed");
    assert.match(ws.connection(id)!.error!, /connect timeout after 150 ms/);
    assert.ok(performance.now() - t0 < 2000);
  });
});

Deno.test("a connection opened with reconnect comes back after the server drops it", async () => {
  const config = ExecutorConfig.builder().wsReconnect(RetryPolicy.exponential(5, 10, 50)).build();
  await withRig(config, async (ws, server) => {
    const id = ws.openConnection(`${server.origin}/echo`, { reconnect: true });
    await ws.whenSettled(id);
    await server.dropAll();
    await state(ws, id, "reconnecting");
    assert.equal(await ws.whenSettled(id), "open");
    assert.equal(ws.connection(id)?.reconnects, 1);
    ws.sendMessage(id, "after reconnect");
    assert.equal(dec.decode((await next(ws, id))!.data), "after reconnect");
    assert.equal(server.accepted(), 2);
  });
});

Deno.test("without reconnect, a dropped connection is closed", async () => {
  await withRig(DEFAULT, async (ws, server) => {
    const id = ws.openConnection(`${server.origin}/echo`);
    await ws.whenSettled(id);
    await server.dropAll();
    await state(ws, id, "closed");
    assert.equal(ws.connection(id)?.closeCode, 1012);
  });
});
