/**
 * The log hook capabilities report through, and how often a flood of
 * drops is reported. Capabilities sit below the
 * services layer, so they take a callback instead of importing LogsFs; a
 * host wires it to `logs.log(...)` or anything else.
 *
 * @module
 */

/**
 * A log hook: capabilities report (dropped events, relay notices) through
 * it instead of importing a logging service from a higher layer.
 *
 * @example
 * ```ts
 * import type { OnLog } from "@oanix/oanix";
 * const onLog: OnLog = (level, message, data) => console.log(level, message, data);
 * ```
 */
export type OnLog = (
  level: "debug" | "info" | "warn" | "error",
  message: string,
  data?: Record<string, unknown>,
) => void;

/**
 * True when a running count of dropped items should be reported: at the
 * 1st, 2nd, 4th, 8th... drop, so a flood is reported in a few lines (each
 * with the count so far) rather than one line per drop.
 *
 * @example
 * ```ts
 * import { isReportableCount } from "./log_hook.ts";
 * console.log([1, 2, 3, 4, 5, 8].filter(isReportableCount)); // [1, 2, 4, 8]
 * ```
 */
export function isReportableCount(count: number): boolean {
  return Number.isSafeInteger(count) && count > 0 && Number.isInteger(Math.log2(count));
}
