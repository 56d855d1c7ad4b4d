/**
 * The file contract and the primitive file services.
 *
 * @module
 */

export * from "./errors.ts";
export * from "./path.ts";
export * from "./types.ts";
export * from "./time.ts";
export * from "./open_flags.ts";
export * from "./byte_buffer.ts";
export * from "./buffer_handle.ts";
export * from "./file_io.ts";
export * from "./mem_fs.ts";
export * from "./map_fs.ts";
export * from "./func_fs.ts";
export * from "./walk.ts";
export { CowFs, type CowFsOptions } from "./cow_fs.ts";
export type { CowChange, CowChangeType } from "./cow_diff.ts";
export * from "./workspace_fs.ts";
