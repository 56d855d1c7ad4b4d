/**
 * The standard services: TaskFs (a task's spec, status and result) and
 * LogsFs (stdout, stderr and structured events).
 *
 * @module
 */

export * from "./json_value.ts";
export * from "./lifecycle.ts";
export * from "./task_spec.ts";
export * from "./task_status.ts";
export * from "./task_fs.ts";
export * from "./log_event.ts";
export type {
  LogBytesState,
  LogDropCounts,
  LogEventsState,
  LogRecord,
  LogStream,
} from "./log_streams.ts";
export * from "./logs_fs.ts";
