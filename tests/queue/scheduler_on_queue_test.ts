/**
 * The Scheduler on a shared queue: its submissions go to the queue, and
 * run() takes jobs from it, its own and other Schedulers', until nothing is
 * waiting, delayed or running anywhere. On the in-memory queue and on
 * BullMQ with a real Redis (two Schedulers, as on two machines).
 */
import assert from "@std/assert";
import { EnvBuilder, JobKind, JobSpec, Scheduler } from "../../mod.ts";
import { MemoryQueue } from "../../src/env/queue/memory_queue.ts";
import type { QueueBackend } from "../../src/env/queue/queue_backend.ts";
import { openQueue } from "../../src/env/queue/queue_url.ts";
import { redisTest, startRedis } from "./redis_server.ts";

function scheduler(queue: QueueBackend, ran: string[], max = 1) {
  const s = new Scheduler({ maxConcurrent: max, queue });
  s.registerEnv(new EnvBuilder().withId("env-shared").build());
  s.handle("note", (job) => {
    const data = job.spec.kind.type === "custom" ? job.spec.kind.data as { n: number } : { n: -1 };
    ran.push(`${data.n}`);
    return data.n;
  });
  return s;
}

Deno.test("on an in-memory queue: priorities, results, and what is refused", async () => {
  const queue = new MemoryQueue();
  const ran: string[] = [];
  const s = scheduler(queue, ran);
  const ids = [1, 2, 3].map((n) =>
    s.submit(new JobSpec("env-shared", JobKind.custom("note", { n })).withPriority(n))
  );
  const lost = s.submit(new JobSpec("env-elsewhere", JobKind.custom("note", { n: 9 })));
  assert.throws(() => s.next(), Error, "run() takes the jobs");
  assert.throws(
    () => s.submit(new JobSpec("env-shared", JobKind.wasi(new Uint8Array([0, 97, 115, 109])))),
    TypeError,
    "as a path or URL",
  );
  await queue.enqueue({ envId: "env-shared", kind: { type: "teleport" } }, { id: "odd-1" });
  const status = await s.run();
  assert.deepEqual(ran, ["3", "2", "1"], "higher priority first");
  assert.deepEqual(ids.map((id) => s.result(id)?.exitCode), [1, 2, 3]);
  assert.equal(s.result(lost)?.state, "failed");
  assert.match(s.result(lost)?.error ?? "", /no environment "env-elsewhere"/);
  assert.match((await queue.job("odd-1"))?.reason ?? "", /^malformed job: kind\.type/);
  assert.equal(status.completedCount, 3);
  assert.equal(status.queuedCount, 0);
  await queue.close();
});

redisTest(
  "two Schedulers on one Redis queue share the work; each knows its jobs' ends",
  async () => {
    const redis = await startRedis();
    try {
      const qa = await openQueue(redis.url("jobs"));
      const qb = await openQueue(redis.url("jobs"));
      const ranA: string[] = [];
      const ranB: string[] = [];
      const a = scheduler(qa, ranA, 2);
      const b = scheduler(qb, ranB, 2);
      a.handle("note", async (job) => {
        await new Promise((r) => setTimeout(r, 100));
        ranA.push(job.id);
        return 0;
      });
      b.handle("note", async (job) => {
        await new Promise((r) => setTimeout(r, 100));
        ranB.push(job.id);
        return 7;
      });
      const ids = Array.from(
        { length: 8 },
        (_, n) => a.submit(new JobSpec("env-shared", JobKind.custom("note", { n }))),
      );
      await Promise.all([a.run(), b.run()]);
      assert.equal(ranA.length + ranB.length, 8, "each job ran once");
      assert.ok(
        ranB.length > 0 && ranA.length > 0,
        `shared: ${ranA.length} here, ${ranB.length} there`,
      );
      for (const id of ids) {
        const r = a.result(id);
        assert.equal(r?.state, "completed", id);
        assert.equal(r?.exitCode, ranB.includes(id) ? 7 : 0, id);
      }
      assert.equal(a.status().queuedCount, 0);
      await qa.close();
      await qb.close();
    } finally {
      await redis.stop();
    }
  },
);
