/**
 * Faults, for real: a worker process killed with SIGKILL in the middle of
 * a trial (its lease lapses, another worker takes the trial up), and Redis
 * restarted in the middle of a benchmark (append-only file on: the clients
 * reconnect, nothing is lost), with a malformed job among the trials (it
 * fails alone). Either way every trial is recorded exactly once.
 */
import assert from "@std/assert";
import { openQueue } from "../../src/env/queue/queue_url.ts";
import type { QueueEvent } from "../../src/env/queue/queue_backend.ts";
import { parseBenchConfig } from "../../src/sandbox/bench/bench_config.ts";
import { runQueuedBench } from "../../src/sandbox/bench/queue_bench.ts";
import type { BenchRun } from "../../src/sandbox/bench/run_bench.ts";
import { readResults } from "../../src/sandbox/bench/trial_result.ts";
import { Store } from "../../src/sandbox/worker/store.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { eventually } from "../queue/queue_contract.ts";
import { redisTest, startRedis } from "../queue/redis_server.ts";
import { startTestWorker, type WorkerProcess } from "../queue/worker_processes.ts";

const fixtures = new URL("./fixtures/bench/", import.meta.url).pathname;

/** Six trials of an agent that naps a second, then answers. */
const BENCH = `name: naps
repeats: 6
limits: { timeout: 30 }
tasks:
  answer:
    task: { id: a, type: answer, description: say 42 }
    mounts: { /task: task }
    checker: { module: ${fixtures}check_answer.ts }
agents:
  nap: { module: ${fixtures}agent_nap.ts }
`;

async function exactlyOnce(outDir: string, run: BenchRun): Promise<void> {
  const { results, skipped } = await readResults(`${outDir}/results.jsonl`);
  assert.equal(skipped, 0);
  assert.equal(results.length, 6, results.map((r) => r.trial).join(", "));
  assert.equal(new Set(results.map((r) => r.trial)).size, 6, "each trial once");
  assert.ok(results.every((r) => r.pass), JSON.stringify(results.filter((r) => !r.pass)));
  assert.equal(run.results.length, 6);
  assert.equal(run.interrupted, false);
}

async function stopAll(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.ended()));
}

redisTest("a worker killed mid-trial: the trial is taken up again and recorded once", async () => {
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  try {
    await withTempDir(async (dir) => {
      const url = redis.url("kill");
      const queue = await openQueue(url);
      const store = await Store.open(`${dir}/store`);
      const events: QueueEvent[] = [];
      const stopListening = await queue.subscribe((e) => events.push(e));
      const doomed = startTestWorker(url, `${dir}/store`);
      workers.push(doomed);
      const running = runQueuedBench(parseBenchConfig(BENCH, dir), {
        outDir: `${dir}/out`,
        queue,
        queueName: "kill",
        store,
      });
      const took = JSON.parse(await doomed.saw((l) => l.includes('"took"')));
      await new Promise((r) => setTimeout(r, 300)); // in the middle of its nap
      doomed.kill("SIGKILL");
      assert.equal(await doomed.ended(), 137);
      const rescuer = startTestWorker(url, `${dir}/store`, 2);
      workers.push(rescuer);
      const run = await running;
      await exactlyOnce(`${dir}/out`, run);
      await eventually(
        () => events.some((e) => e.type === "stalled" && e.id === took.jobId),
        "the stalled event of the killed worker's job",
      );
      assert.ok(
        rescuer.lines.some((l) => l.includes('"took"') && l.includes(took.jobId)),
        "the other worker took the killed worker's job",
      );
      stopListening();
      await queue.close();
    });
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});

redisTest(
  "Redis restarted mid-run: workers and the submitter reconnect, nothing is lost",
  async () => {
    const redis = await startRedis();
    const workers: WorkerProcess[] = [];
    try {
      await withTempDir(async (dir) => {
        const url = redis.url("restart");
        const queue = await openQueue(url);
        const store = await Store.open(`${dir}/store`);
        // A malformed job among the trials fails alone, once, with its reason.
        const malformed = await queue.enqueue({ oanix: 1, type: "trial", manifest: 7 }, {
          id: "malformed-1",
          attempts: 3,
        });
        for (let i = 0; i < 2; i++) workers.push(startTestWorker(url, `${dir}/store`));
        const recorded: string[] = [];
        const running = runQueuedBench(parseBenchConfig(BENCH, dir), {
          outDir: `${dir}/out`,
          queue,
          queueName: "restart",
          store,
          onTrial: (r) => recorded.push(r.trial),
        });
        await eventually(() => recorded.length >= 2, "two trials recorded", 60_000);
        await redis.restart();
        const before = recorded.length;
        const run = await running;
        await exactlyOnce(`${dir}/out`, run);
        assert.ok(before < 6, `trials were still running across the restart (${before} before it)`);
        const bad = await queue.job(malformed);
        assert.deepEqual([bad?.state, bad?.attemptsMade], ["failed", 1]);
        assert.equal(bad?.reason, "the worker refused the job: manifest: expected a mapping");
        await queue.close();
      });
    } finally {
      await stopAll(workers);
      await redis.stop();
    }
  },
);
