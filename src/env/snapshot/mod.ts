/**
 * Snapshots and forks of environments and namespaces (see docs/snapshots.md).
 *
 * @module
 */

export * from "./env_snapshot.ts";
export * from "./namespace_fork.ts";
