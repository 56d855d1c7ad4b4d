/**
 * A task's status: the content of `/task/status`, and the moves it allows.
 *
 * @module
 */

import type { TransitionTable } from "./lifecycle.ts";
import { statusFields } from "./status_fields.ts";

/**
 * A task's status, exactly as `/status` serves it (times are milliseconds
 * since the epoch).
 *
 * @example
 * ```ts
 * import type { TaskStatus } from "@oanix/oanix";
 * const s: TaskStatus = { status: "failed", finished_at: 1_700_000_000_000, error: "boom" };
 * ```
 */
export type TaskStatus =
  | { status: "pending" }
  | { status: "running"; started_at: number }
  | { status: "completed"; finished_at: number }
  | { status: "failed"; finished_at: number; error: string };

/**
 * The name of a task state.
 *
 * @example
 * ```ts
 * import type { TaskState } from "@oanix/oanix";
 * const s: TaskState = "running";
 * ```
 */
export type TaskState = TaskStatus["status"];

/**
 * The moves a task may make: pending → running → completed or failed.
 *
 * @example
 * ```ts
 * import { TASK_TRANSITIONS } from "./task_status.ts";
 * console.log(TASK_TRANSITIONS.running); // ["completed", "failed"]
 * ```
 */
export const TASK_TRANSITIONS: TransitionTable<TaskState> = Object.freeze({
  pending: Object.freeze(["running"] as const),
  running: Object.freeze(["completed", "failed"] as const),
  completed: Object.freeze([] as const),
  failed: Object.freeze([] as const),
});

/**
 * Checks a task status (as `/status` serves it) and returns a copy.
 *
 * @param value what to check
 * @param what its name in error messages
 * @throws {TypeError} naming the field, for a shape that is not one of
 * {@linkcode TaskStatus}.
 *
 * @example
 * ```ts
 * import { validateTaskStatus } from "./task_status.ts";
 * console.log(validateTaskStatus({ status: "running", started_at: 5 })); // { status: "running", started_at: 5 }
 * ```
 */
export function validateTaskStatus(value: unknown, what = "status"): TaskStatus {
  const { obj, time, only } = statusFields(value, what);
  switch (obj.status) {
    case "pending":
      only(["status"]);
      return { status: "pending" };
    case "running":
      only(["status", "started_at"]);
      return { status: "running", started_at: time("started_at") };
    case "completed":
      only(["status", "finished_at"]);
      return { status: "completed", finished_at: time("finished_at") };
    case "failed": {
      only(["status", "finished_at", "error"]);
      if (typeof obj.error !== "string") throw new TypeError(`${what}.error must be a string`);
      return { status: "failed", finished_at: time("finished_at"), error: obj.error };
    }
    default:
      throw new TypeError(`${what}.status must be pending, running, completed or failed`);
  }
}
