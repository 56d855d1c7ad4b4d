/**
 * Draining 100,000 queued jobs: the Scheduler against a plain array sorted
 * by (priority desc, seq asc) and walked once, which is the least any
 * priority queue can do. Run with `deno bench bench/scheduler_bench.ts`.
 */
import { EnvBuilder, JobKind, JobSpec, Scheduler } from "../mod.ts";

const JOBS = 100_000;

function priorities(): number[] {
  const out: number[] = [];
  let x = 42;
  for (let i = 0; i < JOBS; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(x % 100);
  }
  return out;
}

const PRIORITIES = priorities();

function schedulerWithEnv(maxConcurrent: number): { scheduler: Scheduler; envId: string } {
  const scheduler = new Scheduler({ maxConcurrent, maxRetainedResults: 1000 });
  const envId = scheduler.registerEnv(new EnvBuilder().build());
  scheduler.handle("noop", () => 0);
  return { scheduler, envId };
}

Deno.bench({
  name: "baseline: array of 100k sorted by priority, then walked",
  group: "drain 100k jobs",
  baseline: true,
  n: 10,
  warmup: 2,
  fn() {
    const jobs = PRIORITIES.map((priority, seq) => ({ priority, seq, id: `job-${seq}` }));
    jobs.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    let sum = 0;
    for (const job of jobs) sum += job.id.length;
    if (sum === 0) throw new Error("unreachable");
  },
});

Deno.bench({
  name: "Scheduler: submit 100k, then next()/complete() by hand",
  group: "drain 100k jobs",
  n: 10,
  warmup: 2,
  fn() {
    const { scheduler, envId } = schedulerWithEnv(1);
    const base = new JobSpec(envId, JobKind.custom("noop"));
    for (const p of PRIORITIES) scheduler.submit(base.withPriority(p));
    for (let job = scheduler.next(); job; job = scheduler.next()) scheduler.complete(job.id, 0);
  },
});

Deno.bench({
  name: "Scheduler: submit 100k, then await run() with no-op handlers (16 in flight)",
  group: "drain 100k jobs",
  n: 10,
  warmup: 2,
  async fn() {
    const { scheduler, envId } = schedulerWithEnv(16);
    const base = new JobSpec(envId, JobKind.custom("noop"));
    for (const p of PRIORITIES) scheduler.submit(base.withPriority(p));
    await scheduler.run();
  },
});
