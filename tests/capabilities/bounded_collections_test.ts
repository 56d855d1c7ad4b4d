/** The bounded collections that keep inboxes from growing without end. */
import assert from "@std/assert";
import {
  BoundedQueue,
  checkQueueBounds,
  EventStore,
  isReportableCount,
  type NostrEvent,
  RecentSet,
} from "../../src/capabilities/mod.ts";

Deno.test("a BoundedQueue drops its oldest items past either bound, and counts them", () => {
  const q = new BoundedQueue<string>({ maxItems: 3, maxBytes: 10 }, (s) => s.length);
  for (const s of ["aa", "bb", "cc"]) assert.equal(q.push(s), 0);
  assert.equal(q.push("dd"), 1, "the item bound");
  assert.equal(q.peek(), "bb");
  assert.equal(q.push("eeeeeee"), 2, "the byte bound");
  assert.deepEqual([q.length, q.bytes, q.dropped], [2, 9, 3]);
  assert.equal(q.push("x".repeat(11)), 1, "an item over maxBytes is dropped itself");
  assert.deepEqual([q.shift(), q.shift(), q.shift()], ["dd", "eeeeeee", undefined]);
  assert.equal(q.dropped, 4);
  assert.throws(() => checkQueueBounds("WsFs", { maxItems: 0, maxBytes: 1 }), /maxItems/);
});

Deno.test("a BoundedQueue stays fast under a flood (a million pushes)", () => {
  const q = new BoundedQueue<number>({ maxItems: 1024, maxBytes: Infinity }, () => 1);
  for (let i = 0; i < 1_000_000; i++) q.push(i);
  assert.equal(q.length, 1024);
  assert.equal(q.dropped, 1_000_000 - 1024);
  assert.equal(q.shift(), 1_000_000 - 1024);
});

Deno.test("a RecentSet forgets its oldest keys, in order, and stays fast under a flood", () => {
  const seen = new RecentSet<string>(3);
  for (const k of ["a", "b", "c"]) assert.equal(seen.add(k), undefined);
  assert.equal(seen.add("b"), undefined, "a known key changes nothing");
  assert.equal(seen.add("d"), "a");
  assert.equal(seen.add("e"), "b");
  assert.deepEqual(["a", "b", "c", "d", "e"].map((k) => seen.has(k)), [
    false,
    false,
    true,
    true,
    true,
  ]);
  const big = new RecentSet<number>(100_000);
  for (let i = 0; i < 1_000_000; i++) big.add(i);
  assert.equal(big.size, 100_000);
  assert.ok(big.has(999_999) && !big.has(899_999));
  assert.throws(() => new RecentSet(0), /capacity/);
});

Deno.test("an EventStore drops its oldest event past its capacity, skipping removed ones", () => {
  const ev = (id: string) => ({ id }) as NostrEvent;
  const store = new EventStore(2);
  store.add(ev("a"));
  store.add(ev("b"));
  assert.ok(store.delete("a"));
  store.add(ev("c"));
  assert.equal(store.add(ev("d")), "b");
  assert.deepEqual(store.ids(), ["c", "d"]);
  assert.equal(store.dropped, 1);
  for (let i = 0; i < 200_000; i++) store.add(ev(`x${i}`));
  assert.deepEqual(store.ids(), ["x199998", "x199999"]);
});

Deno.test("drops are reported at the 1st, 2nd, 4th, 8th... drop", () => {
  const reported = Array.from({ length: 70 }, (_, i) => i).filter(isReportableCount);
  assert.deepEqual(reported, [1, 2, 4, 8, 16, 32, 64]);
});
