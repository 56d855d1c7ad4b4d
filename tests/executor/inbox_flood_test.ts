/**
 * Floods against real servers on 127.0.0.1: the inboxes of WsFs and
 * NostrFs stay at their bound, the oldest messages are dropped, the drops
 * are counted and reported, and duplicates are still recognised.
 */
import assert from "@std/assert";
import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import { AllowList, NostrFs, type OnLog, WsFs } from "../../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager } from "../../src/executor/mod.ts";
import { startRelay, type TestRelay } from "../helpers/nostr_relay.ts";
import { startWsServer } from "../helpers/ws_server.ts";
import { until } from "../helpers/wait.ts";

const CONFIG = ExecutorConfig.builder().wsConnectTimeout(2000).build();

function logRecorder(): { onLog: OnLog; drops: () => number[] } {
  const seen: number[] = [];
  return {
    onLog: (_level, message, data) => {
      if (/dropped the oldest/.test(message)) seen.push(data!.dropped as number);
    },
    drops: () => seen,
  };
}

Deno.test("a flood of WebSocket messages leaves the inbox at its bound, the drops counted", async () => {
  const server = startWsServer();
  const log = logRecorder();
  const ws = new WsFs({
    allowList: AllowList.of(["127.0.0.1"]),
    maxInboxMessages: 100,
    onLog: log.onLog,
  });
  const manager = new ExecutorManager(CONFIG).attachWs(ws);
  manager.start();
  try {
    const id = ws.openConnection(`${server.origin}/echo`);
    assert.equal(await ws.whenSettled(id), "open");
    for (let i = 0; i < 1000; i++) ws.sendMessage(id, `message ${i}`);
    await until(() => ws.connection(id)!.received === 1000, (s) => ws.whenChanged(id, s), "echoes");
    const info = ws.connection(id)!;
    assert.equal(info.inbox, 100);
    assert.equal(info.dropped, 900);
    assert.deepEqual(log.drops(), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    const first = ws.readMessage(id)!;
    assert.equal(new TextDecoder().decode(first.data), "message 900", "the newest were kept");
  } finally {
    await manager.shutdown();
    await server.close();
  }
});

Deno.test("large WebSocket messages are bounded by bytes too", async () => {
  const server = startWsServer();
  const ws = new WsFs({ allowList: AllowList.of(["127.0.0.1"]), maxInboxBytes: 1 << 20 });
  const manager = new ExecutorManager(CONFIG).attachWs(ws);
  manager.start();
  try {
    const id = ws.openConnection(`${server.origin}/echo`);
    await ws.whenSettled(id);
    for (let i = 0; i < 20; i++) ws.sendMessage(id, new Uint8Array(300 * 1024).fill(i));
    await until(() => ws.connection(id)!.received === 20, (s) => ws.whenChanged(id, s), "echoes");
    assert.deepEqual([ws.connection(id)!.inbox, ws.connection(id)!.dropped], [3, 17]);
    assert.equal(ws.readMessage(id)!.data[0], 17);
  } finally {
    await manager.shutdown();
    await server.close();
  }
});

/** Stores `events` in a relay over one connection, waiting for every OK. */
async function store(relay: TestRelay, events: unknown[]): Promise<void> {
  const ws = new WebSocket(relay.url);
  const closed = new Promise((r) => ws.onclose = r);
  await new Promise((r) => ws.onopen = r);
  let oks = 0;
  const all = new Promise<void>((resolve) => {
    ws.onmessage = (m) => {
      if (JSON.parse(m.data)[0] === "OK" && ++oks === events.length) resolve();
    };
  });
  for (const ev of events) ws.send(JSON.stringify(["EVENT", ev]));
  await all;
  ws.close();
  await closed;
}

Deno.test("a flood of Nostr events from two relays leaves the inbox at its bound, duplicates recognised", async () => {
  const relays = [startRelay(), startRelay()];
  const log = logRecorder();
  const nostr = NostrFs.generate({
    allowList: AllowList.of(["127.0.0.1"]),
    maxInboxEvents: 50,
    maxSeenIds: 1000,
    onLog: log.onLog,
  });
  const manager = new ExecutorManager(CONFIG).attachNostr(nostr);
  manager.start();
  try {
    const key = generateSecretKey();
    const now = Math.floor(Date.now() / 1000);
    const events = Array.from(
      { length: 300 },
      (_, i) =>
        finalizeEvent({ kind: 1, content: `flood ${i}`, tags: [], created_at: now - 300 + i }, key),
    );
    for (const r of relays) await store(r, events);
    for (const r of relays) nostr.addRelay(r.url);
    nostr.subscribe({ kinds: [1] }, "flood");
    await until(
      () => nostr.relays().every((r) => r.eose.includes("flood")),
      (s) => nostr.nextChange(s),
      "both relays sent everything",
    );
    assert.equal(nostr.inboxIds().length, 50);
    assert.equal(nostr.status().dropped, 250, "300 distinct events, the 300 duplicates ignored");
    assert.deepEqual(log.drops(), [1, 2, 4, 8, 16, 32, 64, 128]);
    assert.equal(nostr.receiveEvent(events[299]), "duplicate");
    assert.equal(nostr.receiveEvent(events[0]), "duplicate", "a dropped event is still known");
  } finally {
    await manager.shutdown();
    for (const r of relays) await r.close();
  }
});
