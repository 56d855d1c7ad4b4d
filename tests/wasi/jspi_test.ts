// Waiting without blocking (DESIGN.md D2): guests suspend through JSPI in
// poll_oneoff and in reads of capability files, and the host keeps running.
import assert from "@std/assert";
import { FsError, FuncFs, MemFs, Namespace, WasiAbortError } from "./_mod.ts";
import { fixture, rejection, runtime, wat } from "./_helpers.ts";

/** A value that arrives later, with the whenReadable protocol of capability files. */
class Later {
  #value: string | undefined;
  #waiters: Array<() => void> = [];
  waits = 0;

  set(value: string): void {
    this.#value = value;
    for (const w of this.#waiters.splice(0)) w();
  }

  read = (): string => {
    if (this.#value === undefined) throw new FsError("EAGAIN", "/resp", "no response yet");
    return this.#value;
  };

  whenReadable = (signal?: AbortSignal): Promise<void> => {
    this.waits++;
    if (this.#value !== undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  };
}

function capNamespace(later: Later): Namespace {
  return Namespace.builder()
    .mount("/cap", new FuncFs().readOnly("/resp", later.read, { whenReadable: later.whenReadable }))
    .mount("/tmp", new MemFs())
    .build();
}

function after(ms: number, f: () => void): Promise<void> {
  return new Promise((r) => setTimeout(() => r(f()), ms));
}

Deno.test("fd_read on a capability file suspends until the content is there", async () => {
  const later = new Later();
  const ns = capNamespace(later);
  const t0 = performance.now();
  let hostTimerAt = 0;
  const [r] = await Promise.all([
    runtime.run(ns, await fixture("capread"), { args: ["capread", "/cap/resp"] }),
    after(60, () => {
      hostTimerAt = performance.now() - t0;
      later.set("the response");
    }),
  ]);
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdoutText, "read 12: the response\n");
  assert.ok(hostTimerAt >= 55, "the host timer fired while the guest waited");
  assert.ok(later.waits >= 1);
});

Deno.test("fd_read with O_NONBLOCK returns EAGAIN instead of waiting", async () => {
  const later = new Later();
  const r = await runtime.run(capNamespace(later), await fixture("capread"), {
    args: ["capread", "/cap/resp", "nonblock"],
  });
  assert.equal(r.exitCode, 11);
  assert.match(r.stdoutText, /^read failed: .* \(6\)\n$/);
  assert.equal(later.waits, 0);
});

Deno.test("poll_oneoff waits for a capability file to become readable", async () => {
  const later = new Later();
  const ns = capNamespace(later);
  const t0 = performance.now();
  const [r] = await Promise.all([
    runtime.run(ns, await fixture("capread"), { args: ["capread", "/cap/resp", "poll"] }),
    after(40, () => later.set("polled")),
  ]);
  assert.equal(r.stdoutText, "poll r=0 n=1 first=1\nread 6: polled\n");
  const took = performance.now() - t0;
  assert.ok(took >= 35 && took < 4000, `took ${took} ms`);
});

Deno.test("stdin can be a file handle whose reads wait", async () => {
  const later = new Later();
  const ns = capNamespace(later);
  const stdin = ns.open("/cap/resp", { read: true });
  const [r] = await Promise.all([
    runtime.run(ns, await fixture("capread"), { args: ["capread", "-", "stdin"], stdin }),
    after(20, () => later.set("from stdin")),
  ]);
  stdin.close();
  assert.equal(r.stdoutText, "read 10: from stdin\n");
});

Deno.test("two guests sleep concurrently in one process, and host timers fire meanwhile", async () => {
  const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
  const wasm = await fixture("sleep");
  const ticks: number[] = [];
  const t0 = performance.now();
  const interval = setInterval(() => ticks.push(performance.now() - t0), 20);
  try {
    const [a, b] = await Promise.all([
      runtime.run(ns, wasm, { args: ["sleep", "300", "A"] }),
      runtime.run(ns, wasm, { args: ["sleep", "300", "B"] }),
    ]);
    const took = performance.now() - t0;
    assert.equal(a.stdoutText, "A start\nA end\n");
    assert.equal(b.stdoutText, "B start\nB end\n");
    assert.ok(took >= 295, `took ${took} ms`);
    assert.ok(took < 590, `the two sleeps overlapped: ${took} ms`);
    assert.ok(ticks.length >= 5, `host interval ticked ${ticks.length} times during the sleeps`);
  } finally {
    clearInterval(interval);
  }
});

Deno.test("an abort signal stops a guest sleeping in poll_oneoff", async () => {
  const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
  const controller = new AbortController();
  const t0 = performance.now();
  const run = runtime.run(ns, await fixture("sleep"), {
    args: ["sleep", "10000", "S"],
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new Error("host says stop")), 30);
  const err = await rejection(run, WasiAbortError);
  assert.equal(err.timedOut, false);
  assert.equal(err.exitCode, 130);
  assert.match(err.message, /host says stop/);
  assert.equal(err.stdoutText, "S start\n");
  assert.ok(performance.now() - t0 < 2000);
});

Deno.test("timeoutMs stops a guest waiting on a file that never becomes readable", async () => {
  const later = new Later();
  const err = await rejection(
    runtime.run(capNamespace(later), await fixture("capread"), {
      args: ["capread", "/cap/resp"],
      timeoutMs: 50,
    }),
    WasiAbortError,
  );
  assert.equal(err.timedOut, true);
  assert.equal(err.exitCode, 124);
});

Deno.test("an already aborted signal refuses to start the guest", async () => {
  const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
  await rejection(
    runtime.run(ns, await fixture("basics"), { signal: AbortSignal.abort() }),
    WasiAbortError,
  );
});

Deno.test("a guest spinning on sched_yield lets host timers and another guest run", async () => {
  const spinner = await wat(`(module
    (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
    (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start") (local $end i64)
      ;; spin, yielding, for 100 ms of the monotonic clock
      (drop (call $now (i32.const 1) (i64.const 1) (i32.const 0)))
      (local.set $end (i64.add (i64.load (i32.const 0)) (i64.const 100000000)))
      (block $done (loop $again
        (drop (call $yield))
        (drop (call $now (i32.const 1) (i64.const 1) (i32.const 0)))
        (br_if $done (i64.ge_u (i64.load (i32.const 0)) (local.get $end)))
        (br $again)))))`);
  const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
  let fired = 0;
  let spinEnded = 0;
  const timer = setTimeout(() => fired = performance.now(), 20);
  const t0 = performance.now();
  const [, sleeper] = await Promise.all([
    runtime.run(ns, spinner).then(() => (spinEnded = performance.now())),
    runtime.run(ns, await fixture("sleep"), { args: ["sleep", "30", "Z"] }),
  ]);
  clearTimeout(timer);
  const took = performance.now() - t0;
  assert.ok(fired > 0 && fired < spinEnded, "the host timer fired during the spin");
  assert.equal(sleeper.stdoutText, "Z start\nZ end\n");
  assert.ok(took < 1000, `took ${took} ms`);
});
