/**
 * Clock helpers: file times are kept in nanoseconds.
 *
 * @module
 */

/**
 * The wall-clock time in nanoseconds since the epoch (microsecond precision).
 *
 * @example
 * ```ts
 * import { nowNs } from "./time.ts";
 * console.log(nowNs() > 0n); // true
 * ```
 */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) *
    1000n;
}

/**
 * Converts nanoseconds to (fractional) milliseconds.
 *
 * @example
 * ```ts
 * import { nsToMs } from "./time.ts";
 * console.log(nsToMs(1_500_000n)); // 1.5
 * ```
 */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

/**
 * Converts milliseconds to nanoseconds.
 *
 * @example
 * ```ts
 * import { msToNs } from "./time.ts";
 * console.log(msToNs(1.5)); // 1500000n
 * ```
 */
export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}
