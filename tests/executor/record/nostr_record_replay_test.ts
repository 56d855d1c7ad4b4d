/**
 * Nostr record and replay against a real relay (and a NIP-90 DVM) on
 * 127.0.0.1: published events get the same ids and relay OKs, a
 * subscription the same events and EOSE, a job the same result, with the
 * relay shut down.
 */
import assert from "@std/assert";
import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import { AllowList, NostrFs } from "../../../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager, RetryPolicy } from "../../../src/executor/mod.ts";
import { startDvm } from "../../helpers/dvm.ts";
import { startRelay } from "../../helpers/nostr_relay.ts";
import { until, within } from "../../helpers/wait.ts";
import { entriesOf, LogRecords, recordingManager } from "../../helpers/transcripts.ts";

const CONFIG = ExecutorConfig.builder()
  .wsConnectTimeout(1000)
  .nostrReconnect(RetryPolicy.none())
  .build();
const KEY = new Uint8Array(32).fill(7);

function eventually(nostr: NostrFs, ready: () => boolean, what: string): Promise<void> {
  return until(ready, (s) => nostr.nextChange(s), what);
}

/** What the agent sees in a run: ids, publish results, inbox, the job's result. */
async function agent(nostr: NostrFs, relayUrl: string) {
  const url = nostr.addRelay(relayUrl);
  const note = nostr.submitEvent({ kind: 1, content: "hello from a recorded run" });
  const published = await within(3000, "OK", (s) => nostr.published(note.id, s));
  const sub = nostr.subscribe({ kinds: [30] }, "watch");
  await eventually(nostr, () => nostr.relays()[0].eose.includes(sub), "EOSE");
  const job = nostr.createJobRequest(5050, "What is the capital of France?", { model: "m" });
  const result = await within(5000, "the job result", (s) => nostr.jobResult(job.id, s));
  return {
    url,
    note: note.id,
    published,
    job: job.id,
    result: { id: result.id, content: result.content },
    inbox: nostr.inboxEvents().map((e) => e.id).sort(),
  };
}

Deno.test("a Nostr run (publish, subscription, NIP-90 job) replays with the relay gone", async () => {
  const relay = startRelay();
  // An event stored before the run, which the subscription finds.
  const stored = finalizeEvent(
    { kind: 30, content: "stored", tags: [], created_at: 1_700_000_000 },
    generateSecretKey(),
  );
  const feeder = new WebSocket(relay.url);
  await new Promise((r) => (feeder.onopen = r));
  const ok = new Promise((r) => (feeder.onmessage = r));
  feeder.send(JSON.stringify(["EVENT", stored]));
  await ok;
  const feederClosed = new Promise((r) => (feeder.onclose = r));
  feeder.close();
  await feederClosed;
  const dvm = await startDvm(relay.url, (input) => (input.includes("France") ? "Paris" : "?"));

  const { manager, sink, recorder } = recordingManager(CONFIG);
  const nostr = new NostrFs(KEY, {
    allowList: AllowList.of(["127.0.0.1"]),
    clock: manager.clock("nostr"),
  });
  manager.attachNostr(nostr).start();
  const recorded = await agent(nostr, relay.url);
  await manager.shutdown();
  await recorder.close();
  await dvm.close();
  await relay.close();
  assert.equal(recorded.result.content, "Paris");
  assert.ok(recorded.inbox.includes(stored.id));
  const text = sink.text();
  assert.ok(!text.includes(nostr.outboxEvent(recorded.note)!.sig), "our signatures are left out");
  const kinds = entriesOf(text).map((e) => e.kind);
  assert.equal(kinds[0], "identity");
  assert.equal(kinds.filter((k) => k === "clock").length, 2, "the note and the job read the clock");

  const transcript = sink.transcript();
  const replays: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { manager, sink, recorder } = recordingManager(CONFIG, { replay: transcript });
    const nostr = new NostrFs(KEY, {
      allowList: AllowList.of(["127.0.0.1"]),
      clock: manager.clock("nostr"),
    });
    manager.attachNostr(nostr).start();
    const replayed = await agent(nostr, relay.url);
    await manager.shutdown();
    await recorder.close();
    assert.deepEqual(replayed, recorded, "same ids, OKs, inbox and result, with the relay gone");
    replays.push(sink.text());
  }
  assert.equal(replays[0], replays[1], "two replays record the same transcript");
});

Deno.test("a replay with another Nostr key is reported, and its events do not match", async () => {
  const relay = startRelay();
  const { manager, sink, recorder } = recordingManager(CONFIG);
  const nostr = new NostrFs(KEY, {
    allowList: AllowList.of(["127.0.0.1"]),
    clock: manager.clock("nostr"),
  });
  manager.attachNostr(nostr).start();
  nostr.addRelay(relay.url);
  const note = nostr.submitEvent({ kind: 1, content: "mine" });
  await within(3000, "OK", (s) => nostr.published(note.id, s));
  await manager.shutdown();
  await recorder.close();
  await relay.close();

  const logs = new LogRecords();
  const replay = new ExecutorManager(CONFIG, { replay: sink.transcript(), onLog: logs.onLog });
  const other = new NostrFs(new Uint8Array(32).fill(9), {
    allowList: AllowList.of(["127.0.0.1"]),
    clock: replay.clock("nostr"),
  });
  replay.attachNostr(other).start();
  other.addRelay(relay.url);
  const mine = other.submitEvent({ kind: 1, content: "mine" });
  await eventually(other, () => other.relays()[0].state === "failed", "the relay to fail");
  await replay.shutdown();
  assert.notEqual(mine.id, note.id);
  assert.match(other.relays()[0].error!, /^closed \(1006 not in transcript\)$/);
  assert.deepEqual(logs.messages(), [
    "replay: the NostrFs key differs from the recording's",
    "replay: a sent nostr frame not in transcript",
  ]);
  assert.equal(logs.records[0].level, "error");
});

Deno.test("a relay with no recorded connection fails: not in transcript", async () => {
  const relay = startRelay();
  const { manager, sink, recorder } = recordingManager(CONFIG);
  manager.attachNostr(new NostrFs(KEY, { allowList: AllowList.of(["127.0.0.1"]) })).start();
  await manager.shutdown();
  await recorder.close();
  await relay.close();
  const logs = new LogRecords();
  const replay = new ExecutorManager(CONFIG, { replay: sink.transcript(), onLog: logs.onLog });
  const nostr = new NostrFs(KEY, { allowList: AllowList.of(["127.0.0.1"]) });
  replay.attachNostr(nostr).start();
  nostr.addRelay(relay.url);
  await eventually(nostr, () => nostr.relays()[0].state === "failed", "the relay to fail");
  await replay.shutdown();
  assert.equal(
    nostr.relays()[0].error,
    `not in transcript: the 1st nostr connection to ${relay.url}`,
  );
  assert.deepEqual(logs.messages(), ["replay: nostr connection not in transcript"]);
});
