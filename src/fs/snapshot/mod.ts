/**
 * Snapshots: services written to a portable archive (a tar file with a
 * manifest) and read back, checked whole first. See docs/snapshots.md.
 *
 * @module
 */

export * from "./snapshot_error.ts";
export type { BaseIdentity, IdentityMode } from "./base_identity.ts";
export { baseIdentity } from "./base_identity.ts";
export type { MountCodec, RecordedBase } from "./mount_codec.ts";
export type {
  MountedService,
  MountInfo,
  RestoreOptions,
  SnapshotInfo,
  SnapshotOptions,
  SnapshotSubject,
} from "./snapshot_file.ts";
export { inspectSnapshot } from "./snapshot_file.ts";
export { restoreFs, type RestoreFsOptions, snapshotFs } from "./fs_snapshot.ts";
