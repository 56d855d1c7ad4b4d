// A runtime that always stops: a guest that spins through any import is
// ended by timeoutMs (exit code 124) or by its signal (130) within the
// limit, and the host carries on afterwards. A guest that spins without
// any host call is the process-level runner's to kill (tested in
// tests/sandbox/runner_test.ts: "a WASI guest that spins with no host
// calls is stopped only by the runner's kill").
import assert from "@std/assert";
import { MemFs, Namespace, WasiAbortError } from "./_mod.ts";
import { fixture, rejection, runtime, wat } from "./_helpers.ts";

/** How far past its limit a stop may land on this busy 2-core machine. */
const SLACK_MS = 1_000;

function ns(): Namespace {
  const tmp = new MemFs();
  tmp.mkdir("/d");
  return Namespace.builder().mount("/tmp", tmp).build();
}

/** A guest whose _start calls `call` (one import, declared by `decl`) forever. */
function spinner(decl: string, call: string): Promise<Uint8Array> {
  return wat(`(module
    ${decl}
    (memory (export "memory") 1)
    (data (i32.const 0) "\\10\\00\\00\\00\\04\\00\\00\\00")
    (data (i32.const 16) "spin")
    (data (i32.const 32) "tmp/d")
    (func (export "_start") (loop $l ${call} (br $l))))`);
}

const SPINS: Array<[string, string, string]> = [
  [
    "clock_time_get",
    `(import "wasi_snapshot_preview1" "clock_time_get" (func $f (param i32 i64 i32) (result i32)))`,
    `(drop (call $f (i32.const 1) (i64.const 1) (i32.const 100)))`,
  ],
  [
    "fd_write to stdout",
    `(import "wasi_snapshot_preview1" "fd_write" (func $f (param i32 i32 i32 i32) (result i32)))`,
    `(drop (call $f (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100)))`,
  ],
  [
    "random_get",
    `(import "wasi_snapshot_preview1" "random_get" (func $f (param i32 i32) (result i32)))`,
    `(drop (call $f (i32.const 200) (i32.const 64)))`,
  ],
  [
    "path_filestat_get",
    `(import "wasi_snapshot_preview1" "path_filestat_get" (func $f (param i32 i32 i32 i32 i32) (result i32)))`,
    `(drop (call $f (i32.const 3) (i32.const 1) (i32.const 32) (i32.const 5) (i32.const 200)))`,
  ],
  [
    "fd_read of an empty stdin",
    `(import "wasi_snapshot_preview1" "fd_read" (func $f (param i32 i32 i32 i32) (result i32)))`,
    `(drop (call $f (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 100)))`,
  ],
  [
    "a failing call (fd_close of a bad fd)",
    `(import "wasi_snapshot_preview1" "fd_close" (func $f (param i32) (result i32)))`,
    `(drop (call $f (i32.const 999)))`,
  ],
];

for (const [what, decl, call] of SPINS) {
  Deno.test(`a guest spinning through ${what} ends at timeoutMs with exit code 124`, async () => {
    const started = performance.now();
    const err = await rejection(
      runtime.run(ns(), await spinner(decl, call), { timeoutMs: 150 }),
      WasiAbortError,
    );
    const took = performance.now() - started;
    assert.equal(err.timedOut, true);
    assert.equal(err.exitCode, 124);
    assert.ok(took >= 150 && took < 150 + SLACK_MS, `stopped after ${took} ms`);
  });
}

Deno.test("a signal aborted by a timer stops a guest spinning through clock_time_get", async () => {
  const [, decl, call] = SPINS[0];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error("cancelled by the host")), 150);
  const started = performance.now();
  const err = await rejection(
    runtime.run(ns(), await spinner(decl, call), { signal: controller.signal }),
    WasiAbortError,
  );
  clearTimeout(timer);
  const took = performance.now() - started;
  assert.equal(err.timedOut, false);
  assert.equal(err.exitCode, 130);
  assert.match(err.message, /cancelled by the host/);
  assert.ok(took < 150 + SLACK_MS, `stopped after ${took} ms`);
});

Deno.test("AbortSignal.timeout stops a guest spinning through fd_write", async () => {
  const [, decl, call] = SPINS[1];
  const err = await rejection(
    runtime.run(ns(), await spinner(decl, call), { signal: AbortSignal.timeout(150) }),
    WasiAbortError,
  );
  assert.equal(err.exitCode, 130);
  assert.ok(err.stdout.length > 0, "the output up to the stop is kept");
});

Deno.test("a busy guest with a signal lets the event loop run: timers fire meanwhile", async () => {
  const [, decl, call] = SPINS[0];
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  try {
    await rejection(
      runtime.run(ns(), await spinner(decl, call), {
        signal: new AbortController().signal,
        timeoutMs: 300,
      }),
      WasiAbortError,
    );
  } finally {
    clearInterval(interval);
  }
  // 300 ms of spinning, yielding every 25 ms: the 10 ms interval ran along.
  assert.ok(ticks >= 5, `the interval ran ${ticks} times`);
});

Deno.test("slicing: false trades the signal's reach for speed: only the deadline stops the spin", async () => {
  const [, decl, call] = SPINS[0];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30);
  const err = await rejection(
    runtime.run(ns(), await spinner(decl, call), {
      signal: controller.signal,
      timeoutMs: 300,
      slicing: false,
    }),
    WasiAbortError,
  );
  clearTimeout(timer);
  // The abort timer could not fire while the guest held the thread.
  assert.equal(err.timedOut, true);
  assert.equal(controller.signal.aborted, false);
});

Deno.test("slicing: true without a signal keeps the event loop going under a busy guest", async () => {
  const [, decl, call] = SPINS[1];
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  try {
    await rejection(
      runtime.run(ns(), await spinner(decl, call), { timeoutMs: 200, slicing: true }),
      WasiAbortError,
    );
  } finally {
    clearInterval(interval);
  }
  assert.ok(ticks >= 3, `the interval ran ${ticks} times`);
});

Deno.test("after every kind of stop the host is healthy: the next run works", async () => {
  for (const [, decl, call] of SPINS) {
    await rejection(
      runtime.run(ns(), await spinner(decl, call), { timeoutMs: 20 }),
      WasiAbortError,
    );
  }
  const r = await runtime.run(ns(), await fixture("basics"), { args: ["basics"] });
  assert.equal(r.exitCode, 0);
});

Deno.test("an already aborted signal or a zero timeout stops the guest before it starts", async () => {
  const [, decl, call] = SPINS[0];
  const module = await spinner(decl, call);
  const aborted = AbortSignal.abort("no");
  assert.equal(
    (await rejection(runtime.run(ns(), module, { signal: aborted }), WasiAbortError)).exitCode,
    130,
  );
  assert.equal(
    (await rejection(runtime.run(ns(), module, { timeoutMs: 0 }), WasiAbortError)).exitCode,
    124,
  );
});

Deno.test("bad stop options are refused with a clear error", async () => {
  const module = await fixture("basics");
  await assert.rejects(() => runtime.run(ns(), module, { timeoutMs: -1 }), RangeError, /timeoutMs/);
  await assert.rejects(
    () => runtime.run(ns(), module, { signal: {} as AbortSignal }),
    TypeError,
    /AbortSignal/,
  );
  await assert.rejects(
    () => runtime.run(ns(), module, { slicing: "yes" as unknown as boolean }),
    TypeError,
    /slicing/,
  );
});

Deno.test("proc_exit in the start section gives its exit code", async () => {
  const module = await wat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func $init (call $exit (i32.const 7)))
    (start $init)
    (func (export "_start") unreachable))`);
  const r = await runtime.run(ns(), module);
  assert.equal(r.exitCode, 7);
});

Deno.test("a start section that spins through an import is stopped too", async () => {
  const [, decl, call] = SPINS[0];
  const module = await wat(`(module
    ${decl}
    (memory (export "memory") 1)
    (func $init (loop $l ${call} (br $l)))
    (start $init)
    (func (export "_start")))`);
  const err = await rejection(
    runtime.run(ns(), module, { timeoutMs: 100, signal: new AbortController().signal }),
    WasiAbortError,
  );
  assert.equal(err.exitCode, 124);
});
