/**
 * Throughput of benchmark trials through Redis with 1, 2 and 3 worker
 * processes on this machine, as ratios against one worker measured in the
 * same run. Each trial is two sandboxed runs (the agent, then the checker
 * reading its answer), so the figure is the whole path: staging, Redis,
 * the worker's lease, the runner's children, the store, the submitter's
 * collection. Two kinds of trial: short ones (the agent answers at once:
 * the machine's CPU is the limit, as every run starts a child process) and
 * waiting ones (the agent waits a second first, as for a model's answer:
 * the queue's own scaling). Every case starts its own redis-server and
 * workers, warms each worker with a trial, then times 12 trials.
 *
 *   deno bench --config tests/deno.json -A bench/queue_bench.ts
 */
import { openQueue } from "../src/env/queue/queue_url.ts";
import { parseBenchConfig } from "../src/sandbox/bench/bench_config.ts";
import { runQueuedBench } from "../src/sandbox/bench/queue_bench.ts";
import { Store } from "../src/sandbox/worker/store.ts";
import { redisInstalled, startRedis } from "../tests/queue/redis_server.ts";
import { startTestWorker, type WorkerProcess } from "../tests/queue/worker_processes.ts";

const TRIALS = 12;
const fixtures = new URL("../tests/sandbox/fixtures/bench/", import.meta.url).pathname;

const bench = (repeats: number, agent: string) =>
  parseBenchConfig(
    `name: short
repeats: ${repeats}
limits: { timeout: 60 }
tasks:
  answer:
    task: { id: a, type: answer, description: say 42 }
    mounts: { /task: task }
    checker: { module: ${fixtures}check_answer.ts }
agents:
  ok: { module: ${fixtures}${agent} }
`,
    "/",
  );

async function throughput(b: Deno.BenchContext, workers: number, agent: string): Promise<void> {
  const redis = await startRedis();
  const dir = await Deno.makeTempDir({ prefix: "oanix-queue-bench-" });
  const procs: WorkerProcess[] = [];
  const queue = await openQueue(redis.url("bench"));
  try {
    const store = await Store.open(`${dir}/store`);
    for (let i = 0; i < workers; i++) procs.push(startTestWorker(redis.url("bench"), store.root));
    await Promise.all(procs.map((p) => p.saw((l) => l.includes('"ready"'))));
    const options = (outDir: string) => ({ outDir, queue, queueName: "bench", store });
    await runQueuedBench(bench(workers, agent), options(`${dir}/warm`));
    b.start();
    const run = await runQueuedBench(bench(TRIALS, agent), options(`${dir}/out`));
    b.end();
    if (run.results.filter((r) => r.pass).length !== TRIALS) {
      throw new Error(`not every trial passed: ${JSON.stringify(run.results)}`);
    }
  } finally {
    await queue.close();
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.ended()));
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

const KINDS = [
  ["short", "agent_ok.ts"],
  ["waiting 1 s", "agent_nap.ts"],
] as const;

for (const [kind, agent] of KINDS) {
  for (const workers of [1, 2, 3]) {
    Deno.bench({
      name: `${TRIALS} ${kind} trials, ${workers} worker${workers > 1 ? "s" : ""}`,
      group: `${kind} trials through Redis`,
      baseline: workers === 1,
      ignore: !redisInstalled(),
      n: 3,
      warmup: 0,
      // An async function: deno bench awaits only those.
      fn: async (b) => await throughput(b, workers, agent),
    });
  }
}
