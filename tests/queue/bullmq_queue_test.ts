/**
 * BullMQ on a real Redis keeps the queue contract (queue_contract.ts): each
 * step on a queue of its own in one redis-server started for the test.
 * Also: the URL names a queue plainly, and an unreachable Redis is a clear
 * error, not a hang.
 */
import assert from "@std/assert";
import { BullMqQueue } from "../../src/env/queue/bullmq_queue.ts";
import { openQueue, parseRedisQueueUrl } from "../../src/env/queue/queue_url.ts";
import { queueContract } from "./queue_contract.ts";
import { redisTest, startRedis } from "./redis_server.ts";

redisTest("BullMqQueue keeps the queue contract", async (t) => {
  const redis = await startRedis();
  let n = 0;
  try {
    await queueContract(t, (timing) => openQueue(redis.url(`contract-${++n}`), timing));
  } finally {
    await redis.stop();
  }
});

redisTest("a producer and a consumer on two connections share one queue", async () => {
  const redis = await startRedis();
  try {
    const producer = await openQueue<{ n: number }, number>(redis.url("shared"));
    const consumer = await openQueue<{ n: number }, number>(redis.url("shared"));
    const seen: string[] = [];
    const stop = await producer.subscribe((e) => seen.push(`${e.type} ${e.id}`));
    const id = await producer.enqueue({ n: 1 }, { id: "job-a" });
    const lease = await consumer.lease({ waitMs: 5000 });
    assert.equal(lease?.id, id);
    await lease!.complete(2);
    assert.equal((await producer.job(id))?.result, 2);
    const end = Date.now() + 5000;
    while (!seen.includes("completed job-a") && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(seen, ["enqueued job-a", "active job-a", "completed job-a"]);
    stop();
    await consumer.close();
    await producer.close();
  } finally {
    await redis.stop();
  }
});

Deno.test("an unreachable Redis is a clear error within the connect timeout", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    () =>
      BullMqQueue.open({ host: "127.0.0.1", port, db: 0, name: "q" }, { connectTimeoutMs: 500 }),
    Error,
    `cannot reach Redis at 127.0.0.1:${port}`,
  );
});

Deno.test("queue URLs: redis://HOST:PORT/NAME, with the mistakes named", () => {
  assert.deepEqual(parseRedisQueueUrl("redis://u:p%40ss@10.0.0.5:6380/trials?db=2"), {
    host: "10.0.0.5",
    port: 6380,
    db: 2,
    name: "trials",
    username: "u",
    password: "p@ss",
  });
  assert.equal(parseRedisQueueUrl("redis://h/q").port, 6379);
  assert.throws(() => parseRedisQueueUrl("http://h/q"), TypeError, "only redis://");
  assert.throws(() => parseRedisQueueUrl("redis://h:1/"), TypeError, "queue name");
  assert.throws(() => parseRedisQueueUrl("redis://h:1/a/b"), TypeError, "queue name");
  assert.throws(() => parseRedisQueueUrl("redis://h:1/q?db=x"), TypeError, "db");
  assert.throws(() => parseRedisQueueUrl("not a url"), TypeError, "redis://HOST:PORT/NAME");
});
