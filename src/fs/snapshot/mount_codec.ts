/**
 * How one kind of service goes into a snapshot archive and comes back out:
 * the contract every codec (MemFs, MapFs, CowFs here; TaskFs and LogsFs in
 * the services layer) fulfils.
 *
 * @module
 */

import type { FileService } from "../types.ts";
import type { ArchiveWriter, SnapshotArchive } from "./archive.ts";
import type { BaseIdentity } from "./base_identity.ts";

/**
 * The base of an overlay as a manifest records it: its kind, its
 * `describe()` (where it lives, for the one who restores) and its identity.
 *
 * @example
 * ```ts
 * import type { RecordedBase } from "./mount_codec.ts";
 * const b: RecordedBase = {
 *   kind: "workspace",
 *   describe: { root: "/home/me/repo", mode: "ro" },
 *   identity: { mode: "content", digest: "sha256:…", entries: 10, bytes: 999 },
 * };
 * ```
 */
export interface RecordedBase {
  /** The base's `kind`. */
  kind: string;
  /** The base's `describe()`. */
  describe: Record<string, unknown>;
  /** Its identity when the snapshot was taken. */
  identity: BaseIdentity;
}

/**
 * What a codec is given while a snapshot is written.
 *
 * @example
 * ```ts
 * import type { CaptureContext } from "./mount_codec.ts";
 * const entryCount = (ctx: CaptureContext) => ctx.out;
 * ```
 */
export interface CaptureContext {
  /** Where file contents go (`out.blob(bytes)` gives the entry name to record). */
  readonly out: ArchiveWriter;
  /** The identity of an overlay's base, taken as the options say. */
  identityOf(base: FileService): BaseIdentity;
}

/**
 * What a codec makes of a service: its data (the mount's JSON entry) and,
 * for an overlay, its base.
 *
 * @example
 * ```ts
 * import type { Captured } from "./mount_codec.ts";
 * const c: Captured = { data: { entries: [] } };
 * ```
 */
export interface Captured {
  /** The mount's data, written as its JSON entry. */
  data: unknown;
  /** For an overlay: its base. */
  base?: RecordedBase;
}

/**
 * What a codec is given while an archive is read.
 *
 * @example
 * ```ts
 * import type { RestoreContext } from "./mount_codec.ts";
 * const where = (ctx: RestoreContext) => ctx.where;
 * ```
 */
export interface RestoreContext {
  /** The archive, checked whole already. */
  readonly archive: SnapshotArchive;
  /** Where the data is, for messages (`mount /workspace (mounts/0.json)`). */
  readonly where: string;
  /**
   * For an overlay: the base given by the caller, whose identity was
   * checked against the recorded one already.
   */
  readonly base: FileService | undefined;
}

/**
 * One kind of service in archives.
 *
 * @example
 * ```ts
 * import type { MountCodec } from "./mount_codec.ts";
 * const names = (codecs: MountCodec[]) => codecs.map((c) => c.service);
 * ```
 */
export interface MountCodec {
  /** Its name in manifests (`mem`, `cow`, ...). */
  readonly service: string;
  /** True when it restores onto a base the caller gives (an overlay). */
  readonly needsBase: boolean;
  /** True when this codec captures `svc`. */
  handles(svc: FileService): boolean;
  /** Writes `svc` out: file contents to `ctx.out`, the rest as returned data. */
  capture(svc: FileService, ctx: CaptureContext): Captured;
  /**
   * Checks the data completely (throwing a SnapshotError) and returns what
   * builds the service, which must not fail.
   */
  check(data: unknown, ctx: RestoreContext): () => FileService;
}
