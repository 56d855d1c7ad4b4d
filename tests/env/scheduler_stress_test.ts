import assert from "@std/assert";
import { EnvBuilder, JobKind, JobSpec, Scheduler } from "../../mod.ts";

const JOBS = 100_000;

/** Submits JOBS no-op custom jobs with pseudo-random priorities; returns their start order. */
async function drainOnce(scheduler: Scheduler, envId: string, round: number) {
  const started: Array<[number, number]> = [];
  scheduler.handle("noop", (job) => {
    started.push([job.spec.priority, Number(job.id.slice(4))]);
  });
  let x = 12345 + round;
  for (let i = 0; i < JOBS; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    scheduler.submit(
      new JobSpec(envId, JobKind.custom("noop")).withPriority(x % 100).tag(`r${round}`),
    );
  }
  const status = await scheduler.run();
  return { started, status };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** The live heap after a full collection. */
function liveHeap(): number {
  gc!();
  gc!();
  return Deno.memoryUsage().heapUsed;
}

Deno.test("Scheduler under load: 100,000 jobs drain in priority order with memory flat", async () => {
  const scheduler = new Scheduler({ maxConcurrent: 16, maxRetainedResults: 1000 });
  const envId = scheduler.registerEnv(new EnvBuilder().build());
  const heaps: number[] = [];
  for (let round = 0; round < 2; round++) {
    const { started, status } = await drainOnce(scheduler, envId, round);
    assert.equal(started.length, JOBS);
    for (let i = 1; i < started.length; i++) {
      const [p0, s0] = started[i - 1];
      const [p1, s1] = started[i];
      if (!(p0 > p1 || (p0 === p1 && s0 < s1))) {
        assert.fail(`order broken at ${i}: ${started[i - 1]} then ${started[i]}`);
      }
    }
    assert.equal(status.queuedCount, 0);
    assert.equal(status.runningCount, 0);
    assert.equal(status.completedCount, JOBS * (round + 1));
    assert.equal(status.retainedCount, 1000, "finished records are bounded");
    assert.equal(scheduler.jobsWithTag(`r${round}`).length, 1000);
    assert.equal(scheduler.jobsWithTag("r0").length, round === 0 ? 1000 : 0, "old tags are pruned");
    if (gc) heaps.push(liveHeap());
  }
  // The second round leaves no more behind than the first. Measured after a forced collection
  // (the test task runs with --v8-flags=--expose-gc); without it the heap says nothing.
  if (gc) {
    assert.ok(heaps[1] - heaps[0] < 8 * 1024 * 1024, `heap grew from ${heaps[0]} to ${heaps[1]}`);
  } else {
    console.warn("memory check skipped: run with --v8-flags=--expose-gc (deno task test does)");
  }
});
