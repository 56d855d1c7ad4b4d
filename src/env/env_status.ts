/**
 * An environment's lifecycle: created → running → completed(exit code) or
 * failed(error).
 *
 * @module
 */

import type { TransitionTable } from "../services/lifecycle.ts";
import { statusFields } from "../services/status_fields.ts";

/**
 * An environment's status. Times are milliseconds since the epoch.
 *
 * @example
 * ```ts
 * import type { EnvStatus } from "@oanix/oanix";
 * const s: EnvStatus = { state: "completed", exitCode: 0, startedAt: 1, finishedAt: 2 };
 * ```
 */
export type EnvStatus =
  | { state: "created" }
  | { state: "running"; startedAt: number }
  | { state: "completed"; exitCode: number; startedAt: number; finishedAt: number }
  | { state: "failed"; error: string; startedAt: number; finishedAt: number };

/**
 * The name of an environment state.
 *
 * @example
 * ```ts
 * import type { EnvState } from "@oanix/oanix";
 * const s: EnvState = "running";
 * ```
 */
export type EnvState = EnvStatus["state"];

/**
 * The moves an environment may make.
 *
 * @example
 * ```ts
 * import { ENV_TRANSITIONS } from "./env_status.ts";
 * console.log(ENV_TRANSITIONS.created); // ["running"]
 * ```
 */
export const ENV_TRANSITIONS: TransitionTable<EnvState> = Object.freeze({
  created: Object.freeze(["running"] as const),
  running: Object.freeze(["completed", "failed"] as const),
  completed: Object.freeze([] as const),
  failed: Object.freeze([] as const),
});

/**
 * A summary of an environment: its id, status, times and mount points.
 *
 * @example
 * ```ts
 * import { EnvBuilder, MemFs } from "@oanix/oanix";
 * const env = new EnvBuilder().mount("/tmp", new MemFs()).build();
 * const info = env.statusInfo();
 * console.log(info.state, info.mounts); // "created" ["/tmp"]
 * ```
 */
export interface EnvStatusInfo {
  /** The environment's id. */
  id: string;
  /** The current state. */
  state: EnvState;
  /** The exit code, once completed. */
  exitCode?: number;
  /** The error, once failed. */
  error?: string;
  /** When the environment was built. */
  createdAt: number;
  /** When it started running. */
  startedAt?: number;
  /** When it finished. */
  finishedAt?: number;
  /** How long it ran (finished) or has been running (running), in milliseconds. */
  durationMs?: number;
  /** The mount points, sorted. */
  mounts: string[];
}

/**
 * Checks an environment status and returns a copy.
 *
 * @throws {TypeError} naming the field, for a shape that is not one of
 * {@linkcode EnvStatus}.
 *
 * @example
 * ```ts
 * import { validateEnvStatus } from "./env_status.ts";
 * console.log(validateEnvStatus({ state: "running", startedAt: 5 })); // { state: "running", startedAt: 5 }
 * ```
 */
export function validateEnvStatus(value: unknown, what = "status"): EnvStatus {
  const { obj, time, only } = statusFields(value, what);
  switch (obj.state) {
    case "created":
      only(["state"]);
      return { state: "created" };
    case "running":
      only(["state", "startedAt"]);
      return { state: "running", startedAt: time("startedAt") };
    case "completed": {
      only(["state", "exitCode", "startedAt", "finishedAt"]);
      const code = obj.exitCode;
      if (typeof code !== "number" || !Number.isSafeInteger(code)) {
        throw new TypeError(`${what}.exitCode must be an integer`);
      }
      return {
        state: "completed",
        exitCode: code,
        startedAt: time("startedAt"),
        finishedAt: time("finishedAt"),
      };
    }
    case "failed": {
      only(["state", "error", "startedAt", "finishedAt"]);
      if (typeof obj.error !== "string") throw new TypeError(`${what}.error must be a string`);
      return {
        state: "failed",
        error: obj.error,
        startedAt: time("startedAt"),
        finishedAt: time("finishedAt"),
      };
    }
    default:
      throw new TypeError(`${what}.state must be created, running, completed or failed`);
  }
}
