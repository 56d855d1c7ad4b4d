/**
 * Snapshots of one file service: a MemFs, a MapFs or a CowFs in an archive
 * of its own, and back.
 *
 * @module
 */

import type { FileService } from "../types.ts";
import { FS_CODECS } from "./fs_codecs.ts";
import type { MountCodec } from "./mount_codec.ts";
import { readSnapshot, type SnapshotOptions, writeSnapshot } from "./snapshot_file.ts";
import { SnapshotError } from "./snapshot_error.ts";

/**
 * Options for {@linkcode restoreFs}.
 *
 * @example
 * ```ts
 * import type { RestoreFsOptions } from "./fs_snapshot.ts";
 * import { MapFs } from "../map_fs.ts";
 * const opts: RestoreFsOptions = { base: MapFs.fromObject({ "/a": "A" }) };
 * ```
 */
export interface RestoreFsOptions {
  /** For a CowFs: the base it stood on (its identity is checked). */
  base?: FileService;
}

/**
 * Writes one MemFs, MapFs or CowFs to a snapshot archive (a tar file, see
 * docs/snapshots.md). A CowFs is written as its changes over its base,
 * whose identity is recorded; its checkpoints are left out.
 *
 * @throws {TypeError} for a service of another kind, or bad options.
 *
 * @example
 * ```ts
 * import { restoreFs, snapshotFs } from "./fs_snapshot.ts";
 * import { MemFs } from "../mem_fs.ts";
 * import { readText, writeText } from "../file_io.ts";
 * const fs = new MemFs();
 * writeText(fs, "/notes.txt", "remember");
 * const copy = restoreFs(snapshotFs(fs));
 * console.log(readText(copy, "/notes.txt")); // "remember"
 * ```
 */
export function snapshotFs(svc: FileService, options?: SnapshotOptions): Uint8Array {
  return snapshotOne(svc, FS_CODECS, options, "snapshotFs");
}

/**
 * Reads an archive written by {@linkcode snapshotFs} into a new service
 * equal to the one written. Everything is checked before anything is
 * built: a bad archive restores nothing.
 *
 * @throws {TypeError} for bad arguments.
 * @throws {SnapshotError} for a bad archive, a missing base, or a base
 * other than the one the CowFs stood on (see {@linkcode SnapshotErrorCode}).
 *
 * @example
 * ```ts
 * import { restoreFs, snapshotFs } from "./fs_snapshot.ts";
 * import { CowFs } from "../cow_fs.ts";
 * import { MapFs } from "../map_fs.ts";
 * import { writeText } from "../file_io.ts";
 * const base = MapFs.fromObject({ "/a.txt": "A" });
 * const cow = new CowFs(base);
 * writeText(cow, "/a.txt", "B");
 * const again = restoreFs(snapshotFs(cow), { base }) as CowFs;
 * console.log(again.diff()[0].change); // "modified"
 * ```
 */
export function restoreFs(archive: Uint8Array, options: RestoreFsOptions = {}): FileService {
  return restoreOne(archive, FS_CODECS, options, "restoreFs");
}

/**
 * Writes one service through `codecs`, as the only mount, at `/`.
 *
 * @throws {TypeError} when no codec handles it.
 *
 * @example
 * ```ts
 * import { snapshotOne } from "./fs_snapshot.ts";
 * import { FS_CODECS } from "./fs_codecs.ts";
import type { MountCodec } from "./mount_codec.ts";
 * import { MemFs } from "../mem_fs.ts";
 * console.log(snapshotOne(new MemFs(), FS_CODECS, {}, "snapshot").length > 0); // true
 * ```
 */
export function snapshotOne(
  svc: FileService,
  codecs: readonly MountCodec[],
  options: SnapshotOptions | undefined,
  fn: string,
): Uint8Array {
  if (!codecs.some((c) => c.handles(svc))) {
    throw new TypeError(
      `${fn}: ${codecs.map((c) => c.service).join(", ")} services can be written, not ${
        kindOf(svc)
      }`,
    );
  }
  return writeSnapshot("service", [{ path: "/", service: svc }], codecs, options);
}

/**
 * Reads a one-service archive through `codecs`.
 *
 * @throws {TypeError} for bad arguments.
 * @throws {SnapshotError} for a bad archive, or one holding more than a service.
 *
 * @example
 * ```ts
 * import { restoreOne, snapshotOne } from "./fs_snapshot.ts";
 * import { FS_CODECS } from "./fs_codecs.ts";
import type { MountCodec } from "./mount_codec.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const tar = snapshotOne(new MemFs(), FS_CODECS, {}, "snapshot");
 * console.log(restoreOne(tar, FS_CODECS, {}, "restore").kind); // "mem"
 * ```
 */
export function restoreOne(
  archive: Uint8Array,
  codecs: readonly MountCodec[],
  options: RestoreFsOptions,
  fn: string,
): FileService {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${fn}: options must be an object`);
  }
  const checked = readSnapshot(
    archive,
    codecs,
    options.base === undefined ? {} : { bases: { "/": options.base } },
  );
  if (checked.info.subject !== "service") {
    throw new SnapshotError(
      "unsupported-service",
      `the archive holds a ${checked.info.subject}, not one service: restore it with restoreNamespace or restoreEnv`,
    );
  }
  checked.manifest.done();
  return checked.build()[0].service;
}

function kindOf(svc: unknown): string {
  if (svc === null || typeof svc !== "object") return String(svc);
  const kind = (svc as FileService).kind;
  return typeof kind === "string" ? `a "${kind}" service` : "that";
}
