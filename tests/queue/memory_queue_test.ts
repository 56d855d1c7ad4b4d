/**
 * The in-memory queue keeps the queue contract (queue_contract.ts), and
 * holds no timer once it is idle or closed.
 */
import assert from "@std/assert";
import { MemoryQueue } from "../../src/env/queue/memory_queue.ts";
import { queueContract } from "./queue_contract.ts";

Deno.test("MemoryQueue keeps the queue contract", async (t) => {
  await queueContract(t, (timing) => Promise.resolve(new MemoryQueue(timing)));
});

Deno.test("MemoryQueue forgets the oldest finished jobs past maxRetained", async () => {
  const queue = new MemoryQueue({ maxRetained: 2 });
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push(await queue.enqueue(i));
  for (let lease = await queue.lease(); lease; lease = await queue.lease()) {
    await lease.complete(lease.data);
  }
  assert.equal(await queue.job(ids[0]), undefined);
  assert.equal(await queue.job(ids[1]), undefined);
  assert.equal((await queue.job(ids[3]))?.result, 3);
  assert.equal((await queue.counts()).completed, 2);
  await queue.close();
});

Deno.test("MemoryQueue refuses bad options and work once closed", async () => {
  assert.throws(() => new MemoryQueue({ lockMs: 0 }), TypeError, "lockMs");
  const queue = new MemoryQueue();
  await queue.close();
  await assert.rejects(() => queue.enqueue(1), Error, "closed");
  assert.equal(await queue.lease({ waitMs: 1000 }), undefined);
});
