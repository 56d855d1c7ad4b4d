import assert from "@std/assert";
import {
  EnvBuilder,
  JobKind,
  JobSpec,
  MemFs,
  type OanixEnv,
  type ScheduledJob,
  Scheduler,
  type SchedulerOptions,
} from "../../mod.ts";
import { rejected } from "../services/throws.ts";

function setup(opts: SchedulerOptions = {}, env?: OanixEnv) {
  const scheduler = new Scheduler({ maxConcurrent: 2, ...opts });
  const envId = scheduler.registerEnv(env ?? new EnvBuilder().mount("/tmp", new MemFs()).build());
  const custom = (name: string, data: null | number = null) =>
    new JobSpec(envId, JobKind.custom(name, data));
  return { scheduler, envId, custom };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}

Deno.test("run(): custom jobs run through their handlers, with job, env and signal", async () => {
  const { scheduler, envId, custom } = setup();
  const seen: Array<[string, string, boolean]> = [];
  scheduler.handle("echo", (job: ScheduledJob, env: OanixEnv, signal: AbortSignal) => {
    seen.push([job.id, env.id, signal instanceof AbortSignal]);
    return job.spec.kind.type === "custom" ? job.spec.kind.data as number : -1;
  });
  const a = scheduler.submit(custom("echo", 0));
  const b = scheduler.submit(custom("echo", 3));
  const status = await scheduler.run();
  assert.equal(status.completedCount, 2);
  assert.deepEqual(seen, [[a, envId, true], [b, envId, true]]);
  assert.equal(scheduler.result(a)?.exitCode, 0);
  assert.equal(scheduler.result(b)?.exitCode, 3, "a non-zero exit code still completes the job");
});

Deno.test("run(): jobs start in priority order, FIFO among equals", async () => {
  const { scheduler, envId } = setup({ maxConcurrent: 1 });
  const started: number[] = [];
  scheduler.handle("p", async (job) => {
    started.push(job.spec.priority);
    await tick();
  });
  for (const p of [1, 3, 2, 3, 1]) {
    scheduler.submit(new JobSpec(envId, JobKind.custom("p")).withPriority(p));
  }
  await scheduler.run();
  assert.deepEqual(started, [3, 3, 2, 1, 1]);
});

Deno.test("run(): never more than maxConcurrent jobs in flight", async () => {
  const { scheduler, custom } = setup({ maxConcurrent: 3 });
  let inFlight = 0;
  let peak = 0;
  scheduler.handle("slow", async () => {
    peak = Math.max(peak, ++inFlight);
    await tick();
    inFlight--;
  });
  for (let i = 0; i < 20; i++) scheduler.submit(custom("slow"));
  await scheduler.run();
  assert.equal(peak, 3);
  assert.equal(scheduler.status().completedCount, 20);
});

Deno.test("run(): jobs submitted while running are run too", async () => {
  const { scheduler, custom } = setup();
  let spawned = false;
  scheduler.handle("parent", async () => {
    await tick();
    if (!spawned) scheduler.submit(custom("parent"));
    spawned = true;
  });
  scheduler.submit(custom("parent"));
  assert.equal((await scheduler.run()).completedCount, 2);
});

Deno.test("run(): a handler that throws or returns nonsense fails its job, not run()", async () => {
  const { scheduler, custom } = setup();
  scheduler.handle("throws", () => {
    throw new Error("handler exploded");
  });
  scheduler.handle("nonsense", () => "zero" as unknown as number);
  const a = scheduler.submit(custom("throws"));
  const b = scheduler.submit(custom("nonsense"));
  const c = scheduler.submit(custom("unregistered"));
  const status = await scheduler.run();
  assert.equal(status.failedCount, 3);
  assert.equal(scheduler.result(a)?.error, "handler exploded");
  assert.match(
    scheduler.result(b)!.error!,
    /the handler for "nonsense" must return an integer exit code, got a string/,
  );
  assert.match(
    scheduler.result(c)!.error!,
    /no handler is registered for custom job "unregistered"/,
  );
});

Deno.test("run(): a second concurrent run() is refused", async () => {
  const { scheduler, custom } = setup();
  scheduler.handle("x", tick as () => Promise<void>);
  scheduler.submit(custom("x"));
  const first = scheduler.run();
  await rejected(scheduler.run(), Error);
  await first;
});

Deno.test("run(): wasi jobs without a runtime fail clearly, not with a fake success", async () => {
  const { scheduler, envId } = setup({ wasiRunner: undefined });
  const id = scheduler.submit(new JobSpec(envId, JobKind.wasi("agent.wasm")));
  await scheduler.run();
  const r = scheduler.result(id)!;
  assert.equal(r.state, "failed");
  assert.match(r.error!, /^WASI runtime not available/);
});

Deno.test("run(): wasi jobs go through the pluggable runner", async () => {
  const calls: string[] = [];
  const { scheduler, envId } = setup({
    wasiRunner: (env, job, signal) => {
      calls.push(`${env.id}:${job.spec.kind.type}:${signal.aborted}`);
      return Promise.resolve({ exitCode: 42 });
    },
  });
  const id = scheduler.submit(
    new JobSpec(envId, JobKind.wasi(new Uint8Array([0, 97, 115, 109]), ["x"])),
  );
  await scheduler.run();
  assert.deepEqual(calls, [`${envId}:wasi:false`]);
  assert.equal(scheduler.result(id)?.exitCode, 42);
  scheduler.setWasiRunner(() => Promise.resolve({ exitCode: 1.5 }));
  const bad = scheduler.submit(new JobSpec(envId, JobKind.wasi("a.wasm")));
  await scheduler.run();
  assert.match(scheduler.result(bad)!.error!, /exitCode must return an integer exit code/);
  scheduler.setWasiRunner(undefined);
  const none = scheduler.submit(new JobSpec(envId, JobKind.wasi("a.wasm")));
  await scheduler.run();
  assert.match(scheduler.result(none)!.error!, /WASI runtime not available/);
});

Deno.test("run(): a timeout fails the job as timed out and aborts the handler's signal", async () => {
  const { scheduler, custom } = setup();
  let abortReason: unknown;
  scheduler.handle("forever", async (_job, _env, signal) => {
    try {
      await sleep(60_000, signal);
    } catch (e) {
      abortReason = e;
      throw e;
    }
  });
  const id = scheduler.submit(custom("forever").withTimeout(0.05));
  const t0 = Date.now();
  await scheduler.run();
  assert.ok(Date.now() - t0 < 5_000);
  const r = scheduler.result(id)!;
  assert.deepEqual([r.state, r.timedOut, r.error], ["failed", true, "timed out after 0.05s"]);
  assert.ok(abortReason instanceof DOMException && abortReason.name === "TimeoutError");
});

Deno.test("run(): a handler that ignores its signal loses its slot after the grace period", async () => {
  const { scheduler, custom } = setup({ maxConcurrent: 1, abortGraceMs: 20 });
  let release!: () => void;
  const stuck = new Promise<void>((r) => (release = r));
  scheduler.handle("stubborn", () => stuck);
  scheduler.handle("quick", () => 0);
  const a = scheduler.submit(custom("stubborn").withTimeout(0.02));
  const b = scheduler.submit(custom("quick"));
  await scheduler.run();
  assert.equal(scheduler.result(a)?.timedOut, true);
  assert.equal(scheduler.result(b)?.state, "completed");
  release();
});

Deno.test("run(): cancelling a running job aborts it and records it as cancelled", async () => {
  const { scheduler, custom } = setup();
  let started!: () => void;
  const isRunning = new Promise<void>((r) => (started = r));
  scheduler.handle("long", async (_job, _env, signal) => {
    started();
    await sleep(60_000, signal);
  });
  const id = scheduler.submit(custom("long"));
  const done = scheduler.run();
  await isRunning;
  assert.throws(() => scheduler.complete(id, 0), Error, "is being run by run()");
  assert.equal(scheduler.cancel(id), true);
  const status = await done;
  assert.equal(status.cancelledCount, 1);
  assert.equal(status.failedCount, 0);
  assert.equal(scheduler.result(id)?.state, "cancelled");
});
