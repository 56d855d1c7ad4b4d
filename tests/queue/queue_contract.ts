/**
 * The queue contract, as one suite every backend passes: the in-memory
 * queue (memory_queue_test.ts) and BullMQ on a real Redis
 * (bullmq_queue_test.ts). Each step opens its own queue.
 */
import assert from "@std/assert";
import {
  LeaseLostError,
  type QueueBackend,
  type QueueEvent,
} from "../../src/env/queue/queue_backend.ts";
import type { QueueTiming } from "../../src/env/queue/queue_options.ts";
import { STALLED_TOO_OFTEN } from "../../src/env/queue/memory_queue.ts";

/** Opens a fresh, empty queue with the given timing. */
export type OpenQueue = (timing?: Partial<QueueTiming>) => Promise<QueueBackend>;

/** Waits (polling every 20 ms, no busy loop) until `check()` holds. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function withQueue(
  open: OpenQueue,
  timing: Partial<QueueTiming>,
  fn: (q: QueueBackend, events: QueueEvent[]) => Promise<void>,
): Promise<void> {
  const queue = await open(timing);
  const events: QueueEvent[] = [];
  const stop = await queue.subscribe((e) => events.push(e));
  try {
    await fn(queue, events);
  } finally {
    stop();
    await queue.close();
  }
}

const ofJob = (events: QueueEvent[], id: string) =>
  events.filter((e) => e.id === id).map((e) => e.type);

/** Runs every contract step against the queues `open` makes. */
export async function queueContract(t: Deno.TestContext, open: OpenQueue): Promise<void> {
  await t.step("higher priority first, first in first out among equals", async () => {
    await withQueue(open, {}, async (q) => {
      for (const [name, priority] of [["a", 0], ["b", 5], ["c", 0], ["d", 5], ["e", -3]] as const) {
        await q.enqueue({ name }, { priority });
      }
      const order: string[] = [];
      for (let lease = await q.lease(); lease; lease = await q.lease()) {
        order.push((lease.data as { name: string }).name);
        await lease.complete(null);
      }
      assert.deepEqual(order, ["b", "d", "a", "c", "e"]);
    });
  });

  await t.step("a delayed job is not leased before its time, then is", async () => {
    await withQueue(open, {}, async (q) => {
      const started = Date.now();
      await q.enqueue("later", { delayMs: 400 });
      await q.enqueue("now");
      assert.equal((await q.lease())?.data, "now");
      assert.equal(await q.lease(), undefined);
      assert.equal((await q.counts()).delayed, 1);
      const lease = await q.lease({ waitMs: 5000 });
      assert.equal(lease?.data, "later");
      assert.ok(Date.now() - started >= 350, `leased after ${Date.now() - started} ms`);
    });
  });

  await t.step("a completed job keeps its result; its events come in order", async () => {
    await withQueue(open, {}, async (q, events) => {
      const id = await q.enqueue({ n: 41 }, { id: "answer-1" });
      assert.equal(id, "answer-1");
      const lease = (await q.lease())!;
      assert.deepEqual([lease.id, lease.attempt, lease.attempts], ["answer-1", 1, 1]);
      await lease.complete({ n: 42 });
      const job = await q.job(id);
      assert.equal(job?.state, "completed");
      assert.deepEqual(job?.result, { n: 42 });
      assert.deepEqual(job?.data, { n: 41 });
      await eventually(() => ofJob(events, id).includes("completed"), "the completed event");
      assert.deepEqual(ofJob(events, id), ["enqueued", "active", "completed"]);
      assert.deepEqual(events.find((e) => e.type === "completed")!, {
        type: "completed",
        id,
        result: { n: 42 },
      });
    });
  });

  await t.step("a failure is retried after its backoff until attempts run out", async () => {
    await withQueue(open, {}, async (q, events) => {
      const id = await q.enqueue("flaky", {
        attempts: 3,
        backoff: { type: "fixed", delayMs: 300 },
      });
      const first = (await q.lease())!;
      assert.equal(await first.fail("boom 1"), "retrying");
      assert.equal((await q.job(id))?.state, "delayed");
      assert.equal(await q.lease(), undefined, "not before the backoff");
      const t0 = Date.now();
      const second = (await q.lease({ waitMs: 5000 }))!;
      assert.ok(Date.now() - t0 >= 200, `retried after ${Date.now() - t0} ms`);
      assert.equal(second.attempt, 2);
      assert.equal(await second.fail("boom 2"), "retrying");
      const third = (await q.lease({ waitMs: 5000 }))!;
      assert.equal(third.attempt, 3);
      assert.equal(await third.fail("boom 3"), "failed");
      const job = await q.job(id);
      assert.deepEqual([job?.state, job?.attemptsMade, job?.reason], ["failed", 3, "boom 3"]);
      await eventually(() => ofJob(events, id).includes("failed"), "the failed event");
      assert.equal(ofJob(events, id).filter((e) => e === "failed").length, 1, "failed once");
      assert.deepEqual(events.find((e) => e.type === "failed"), {
        type: "failed",
        id,
        reason: "boom 3",
      });
    });
  });

  await t.step("a failure marked not retryable fails at once", async () => {
    await withQueue(open, {}, async (q) => {
      const id = await q.enqueue("bad", { attempts: 5 });
      assert.equal(await (await q.lease())!.fail("malformed", { retry: false }), "failed");
      assert.deepEqual((await q.job(id))?.state, "failed");
      assert.equal(await q.lease(), undefined);
    });
  });

  await t.step("a released job waits again with no attempt counted", async () => {
    await withQueue(open, {}, async (q) => {
      const id = await q.enqueue("polite", { attempts: 2 });
      await (await q.lease())!.release();
      assert.equal((await q.job(id))?.state, "waiting");
      const again = (await q.lease())!;
      assert.equal(again.attempt, 1);
      await again.complete("ok");
    });
  });

  await t.step(
    "heartbeats keep a lease; a lapsed lease stalls and the job goes to another",
    async () => {
      await withQueue(open, { lockMs: 600, stalledCheckMs: 200 }, async (q, events) => {
        const kept = await q.enqueue("kept", { priority: 1 });
        const dropped = await q.enqueue("dropped");
        const keeper = (await q.lease())!;
        assert.equal(keeper.id, kept);
        const dead = (await q.lease())!;
        assert.equal(dead.id, dropped);
        const beats = setInterval(() => keeper.heartbeat().catch(() => {}), 150);
        try {
          const taken = await q.lease({ waitMs: 6000 });
          assert.equal(taken?.id, dropped, "the lapsed job is leased again");
          assert.equal(taken?.attempt, 1, "a stall counts no attempt");
          await eventually(() => ofJob(events, dropped).includes("stalled"), "the stalled event");
          await assert.rejects(() => dead.complete("late"), LeaseLostError);
          await assert.rejects(() => dead.heartbeat(), LeaseLostError);
          await taken!.complete("recovered");
          assert.deepEqual((await q.job(dropped))?.result, "recovered");
          assert.equal((await q.job(kept))?.state, "active", "the heartbeats held");
          await keeper.complete("kept");
        } finally {
          clearInterval(beats);
        }
      });
    },
  );

  await t.step("a job that stalls more often than allowed fails", async () => {
    await withQueue(open, { lockMs: 300, stalledCheckMs: 150, maxStalls: 0 }, async (q) => {
      const id = await q.enqueue("doomed");
      assert.ok(await q.lease());
      // BullMQ fails it when a consumer next asks for work; the in-memory queue at once.
      await eventually(
        async () => {
          const again = await q.lease({ waitMs: 100 });
          if (again !== undefined) throw new Error(`the doomed job was leased again`);
          return (await q.job(id))?.state === "failed";
        },
        "the failure",
        6000,
      );
      assert.equal((await q.job(id))?.reason, STALLED_TOO_OFTEN);
    });
  });

  await t.step("cancel removes a job that has not started, and nothing else", async () => {
    await withQueue(open, {}, async (q, events) => {
      const waiting = await q.enqueue("w");
      const delayed = await q.enqueue("d", { delayMs: 60_000 });
      const active = await q.enqueue("a", { priority: 9 });
      const lease = (await q.lease())!;
      assert.equal(lease.id, active);
      assert.equal(await q.cancel(waiting), true);
      assert.equal(await q.cancel(delayed), true);
      assert.equal(await q.cancel(active), false, "a running job runs to its end");
      assert.equal(await q.cancel("no-such-job"), false);
      assert.equal(await q.job(waiting), undefined);
      await lease.complete(1);
      assert.equal(await q.cancel(active), false, "a finished job stays");
      assert.equal(await q.lease(), undefined);
      await eventually(() => ofJob(events, delayed).includes("cancelled"), "the cancelled event");
      assert.deepEqual(await q.counts(), {
        waiting: 0,
        delayed: 0,
        active: 0,
        completed: 1,
        failed: 0,
      });
    });
  });

  await t.step("enqueuing a known id again changes nothing", async () => {
    await withQueue(open, {}, async (q) => {
      assert.equal(await q.enqueue("first", { id: "trial-7" }), "trial-7");
      assert.equal(await q.enqueue("second", { id: "trial-7" }), "trial-7");
      assert.equal((await q.counts()).waiting, 1);
      const lease = (await q.lease())!;
      assert.equal(lease.data, "first");
      await lease.complete("done");
      assert.equal(await q.enqueue("third", { id: "trial-7" }), "trial-7");
      assert.equal(await q.lease(), undefined, "a finished job is not enqueued again");
    });
  });

  await t.step(
    "a waiting lease gets a job enqueued later; concurrent leases never share",
    async () => {
      await withQueue(open, {}, async (q) => {
        const leases = [1, 2, 3].map(() => q.lease({ waitMs: 6000 }));
        await new Promise((r) => setTimeout(r, 100));
        for (const n of [1, 2, 3]) await q.enqueue(n);
        const got = await Promise.all(leases);
        assert.deepEqual(got.map((l) => l?.data).sort(), [1, 2, 3]);
        for (const l of got) await l!.complete(null);
        const ac = new AbortController();
        const stopped = q.lease({ waitMs: 60_000, signal: ac.signal });
        ac.abort();
        assert.equal(await stopped, undefined);
      });
    },
  );

  await t.step("bad input is refused with a clear error, losing nothing", async () => {
    await withQueue(open, {}, async (q) => {
      await assert.rejects(() => q.enqueue({ when: new Date() } as never), TypeError, "JSON");
      await assert.rejects(() => q.enqueue(1, { priority: 2e6 }), TypeError, "priority");
      await assert.rejects(() => q.enqueue(1, { id: "../x" }), TypeError, "id");
      await assert.rejects(() => q.enqueue(1, { id: "42" }), TypeError, "not only digits");
      await assert.rejects(() => q.enqueue(1, { attempts: 0 }), TypeError, "attempts");
      await assert.rejects(
        () => q.enqueue(1, { backoff: { type: "linear" as "fixed", delayMs: 1 } }),
        TypeError,
        "backoff.type",
      );
      await assert.rejects(() => q.lease({ waitMs: -1 }), TypeError, "waitMs");
      assert.deepEqual(await q.counts(), {
        waiting: 0,
        delayed: 0,
        active: 0,
        completed: 0,
        failed: 0,
      });
      const id = await q.enqueue("kept");
      const lease = (await q.lease())!;
      await assert.rejects(() => lease.complete(new Map() as never), TypeError, "JSON");
      await assert.rejects(() => lease.fail(7 as never), TypeError, "reason");
      assert.equal((await q.job(id))?.state, "active", "the lease still holds");
      await lease.complete("fine");
    });
  });
}
