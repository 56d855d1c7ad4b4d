/**
 * The WASI layer: a `wasi_snapshot_preview1` import object over a
 * namespace, and the runtime that runs WASI command modules in it.
 *
 * @module
 */

export * from "./constants.ts";
export * from "./errno.ts";
export * from "./errors.ts";
export * from "./memory.ts";
export * from "./inodes.ts";
export * from "./fd_table.ts";
export * from "./rights.ts";
export * from "./preopens.ts";
export * from "./stop.ts";
export * from "./stdio.ts";
export * from "./context.ts";
export * from "./paths.ts";
export * from "./stat_io.ts";
export * from "./preview1.ts";
export * from "./module_check.ts";
export * from "./wasi_runtime.ts";
