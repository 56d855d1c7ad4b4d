/**
 * An agent that sees only a namespace: /cap/http, /cap/ws and /cap/nostr
 * are mounted, and the agent uses nothing but file operations on the
 * namespace (open, read, write, close, whenReadable).
 */
import assert from "@std/assert";
import { isFsError, readText, writeText } from "../../src/fs/mod.ts";
import { Namespace } from "../../src/namespace/mod.ts";
import {
  AllowList,
  HttpFs,
  NostrFs,
  readJsonWhenReady,
  readWhenReady,
  submitJson,
  WsFs,
} from "../../src/capabilities/mod.ts";
import { readAllFromHandle } from "../../src/fs/file_io.ts";
import { ExecutorConfig, ExecutorManager } from "../../src/executor/mod.ts";
import { startDvm } from "../helpers/dvm.ts";
import { startHttpServer } from "../helpers/http_server.ts";
import { startRelay } from "../helpers/nostr_relay.ts";
import { startWsServer } from "../helpers/ws_server.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function withWorld(
  fn: (ns: Namespace, origins: { http: string; ws: string; relay: string }) => Promise<void>,
) {
  const httpServer = startHttpServer();
  const wsServer = startWsServer();
  const relay = startRelay();
  const dvm = await startDvm(relay.url, (input) => `echo: ${input}`);
  const allow = AllowList.of(["127.0.0.1"]);
  const http = new HttpFs({ allowList: allow });
  const ws = new WsFs({ allowList: allow });
  const nostr = NostrFs.generate({ allowList: allow });
  const executor = new ExecutorManager(ExecutorConfig.default())
    .attachHttp(http)
    .attachWs(ws)
    .attachNostr(nostr);
  executor.start();
  const ns = Namespace.builder()
    .mount("/cap/http", http)
    .mount("/cap/ws", ws)
    .mount("/cap/nostr", nostr)
    .build();
  try {
    await fn(ns, { http: httpServer.origin, ws: wsServer.origin, relay: relay.url });
  } finally {
    await executor.shutdown();
    await dvm.close();
    await relay.close();
    await wsServer.close();
    await httpServer.close();
  }
}

Deno.test("an agent does an HTTP GET with file operations only", async () => {
  await withWorld(async (ns, { http }) => {
    // Write the request and read back its id on the same handle.
    const req = ns.open("/cap/http/request", { read: true, write: true });
    req.write(enc.encode(JSON.stringify({ url: `${http}/echo?from=agent` })));
    const { id } = JSON.parse(dec.decode(readAllFromHandle(req)));
    req.close();
    assert.equal(id, "req-1");

    // Open the response at once: not ready yet (EAGAIN), so wait for it.
    const res = ns.open(`/cap/http/responses/${id}.json`);
    try {
      try {
        readAllFromHandle(res);
      } catch (e) {
        assert.ok(isFsError(e, "EAGAIN"));
        await res.whenReadable!();
      }
      const response = JSON.parse(dec.decode(readAllFromHandle(res)));
      assert.equal(response.status, 200);
      assert.equal(JSON.parse(response.body).path, "/echo?from=agent");
    } finally {
      res.close();
    }
    assert.deepEqual(ns.readdir("/cap/http/responses").map((e) => e.name), [
      "req-1.body",
      "req-1.json",
    ]);
  });
});

Deno.test("an agent does a WebSocket echo with file operations only", async () => {
  await withWorld(async (ns, { ws }) => {
    const { id } = submitJson(ns, "/cap/ws/control", { url: `${ws}/echo` }) as { id: string };
    writeText(ns, `/cap/ws/conns/${id}/out`, "ping from the agent");
    const echoed = dec.decode(await readWhenReady(ns, `/cap/ws/conns/${id}/in`));
    assert.equal(echoed, "ping from the agent");
    assert.equal(JSON.parse(readText(ns, `/cap/ws/conns/${id}/status`)).state, "open");
    submitJson(ns, "/cap/ws/control", { id });
  });
});

Deno.test("an agent runs a NIP-90 job with file operations only", async () => {
  await withWorld(async (ns, { relay }) => {
    submitJson(ns, "/cap/nostr/relays", { url: relay });
    const { id } = submitJson(ns, "/cap/nostr/request", {
      kind: 5050,
      input: "hello DVM",
      params: { model: "tiny" },
    }) as { id: string };
    const result = await readJsonWhenReady(ns, `/cap/nostr/results/${id}.json`) as {
      kind: number;
      content: string;
    };
    assert.equal(result.kind, 6050);
    assert.equal(result.content, "echo: hello DVM");
    const inbox = ns.readdir("/cap/nostr/inbox").map((e) => e.name);
    const kinds = inbox.map((name) => JSON.parse(readText(ns, `/cap/nostr/inbox/${name}`)).kind);
    assert.ok(kinds.includes(6050));
    assert.equal(readText(ns, "/cap/nostr/identity/pubkey").length, 64);
  });
});
