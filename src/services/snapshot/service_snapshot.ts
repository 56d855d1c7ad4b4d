/**
 * Snapshots of one service of any standard kind: MemFs, MapFs, CowFs,
 * TaskFs or LogsFs, in an archive of its own, and back.
 *
 * @module
 */

import { type RestoreFsOptions, restoreOne, snapshotOne } from "../../fs/snapshot/fs_snapshot.ts";
import type { SnapshotOptions } from "../../fs/snapshot/snapshot_file.ts";
import type { FileService } from "../../fs/types.ts";
import { SERVICE_CODECS } from "./service_codecs.ts";

/**
 * Writes one MemFs, MapFs, CowFs, TaskFs or LogsFs to a snapshot archive
 * (see docs/snapshots.md).
 *
 * @throws {TypeError} for a service of another kind, or bad options.
 *
 * @example
 * ```ts
 * import { restoreService, snapshotService } from "./service_snapshot.ts";
 * import { TaskFs } from "../task_fs.ts";
 * const task = new TaskFs({ id: "t1", type: "demo", description: "", input: null });
 * task.setRunning();
 * const copy = restoreService(snapshotService(task)) as TaskFs;
 * console.log(copy.status().status); // "running"
 * ```
 */
export function snapshotService(svc: FileService, options?: SnapshotOptions): Uint8Array {
  return snapshotOne(svc, SERVICE_CODECS, options, "snapshotService");
}

/**
 * Reads an archive written by `snapshotService` (or `snapshotFs`) into a
 * new service equal to the one written; everything is checked first.
 *
 * @throws {TypeError} for bad arguments.
 * @throws {SnapshotError} for a bad archive, or a missing or wrong base.
 *
 * @example
 * ```ts
 * import { restoreService, snapshotService } from "./service_snapshot.ts";
 * import { LogsFs } from "../logs_fs.ts";
 * const logs = new LogsFs();
 * logs.info("hello");
 * console.log((restoreService(snapshotService(logs)) as LogsFs).events()[0].message); // "hello"
 * ```
 */
export function restoreService(archive: Uint8Array, options: RestoreFsOptions = {}): FileService {
  return restoreOne(archive, SERVICE_CODECS, options, "restoreService");
}
