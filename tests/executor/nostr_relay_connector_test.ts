/** NostrRelayConnector against real relays (@nostr-relay/core) on 127.0.0.1. */
import assert from "@std/assert";
import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import { AllowList, NostrFs } from "../../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager, RetryPolicy } from "../../src/executor/mod.ts";
import { startDvm } from "../helpers/dvm.ts";
import { startRelay, type TestRelay } from "../helpers/nostr_relay.ts";
import { until, within } from "../helpers/wait.ts";

const CONFIG = ExecutorConfig.builder()
  .wsConnectTimeout(2000)
  .nostrReconnect(RetryPolicy.exponential(10, 10, 50))
  .build();

async function withRelays(
  count: number,
  fn: (nostr: NostrFs, relays: TestRelay[]) => Promise<void>,
  relayOptions: Parameters<typeof startRelay>[0] = {},
): Promise<void> {
  const relays = Array.from({ length: count }, () => startRelay(relayOptions));
  const nostr = NostrFs.generate({ allowList: AllowList.of(["127.0.0.1"]) });
  const manager = new ExecutorManager(CONFIG).attachNostr(nostr);
  manager.start();
  try {
    await fn(nostr, relays);
  } finally {
    await manager.shutdown();
    for (const r of relays) await r.close();
  }
}

function eventually(nostr: NostrFs, ready: () => boolean, what: string): Promise<void> {
  return until(ready, (s) => nostr.nextChange(s), what);
}

function connected(nostr: NostrFs, url: string): Promise<void> {
  return eventually(
    nostr,
    () => nostr.relays().find((r) => r.url === url)?.state === "connected",
    `${url} connected`,
  );
}

/** Publishes an event signed by someone else straight to a relay. */
async function publishDirect(relay: TestRelay, content: string, kind = 1) {
  const ev = finalizeEvent(
    { kind, content, tags: [], created_at: Math.floor(Date.now() / 1000) },
    generateSecretKey(),
  );
  const ws = new WebSocket(relay.url);
  const closed = new Promise((r) => ws.onclose = r);
  await new Promise((r) => ws.onopen = r);
  const ok = new Promise((r) => ws.onmessage = r);
  ws.send(JSON.stringify(["EVENT", ev]));
  await ok;
  ws.close();
  await closed;
  return ev;
}

Deno.test("an outbox event is published and the relay's OK is recorded", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    const url = nostr.addRelay(relay.url);
    const ev = nostr.submitEvent({ kind: 1, content: "hello relay" });
    const results = await within(3000, "OK", (s) => nostr.published(ev.id, s));
    assert.deepEqual(results, { [url]: { state: "ok", message: "" } });
    assert.deepEqual(relay.stored().map((e) => e.id), [ev.id]);
    assert.deepEqual(nostr.outboxEvents(), [], "nothing left to publish");
    const sent = relay.received.filter((m) => m[0] === "EVENT");
    assert.equal(sent.length, 1, "one EVENT frame");
  });
});

Deno.test("a refused event is recorded as failed with the relay's message", async () => {
  const refuse = (e: { content: string }) => e.content === "spam" ? "blocked: no spam" : undefined;
  await withRelays(1, async (nostr, [relay]) => {
    const url = nostr.addRelay(relay.url);
    const ev = nostr.submitEvent({ kind: 1, content: "spam" });
    const results = await within(3000, "OK", (s) => nostr.published(ev.id, s));
    assert.deepEqual(results[url], { state: "failed", message: "blocked: no spam" });
    assert.deepEqual(relay.stored(), []);
  }, { refuse });
});

Deno.test("a subscription gets stored events, then EOSE, then live events", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    const stored = await publishDirect(relay, "before", 30);
    const url = nostr.addRelay(relay.url);
    const sub = nostr.subscribe({ kinds: [30] });
    await eventually(nostr, () => nostr.relays()[0]?.eose.includes(sub), "EOSE");
    assert.deepEqual(nostr.inboxEvents().map((e) => e.id), [stored.id]);
    const live = await publishDirect(relay, "after", 30);
    await eventually(nostr, () => nostr.inboxEvent(live.id) !== undefined, "the live event");
    assert.equal(nostr.relays()[0].url, url);
  });
});

Deno.test("removing a subscription sends CLOSE", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    nostr.addRelay(relay.url);
    const sub = nostr.subscribe({ kinds: [1] }, "mine");
    await eventually(nostr, () => nostr.relays()[0].eose.includes(sub), "EOSE");
    nostr.unsubscribe(sub);
    await relay.receivedMatching((m) => m[0] === "CLOSE" && m[1] === "mine");
  });
});

Deno.test("with two relays, events publish to both and the same event lands once", async () => {
  await withRelays(2, async (nostr, [a, b]) => {
    const [ua, ub] = [nostr.addRelay(a.url), nostr.addRelay(b.url)];
    const mine = nostr.submitEvent({ kind: 1, content: "to both" });
    const results = await within(3000, "OKs", (s) => nostr.published(mine.id, s));
    assert.deepEqual(Object.keys(results).sort(), [ua, ub].sort());
    assert.ok(Object.values(results).every((r) => r.state === "ok"));
    const sub = nostr.subscribe({ kinds: [1] });
    await eventually(
      nostr,
      () => nostr.relays().every((r) => r.eose.includes(sub)),
      "EOSE from both",
    );
    assert.equal(nostr.inboxEvents().filter((e) => e.id === mine.id).length, 1, "de-duplicated");
    assert.equal(a.accepted(), 1);
    assert.equal(b.accepted(), 1);
  });
});

Deno.test("one connection per relay, even when added again while connecting", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    nostr.addRelay(relay.url);
    nostr.addRelay(relay.url);
    nostr.addRelay(relay.url.replace(/\/$/, ""));
    await connected(nostr, relay.url);
    assert.equal(relay.accepted(), 1);
    assert.equal(nostr.relays().length, 1);
  });
});

Deno.test("a dropped relay is reconnected and subscriptions are sent again", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    nostr.addRelay(relay.url);
    const sub = nostr.subscribe({ kinds: [31] }, "watch");
    await eventually(nostr, () => nostr.relays()[0].eose.includes(sub), "EOSE");
    await relay.dropAll();
    await eventually(nostr, () => nostr.relays()[0].state !== "connected", "the drop");
    await eventually(nostr, () => nostr.relays()[0].eose.includes(sub), "EOSE after reconnect");
    assert.equal(relay.accepted(), 2);
    assert.equal(relay.received.filter((m) => m[0] === "REQ" && m[1] === "watch").length, 2);
    const live = await publishDirect(relay, "after reconnect", 31);
    await eventually(nostr, () => nostr.inboxEvent(live.id) !== undefined, "a live event");
  });
});

Deno.test("an event submitted while disconnected is published on connect", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    const ev = nostr.submitEvent({ kind: 1, content: "queued first" });
    nostr.addRelay(relay.url);
    const results = await within(3000, "OK", (s) => nostr.published(ev.id, s));
    assert.equal(Object.values(results)[0].state, "ok");
  });
});

Deno.test("a NIP-90 job: request 5050, feedback 7000 and result 6050 arrive in the inbox", async () => {
  await withRelays(1, async (nostr, [relay]) => {
    const dvm = await startDvm(relay.url, (input) => (input.includes("France") ? "Paris" : "?"));
    try {
      nostr.addRelay(relay.url);
      const job = nostr.createJobRequest(5050, "What is the capital of France?", {
        model: "atlas",
      });
      const result = await within(5000, "the job result", (s) => nostr.jobResult(job.id, s));
      assert.equal(result.kind, 6050);
      assert.equal(result.content, "Paris");
      assert.equal(result.pubkey, dvm.pubkey);
      assert.ok(result.tags.some((t) => t[0] === "e" && t[1] === job.id));
      await eventually(nostr, () => nostr.jobFeedback(job.id).length === 1, "feedback");
      assert.equal(nostr.jobFeedback(job.id)[0].kind, 7000);
      assert.equal(dvm.answered(), 1);
    } finally {
      await dvm.close();
    }
  });
});
