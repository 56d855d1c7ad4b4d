/**
 * The namespace layer: mounts, resolution and namespace-level file operations.
 *
 * @module
 */

export * from "./mount_table.ts";
export * from "./namespace.ts";
