/**
 * Snapshots of the standard services (TaskFs, LogsFs) beside the file
 * services'.
 *
 * @module
 */

export * from "./service_snapshot.ts";
