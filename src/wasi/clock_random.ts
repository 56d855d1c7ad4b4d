/**
 * `clock_res_get`, `clock_time_get` and `random_get`.
 *
 * The realtime clock is the host's wall clock; the monotonic clock counts
 * from the start of the run. The CPU-time clocks report the monotonic
 * clock: a guest runs on one thread and the host does not measure CPU time.
 *
 * @module
 */

import { nowNs } from "../fs/time.ts";
import { CLOCK, ERRNO } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno } from "./errors.ts";

/** The resolution reported for every clock: 1 µs. */
const RESOLUTION_NS = 1000n;
const RANDOM_CHUNK = 65536;
/** Bound once: a little cheaper per call than `performance.now()`. */
const perfNow: () => number = performance.now.bind(performance);

/**
 * The clock and randomness imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { clockRandomImports } from "./clock_random.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(Object.keys(clockRandomImports(ctx)).length); // 3
 * ctx.close();
 * ```
 */
export function clockRandomImports(ctx: WasiContext) {
  const stops = ctx.stops;
  return {
    clock_res_get(id: number, ptr: number): number {
      if (id > CLOCK.THREAD_CPUTIME_ID) throw new WasiErrno(ERRNO.INVAL, `unknown clock ${id}`);
      ctx.mem.setU64(ptr, RESOLUTION_NS);
      return ERRNO.SUCCESS;
    },
    clock_time_get(id: number, _precision: bigint, ptr: number): number {
      // The hottest import: one clock reading serves the stop check (which
      // the import wrapper leaves to it) and the monotonic answer.
      const now = perfNow();
      if (now >= stops.nextCheck) stops.checkpoint(now);
      if (id === CLOCK.MONOTONIC) ctx.mem.setU64n(ptr, ctx.monotonicNsAt(now));
      else if (id === CLOCK.REALTIME) ctx.mem.setU64(ptr, nowNs());
      else if (id <= CLOCK.THREAD_CPUTIME_ID) ctx.mem.setU64n(ptr, ctx.monotonicNsAt(now));
      else throw new WasiErrno(ERRNO.INVAL, `unknown clock ${id}`);
      return ERRNO.SUCCESS;
    },
    random_get(ptr: number, len: number): number {
      const buf = ctx.mem.bytes(ptr, len);
      for (let at = 0; at < buf.length; at += RANDOM_CHUNK) {
        crypto.getRandomValues(buf.subarray(at, Math.min(buf.length, at + RANDOM_CHUNK)));
      }
      return ERRNO.SUCCESS;
    },
  };
}
