/**
 * The `wasi_snapshot_preview1` import object over a namespace.
 *
 * Every function is wrapped so that it never throws into the guest: a
 * host exception becomes an errno (FsError by its code, a bad pointer
 * EFAULT, anything else EIO). Only two things unwind the guest: the exit
 * of `proc_exit` and the stop of an aborted run. The wrapper also reads
 * every i32 argument as unsigned, as the witx types all are.
 *
 * Functions that may wait (`fd_read`, `fd_pread`, `poll_oneoff`,
 * `sched_yield`) are `WebAssembly.Suspending`: they return a plain number
 * when they need not wait, and a promise (suspending the guest) when they
 * must. The guest's `_start` must then be called through
 * `WebAssembly.promising`, as {@linkcode WasiRuntime} does.
 *
 * @module
 */

import { argsEnvImports } from "./args_env.ts";
import { clockRandomImports } from "./clock_random.ts";
import { PREVIEW1_FUNCTIONS } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { fdIoImports } from "./fd_io.ts";
import { fdMetaImports } from "./fd_meta.ts";
import { pathImports } from "./path_ops.ts";
import { pollImports } from "./poll.ts";
import { procSockImports } from "./proc_sock.ts";
import { readdirImports } from "./readdir.ts";
import type { RunStop } from "./stop.ts";

/**
 * The functions that may suspend the guest.
 *
 * @example
 * ```ts
 * import { SUSPENDING_FUNCTIONS } from "./preview1.ts";
 * console.log(SUSPENDING_FUNCTIONS.includes("poll_oneoff")); // true
 * ```
 */
export const SUSPENDING_FUNCTIONS: readonly string[] = Object.freeze([
  "fd_read",
  "fd_pread",
  "poll_oneoff",
  "sched_yield",
]);

// deno-lint-ignore no-explicit-any
type AnyFn = (...args: any[]) => number | Promise<number>;

/** An i32 argument read as unsigned; i64 (bigint) arguments pass as they are. */
function u(a: unknown): unknown {
  return typeof a === "number" ? a >>> 0 : a;
}

/** Bound once: a little cheaper per call than `performance.now()`. */
const perfNow: () => number = performance.now.bind(performance);

/**
 * The check each host call makes before it runs: throws the stop, and,
 * when the run has a deadline or time slices, looks at the clock.
 */
function entryCheck(stops: RunStop, name: string): () => void {
  // clock_time_get reads the clock anyway: it checks the stop with that reading.
  if (name === "clock_time_get") return () => {};
  if (!stops.timed) {
    return () => {
      if (stops.stopped !== undefined) throw stops.stopped;
    };
  }
  return () => {
    const now = perfNow();
    if (now >= stops.nextCheck) stops.checkpoint(now);
  };
}

/**
 * Wraps `fn`: stop check, unsigned arguments, exceptions to errno. The
 * wrappers are spelled out per arity (no rest arguments) because some
 * imports (clock_time_get, fd_write) are called in tight loops.
 */
function guard(ctx: WasiContext, name: string, fn: AnyFn): AnyFn {
  const fail = (e: unknown) => ctx.errno(name, e);
  const settle = (r: number | Promise<number>) =>
    typeof r === "number" ? r : r.then(undefined, fail);
  const enter = entryCheck(ctx.stops, name);
  // deno-lint-ignore no-explicit-any
  type A = any;
  switch (fn.length) {
    case 0:
      return () => {
        enter();
        try {
          return settle(fn());
        } catch (e) {
          return fail(e);
        }
      };
    case 1:
      return (a: A) => {
        enter();
        try {
          return settle(fn(u(a)));
        } catch (e) {
          return fail(e);
        }
      };
    case 2:
      return (a: A, b: A) => {
        enter();
        try {
          return settle(fn(u(a), u(b)));
        } catch (e) {
          return fail(e);
        }
      };
    case 3:
      return (a: A, b: A, c: A) => {
        enter();
        try {
          return settle(fn(u(a), u(b), u(c)));
        } catch (e) {
          return fail(e);
        }
      };
    case 4:
      return (a: A, b: A, c: A, d: A) => {
        enter();
        try {
          return settle(fn(u(a), u(b), u(c), u(d)));
        } catch (e) {
          return fail(e);
        }
      };
    default:
      return (...args: unknown[]) => {
        enter();
        for (let i = 0; i < args.length; i++) args[i] = u(args[i]);
        try {
          return settle(fn.apply(undefined, args));
        } catch (e) {
          return fail(e);
        }
      };
  }
}

/**
 * Lets `fn` yield one event-loop turn first when a time slice has ended
 * (runs with a signal): the guest suspends, timers and other tasks run,
 * and an abort raised meanwhile stops the guest.
 */
function sliced(stops: RunStop, fn: AnyFn): AnyFn {
  return (...args: unknown[]) => {
    if (!stops.yieldDue) return fn.apply(undefined, args);
    return stops.yieldTurn().then(() => fn.apply(undefined, args));
  };
}

/**
 * Builds the import object for a guest running in `ctx`. Attach the
 * guest's memory with `ctx.attach(instance.exports.memory)` before it runs.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { createWasiImports } from "./preview1.ts";
 * import { WasiContext } from "./context.ts";
 * const ctx = new WasiContext(new MemFs());
 * const imports = createWasiImports(ctx);
 * console.log(Object.keys(imports.wasi_snapshot_preview1).length); // 46
 * ctx.close();
 * ```
 */
export function createWasiImports(
  ctx: WasiContext,
): { wasi_snapshot_preview1: Record<string, unknown> } {
  const raw: Record<string, AnyFn> = {
    ...argsEnvImports(ctx),
    ...clockRandomImports(ctx),
    ...fdIoImports(ctx),
    ...fdMetaImports(ctx),
    ...readdirImports(ctx),
    ...pathImports(ctx),
    ...pollImports(ctx),
    ...procSockImports(ctx),
  };
  const out: Record<string, unknown> = {};
  const Suspending = (WebAssembly as unknown as { Suspending?: new (f: AnyFn) => unknown })
    .Suspending;
  // A run with a signal must give the event loop a turn now and then, so
  // that the abort can happen at all: then every import may suspend.
  const slicing = ctx.stops.slicing && Suspending !== undefined;
  for (const name of PREVIEW1_FUNCTIONS) {
    const fn = raw[name];
    if (fn === undefined) throw new Error(`internal: ${name} is not implemented`);
    const wrapped = guard(ctx, name, fn);
    if (slicing) out[name] = new Suspending!(sliced(ctx.stops, wrapped));
    else if (SUSPENDING_FUNCTIONS.includes(name) && Suspending !== undefined) {
      out[name] = new Suspending(wrapped);
    } else out[name] = wrapped;
  }
  return { wasi_snapshot_preview1: out };
}
