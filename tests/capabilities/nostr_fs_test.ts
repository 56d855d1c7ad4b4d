/** NostrFs as a state machine with a file protocol (no relay, no I/O). */
import assert from "@std/assert";
import { finalizeEvent, generateSecretKey, verifyEvent } from "nostr-tools/pure";
import { decode } from "nostr-tools/nip19";
import { readText } from "../../src/fs/mod.ts";
import {
  AllowList,
  type NostrEvent,
  NostrFs,
  readJsonWhenReady,
  submitJson,
} from "../../src/capabilities/mod.ts";
import { readTextFromHandle } from "../../src/fs/file_io.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

const KEY = new Uint8Array(32).fill(7);

Deno.test("the identity files show the public key in hex and bech32", () => {
  const nostr = new NostrFs(KEY);
  const hex = readText(nostr, "/identity/pubkey");
  assert.equal(hex, nostr.pubkey());
  assert.match(hex, /^[0-9a-f]{64}$/);
  const npub = readText(nostr, "/identity/npub");
  assert.equal(npub, nostr.npub());
  assert.deepEqual(decode(npub), { type: "npub", data: hex });
  assert.notEqual(NostrFs.generate().pubkey(), NostrFs.generate().pubkey());
});

Deno.test("/submit signs a template into the outbox and returns the event id", () => {
  const nostr = new NostrFs(KEY);
  const { id } = submitJson(nostr, "/submit", {
    kind: 1,
    content: "hello",
    tags: [["t", "oanix"]],
  }) as {
    id: string;
  };
  const ev = JSON.parse(readText(nostr, `/outbox/${id}.json`)) as NostrEvent;
  assert.equal(ev.id, id);
  assert.equal(ev.pubkey, nostr.pubkey());
  assert.equal(ev.content, "hello");
  assert.deepEqual(ev.tags, [["t", "oanix"]]);
  assert.ok(verifyEvent(ev), "a valid signature");
  assert.deepEqual(nostr.outboxEvents().map((e) => e.id), [id]);
});

Deno.test("/request builds a NIP-90 job request with i, param, bid, relays and output tags", () => {
  const nostr = new NostrFs(KEY);
  const { id } = submitJson(nostr, "/request", {
    kind: 5050,
    input: "What is the capital of France?",
    params: { model: "tiny", temperature: "0" },
    bid: 1000,
    relays: ["wss://relay.example.com"],
    output: "text/plain",
  }) as { id: string };
  const ev = nostr.outboxEvent(id)!;
  assert.equal(ev.kind, 5050);
  assert.deepEqual(ev.tags, [
    ["i", "What is the capital of France?", "text"],
    ["param", "model", "tiny"],
    ["param", "temperature", "0"],
    ["bid", "1000"],
    ["relays", "wss://relay.example.com"],
    ["output", "text/plain"],
  ]);
  const subs = nostr.subscriptions();
  assert.deepEqual(
    subs["oanix-jobs"],
    [{ kinds: [6050, 7000], "#e": [id] }],
    "results are subscribed",
  );
});

Deno.test("the host API creates the same job request", () => {
  const nostr = new NostrFs(KEY);
  const ev = nostr.createJobRequest(
    5001,
    [{ data: "https://x.test/a.mp3", type: "url" }],
    new Map([["lang", "en"]]),
  );
  assert.deepEqual(ev.tags, [["i", "https://x.test/a.mp3", "url"], ["param", "lang", "en"]]);
  assert.throws(() => nostr.createJobRequest(4000, "x"), /"kind" must be between 5000 and 5999/);
});

Deno.test("malformed submissions are EINVAL with a reason and change nothing", () => {
  const nostr = new NostrFs(KEY);
  throwsFs(
    () => submitJson(nostr, "/submit", { content: "no kind" }),
    "EINVAL",
    /missing field "kind"/,
  );
  throwsFs(
    () => submitJson(nostr, "/submit", { kind: "1" }),
    "EINVAL",
    /"kind" must be an integer/,
  );
  throwsFs(() => submitJson(nostr, "/submit", { kind: 1, tags: [[1]] }), "EINVAL", /tags\[0\]/);
  throwsFs(
    () => submitJson(nostr, "/submit", { kind: 1, sig: "x" }),
    "EINVAL",
    /unknown field "sig"/,
  );
  throwsFs(() => submitJson(nostr, "/request", { kind: 5050 }), "EINVAL", /"input"/);
  throwsFs(
    () => submitJson(nostr, "/request", { kind: 5050, input: "x", bid: -1 }),
    "EINVAL",
    /bid/,
  );
  assert.equal(nostr.outboxIds().length, 0);
});

Deno.test("relays and subscriptions can be set from files", () => {
  const nostr = new NostrFs(KEY, { allowList: AllowList.of(["relay.example.com"]) });
  const relays = submitJson(nostr, "/relays", { url: "wss://relay.example.com" });
  assert.deepEqual(relays, [{ url: "wss://relay.example.com/", state: "idle" }]);
  throwsFs(() => submitJson(nostr, "/relays", { url: "wss://evil.test" }), "EACCES", /allow-list/);
  throwsFs(() => submitJson(nostr, "/relays", { url: "https://relay.example.com" }), "EINVAL");
  assert.deepEqual(JSON.parse(readText(nostr, "/relays")), relays);

  const { id } = submitJson(nostr, "/subscriptions", {
    filters: [{ kinds: [1], "#t": ["oanix"] }],
  }) as {
    id: string;
  };
  assert.deepEqual(JSON.parse(readText(nostr, "/subscriptions")), {
    [id]: [{ kinds: [1], "#t": ["oanix"] }],
  });
  throwsFs(
    () => submitJson(nostr, "/subscriptions", { filters: [{ kinds: "1" }] }),
    "EINVAL",
    /kinds/,
  );
  throwsFs(() => submitJson(nostr, "/subscriptions", { filters: [{ "#long": ["x"] }] }), "EINVAL");
  assert.deepEqual(submitJson(nostr, "/subscriptions", { id }), { id, closed: true });
  assert.deepEqual(nostr.subscriptions(), {});
  submitJson(nostr, "/relays", { url: "wss://relay.example.com", remove: true });
  assert.deepEqual(nostr.relays(), []);
});

Deno.test("incoming events are verified; a bad signature is dropped and logged", () => {
  const logs: string[] = [];
  const nostr = new NostrFs(KEY, { onLog: (level, message) => logs.push(`${level}: ${message}`) });
  const good = finalizeEvent(
    { kind: 1, content: "hi", tags: [], created_at: 1700000000 },
    generateSecretKey(),
  );
  assert.equal(nostr.receiveEvent(good, "wss://r.test/"), "added");
  assert.equal(nostr.receiveEvent(good, "wss://other.test/"), "duplicate");
  assert.equal(
    nostr.receiveEvent({ ...good, content: "tampered" }),
    "duplicate",
    "a known id is dropped",
  );
  const other = finalizeEvent(
    { kind: 1, content: "b", tags: [], created_at: 1700000001 },
    generateSecretKey(),
  );
  assert.equal(nostr.receiveEvent({ ...other, content: "tampered" }, "wss://r.test/"), "invalid");
  assert.equal(nostr.receiveEvent({ kind: 1 }), "invalid");
  assert.deepEqual(logs, [
    "warn: dropped an event with an invalid signature",
    "warn: dropped a malformed event",
  ]);
  assert.deepEqual(nostr.readdir("/inbox").map((e) => e.name), [`${good.id}.json`]);
  assert.equal(JSON.parse(readText(nostr, `/inbox/${good.id}.json`)).content, "hi");
});

Deno.test("a verified-looking object cannot smuggle a cached verification", () => {
  const nostr = new NostrFs(KEY);
  const ev = finalizeEvent(
    { kind: 1, content: "x", tags: [], created_at: 1700000000 },
    generateSecretKey(),
  );
  const mutated = Object.assign(ev, { content: "changed after signing" });
  assert.equal(nostr.receiveEvent(mutated), "invalid", "re-parsed from JSON and checked again");
});

Deno.test("a job result file reads EAGAIN until the result arrives, then the result", async () => {
  const nostr = new NostrFs(KEY);
  const { id } = submitJson(nostr, "/request", { kind: 5050, input: "2+2?" }) as { id: string };
  const h = nostr.open(`/results/${id}.json`);
  throwsFs(() => h.read(new Uint8Array(8)), "EAGAIN");
  const ready = h.whenReadable!();
  const dvm = generateSecretKey();
  const feedback = finalizeEvent({
    kind: 7000,
    content: "",
    tags: [["status", "processing"], ["e", id]],
    created_at: 1700000000,
  }, dvm);
  const result = finalizeEvent({
    kind: 6050,
    content: "4",
    tags: [["e", id]],
    created_at: 1700000001,
  }, dvm);
  nostr.receiveEvent(feedback);
  nostr.receiveEvent(result);
  await ready;
  assert.equal(JSON.parse(readTextFromHandle(h)).content, "4");
  h.close();
  assert.deepEqual(nostr.jobFeedback(id).map((e) => e.id), [feedback.id]);
  assert.equal((await readJsonWhenReady(nostr, `/results/${id}.json`) as NostrEvent).id, result.id);
});

Deno.test("every name readdir lists opens, stats and reads as it is", () => {
  const nostr = new NostrFs(KEY);
  nostr.addRelay("wss://relay.example.com");
  nostr.submitEvent({ kind: 1, content: "x" });
  nostr.createJobRequest(5050, "y");
  nostr.receiveEvent(
    finalizeEvent({ kind: 1, content: "z", tags: [], created_at: 1 }, generateSecretKey()),
  );
  const walk = (dir: string): string[] =>
    nostr.readdir(dir).flatMap((e) => {
      const p = dir === "/" ? `/${e.name}` : `${dir}/${e.name}`;
      return e.kind === "dir" ? [p, ...walk(p)] : [p];
    });
  const paths = walk("/");
  assert.ok(paths.includes("/identity/npub") && paths.includes("/status"));
  for (const p of paths) {
    const st = nostr.stat(p);
    if (st.kind === "file" && !["/submit", "/request"].includes(p)) {
      assert.equal(readText(nostr, p).length > 0, true, p);
    }
  }
  throwsFs(() => nostr.stat("/outbox/nope.json"), "ENOENT");
  throwsFs(() => nostr.remove("/identity/pubkey"), "EPERM");
});

Deno.test("a bad secret key is refused with a clear error", () => {
  assert.throws(() => new NostrFs(new Uint8Array(31)), /32-byte/);
  assert.throws(() => new NostrFs(new Uint8Array(32)), /not a valid key/);
});
