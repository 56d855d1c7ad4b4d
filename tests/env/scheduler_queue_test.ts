import assert from "@std/assert";
import { EnvBuilder, JobKind, JobSpec, MemFs, Scheduler } from "../../mod.ts";

function setup(maxConcurrent = 4, opts: { maxRetainedResults?: number } = {}) {
  const scheduler = new Scheduler({ maxConcurrent, ...opts });
  const envId = scheduler.registerEnv(new EnvBuilder().mount("/tmp", new MemFs()).build());
  const spec = (priority = 0) => new JobSpec(envId, JobKind.custom("noop")).withPriority(priority);
  return { scheduler, envId, spec };
}

Deno.test("Scheduler: the seed's loop: submit, next, complete, status", () => {
  const scheduler = Scheduler.withMaxConcurrent(4);
  const envId = scheduler.registerEnv(new EnvBuilder().mount("/workspace", new MemFs()).build());
  const id = scheduler.submit(
    new JobSpec(envId, JobKind.script("echo hello")).withPriority(10).env("DEBUG", "true")
      .withTimeout(300)
      .tag("urgent"),
  );
  assert.equal(id, "job-1");
  for (let job = scheduler.next(); job; job = scheduler.next()) scheduler.complete(job.id, 0);
  assert.equal(scheduler.status().completedCount, 1);
  assert.equal(scheduler.result(id)?.exitCode, 0);
});

Deno.test("Scheduler: higher priority goes first, FIFO among equals", () => {
  const { scheduler, spec } = setup(100);
  const order = [0, 5, 0, 10, 5, -1, 10].map((p) => [scheduler.submit(spec(p)), p] as const);
  const taken: string[] = [];
  for (let job = scheduler.next(); job; job = scheduler.next()) taken.push(job.id);
  const expected = [...order].sort((a, b) =>
    b[1] - a[1] || Number(a[0].slice(4)) - Number(b[0].slice(4))
  );
  assert.deepEqual(taken, expected.map(([id]) => id));
});

Deno.test("Scheduler: next() respects maxConcurrent until a slot frees", () => {
  const { scheduler, spec } = setup(2);
  for (let i = 0; i < 5; i++) scheduler.submit(spec());
  const a = scheduler.next()!;
  const b = scheduler.next()!;
  assert.equal(scheduler.next(), undefined);
  assert.equal(scheduler.status().runningCount, 2);
  scheduler.complete(a.id, 0);
  const c = scheduler.next()!;
  assert.ok(c);
  assert.equal(scheduler.next(), undefined);
  scheduler.fail(b.id, "boom");
  scheduler.cancel(c.id);
  assert.deepEqual(
    [scheduler.next()?.id, scheduler.next()?.id, scheduler.next()],
    ["job-4", "job-5", undefined],
  );
});

Deno.test("Scheduler: results record completion, failure and cancellation", () => {
  const { scheduler, spec } = setup();
  const [a, b, c, d] = [1, 2, 3, 4].map(() => scheduler.submit(spec()));
  assert.equal(scheduler.result(a), undefined, "no result while queued");
  assert.equal(scheduler.job(a)?.state, "queued");
  scheduler.next();
  scheduler.next();
  assert.equal(scheduler.job(a)?.state, "running");
  assert.equal(scheduler.result(a), undefined, "no result while running");
  scheduler.complete(a, 7);
  scheduler.fail(b, "it broke");
  assert.equal(scheduler.cancel(c), true);
  const ra = scheduler.result(a)!;
  assert.equal(ra.state, "completed");
  assert.equal(ra.exitCode, 7);
  assert.ok(ra.finishedAt! >= ra.startedAt! && ra.startedAt! >= ra.submittedAt);
  assert.deepEqual([scheduler.result(b)?.state, scheduler.result(b)?.error], [
    "failed",
    "it broke",
  ]);
  assert.equal(scheduler.result(c)?.state, "cancelled");
  assert.equal(scheduler.cancel(c), false, "cancelling a finished job is a no-op");
  assert.equal(scheduler.next()?.id, d, "a cancelled queued job is skipped");
  assert.deepEqual(scheduler.status(), {
    queuedCount: 0,
    runningCount: 1,
    completedCount: 1,
    failedCount: 1,
    cancelledCount: 1,
    submittedCount: 4,
    retainedCount: 3,
    maxConcurrent: 4,
    envCount: 1,
  });
});

Deno.test("Scheduler: misuse of complete, fail and cancel names the job", () => {
  const { scheduler, spec } = setup();
  const queued = scheduler.submit(spec());
  assert.throws(
    () => scheduler.complete("job-99", 0),
    Error,
    'Scheduler.complete: no job "job-99"',
  );
  assert.throws(() => scheduler.complete(queued, 0), Error, `job ${queued} is queued, not running`);
  assert.throws(() => scheduler.fail(queued, "x"), Error, "is queued, not running");
  assert.throws(() => scheduler.cancel("nope"), Error, 'Scheduler.cancel: no job "nope"');
  const job = scheduler.next()!;
  assert.throws(() => scheduler.complete(job.id, 1.5), TypeError, "exitCode must be an integer");
  assert.throws(() => scheduler.fail(job.id, 3 as never), TypeError, "error must be a string");
  scheduler.complete(job.id, 0);
  assert.throws(() => scheduler.complete(job.id, 0), Error, `job ${job.id} is already completed`);
});

Deno.test("Scheduler: submit refuses unknown environments and non-specs", () => {
  const { scheduler } = setup();
  assert.throws(
    () => scheduler.submit(new JobSpec("ghost", JobKind.custom("x"))),
    Error,
    'no environment "ghost" is registered',
  );
  assert.throws(() => scheduler.submit({ envId: "x" } as never), TypeError, "expected a JobSpec");
});

Deno.test("Scheduler: environments register once and unregister when idle", () => {
  const { scheduler, envId, spec } = setup();
  assert.ok(scheduler.env(envId));
  assert.throws(() => scheduler.registerEnv(scheduler.env(envId)!), Error, "registered already");
  assert.throws(() => scheduler.registerEnv({} as never), TypeError, "expected an OanixEnv");
  const id = scheduler.submit(spec());
  assert.throws(() => scheduler.unregisterEnv(envId), Error, `still has job ${id}`);
  scheduler.cancel(id);
  scheduler.unregisterEnv(envId);
  assert.equal(scheduler.status().envCount, 0);
  assert.throws(() => scheduler.unregisterEnv(envId), Error, "no environment");
});

Deno.test("Scheduler: jobs can be found by tag", () => {
  const { scheduler, envId } = setup();
  const urgent = (n: number) => new JobSpec(envId, JobKind.custom(`j${n}`)).tag("urgent");
  const a = scheduler.submit(urgent(1));
  scheduler.submit(new JobSpec(envId, JobKind.custom("other")).tag("later"));
  const c = scheduler.submit(urgent(3).tag("later"));
  assert.deepEqual(scheduler.jobsWithTag("urgent").map((j) => j.id), [a, c]);
  assert.deepEqual(scheduler.jobsWithTag("later").map((j) => j.spec.kind.type), [
    "custom",
    "custom",
  ]);
  assert.deepEqual(scheduler.jobsWithTag("none"), []);
});

Deno.test("Scheduler: finished records are bounded by maxRetainedResults, oldest first", () => {
  const { scheduler, envId } = setup(1, { maxRetainedResults: 3 });
  const ids = [1, 2, 3, 4, 5].map(() =>
    scheduler.submit(new JobSpec(envId, JobKind.custom("x")).tag("t"))
  );
  for (let job = scheduler.next(); job; job = scheduler.next()) scheduler.complete(job.id, 0);
  assert.equal(scheduler.result(ids[0]), undefined);
  assert.equal(scheduler.result(ids[1]), undefined);
  assert.equal(scheduler.result(ids[4])?.state, "completed");
  assert.deepEqual(scheduler.jobsWithTag("t").map((j) => j.id), ids.slice(2));
  assert.equal(scheduler.status().retainedCount, 3);
  assert.equal(scheduler.status().completedCount, 5);
  assert.equal(scheduler.cancel(ids[4]), false);
  assert.throws(() => scheduler.cancel(ids[0]), Error, "no job");
});

Deno.test("Scheduler: bad options are TypeErrors naming the option", () => {
  assert.throws(
    () => new Scheduler({ maxConcurrent: 0 }),
    TypeError,
    "maxConcurrent must be an integer ≥ 1, got 0",
  );
  assert.throws(() => Scheduler.withMaxConcurrent(2.5), TypeError, "maxConcurrent");
  assert.throws(() => new Scheduler({ maxRetainedResults: -1 }), TypeError, "maxRetainedResults");
  assert.throws(() => new Scheduler({ abortGraceMs: "1" as never }), TypeError, "abortGraceMs");
  assert.throws(
    () => new Scheduler({ allowScripts: "yes" as never }),
    TypeError,
    "allowScripts must be a boolean",
  );
  assert.throws(
    () => new Scheduler({ wasiRunner: 5 as never }),
    TypeError,
    "wasiRunner must be a function",
  );
  assert.throws(() => new Scheduler(null as never), TypeError, "options must be an object");
  assert.throws(
    () => new Scheduler().handle("", () => 0),
    TypeError,
    "name must be a non-empty string",
  );
  assert.throws(
    () => new Scheduler().handle("x", null as never),
    TypeError,
    'the handler for "x" must be a function',
  );
  assert.equal(new Scheduler().maxConcurrent, 4);
});

Deno.test("Scheduler: order holds as priorities come and go (thousands of jobs, refills mid-drain)", () => {
  const { scheduler, spec } = setup(1);
  const submitted: Array<[string, number, number]> = [];
  let seq = 0;
  let x = 7;
  const submitSome = (n: number) => {
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const p = (x % 21) - 10; // negative priorities too
      submitted.push([scheduler.submit(spec(p)), p, seq++]);
    }
  };
  submitSome(3000);
  const taken: string[] = [];
  const take = (n: number) => {
    for (let i = 0; i < n; i++) {
      const job = scheduler.next();
      if (!job) return;
      taken.push(job.id);
      scheduler.complete(job.id, 0);
    }
  };
  take(1500);
  submitSome(2000); // new work arrives while the queue drains
  take(Infinity);
  assert.equal(taken.length, 5000);
  assert.equal(scheduler.status().queuedCount, 0);
  // Replay against a plain model: each job taken is the best of those waiting then.
  const before = (a: readonly [string, number, number], b: readonly [string, number, number]) =>
    b[1] - a[1] || a[2] - b[2];
  const waiting = submitted.slice(0, 3000).sort(before);
  taken.forEach((id, i) => {
    if (i === 1500) waiting.push(...submitted.slice(3000)), waiting.sort(before);
    assert.equal(id, waiting.shift()![0], `job ${i} taken out of order`);
  });
});

Deno.test("Scheduler: past maxRetainedResults, results are forgotten strictly oldest first", () => {
  const { scheduler, spec } = setup(1, { maxRetainedResults: 100 });
  const ids: string[] = [];
  for (let i = 0; i < 5000; i++) {
    ids.push(scheduler.submit(spec().tag(i % 2 === 0 ? "even" : "odd")));
    const job = scheduler.next()!;
    scheduler.complete(job.id, 0);
  }
  assert.equal(scheduler.status().retainedCount, 100);
  assert.equal(scheduler.result(ids[4899]), undefined);
  assert.equal(scheduler.result(ids[4900])?.state, "completed");
  assert.deepEqual(
    scheduler.jobsWithTag("even").map((j) => j.id),
    ids.slice(4900).filter((_, i) => i % 2 === 0),
  );
});
