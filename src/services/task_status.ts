/**
 * A task's status: the content of `/task/status`, and the moves it allows.
 *
 * @module
 */

import type { TransitionTable } from "./lifecycle.ts";

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
