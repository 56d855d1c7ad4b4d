/**
 * The log hook capabilities report through. Capabilities sit below the
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
