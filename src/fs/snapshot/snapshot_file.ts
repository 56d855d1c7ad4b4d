/**
 * Writing and reading whole snapshots: mounts (a path and a service each)
 * into an archive through the codecs, and back, every check made before
 * anything is built. The environment and namespace functions and the
 * single-service ones are built on these.
 *
 * @module
 */

import type { FileService } from "../types.ts";
import { ArchiveWriter, readArchive, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./archive.ts";
import {
  type BaseIdentity,
  baseIdentity,
  type IdentityMode,
  readIdentity,
} from "./base_identity.ts";
import { corrupt, JsonReader } from "./json_reader.ts";
import type { MountCodec, RecordedBase } from "./mount_codec.ts";
import { SnapshotError } from "./snapshot_error.ts";
import { checkPath } from "./tree_image.ts";
import { describeOf } from "./fs_codecs.ts";

/**
 * What an archive holds: one service, a namespace, or an environment.
 *
 * @example
 * ```ts
 * import type { SnapshotSubject } from "./snapshot_file.ts";
 * const s: SnapshotSubject = "env";
 * ```
 */
export type SnapshotSubject = "service" | "namespace" | "env";

/**
 * A service and where it is mounted.
 *
 * @example
 * ```ts
 * import type { MountedService } from "./snapshot_file.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const m: MountedService = { path: "/tmp", service: new MemFs() };
 * ```
 */
export interface MountedService {
  /** The mount point. */
  path: string;
  /** The service. */
  service: FileService;
}

/**
 * How a snapshot is taken.
 *
 * @example
 * ```ts
 * import type { SnapshotOptions } from "./snapshot_file.ts";
 * const cache = new Map();
 * const opts: SnapshotOptions = { identity: "stat", identities: cache };
 * ```
 */
export interface SnapshotOptions {
  /** How the bases of copy-on-write mounts are identified (default `content`). */
  identity?: IdentityMode;
  /**
   * A cache of base identities kept by the caller across calls, for bases
   * known not to change between them (many forks over one workspace):
   * a base found here (taken the same way) is not read again, and one
   * that is not is added.
   */
  identities?: Map<FileService, BaseIdentity>;
}

/**
 * How an archive is restored: the services it needs from the caller.
 *
 * @example
 * ```ts
 * import type { RestoreOptions } from "./snapshot_file.ts";
 * import { MapFs } from "../map_fs.ts";
 * const opts: RestoreOptions = { bases: { "/workspace": MapFs.fromObject({ "/a": "A" }) } };
 * ```
 */
export interface RestoreOptions {
  /**
   * The base of each copy-on-write mount, by mount point: the same tree
   * it stood on when the snapshot was taken (its identity is checked).
   */
  bases?: Record<string, FileService>;
  /**
   * A service for each mount the archive does not hold (capabilities,
   * real folders, ...), by mount point.
   */
  mounts?: Record<string, FileService>;
  /** A cache of base identities, as in {@linkcode SnapshotOptions}. */
  identities?: Map<FileService, BaseIdentity>;
}

/**
 * A mount as the manifest lists it.
 *
 * @example
 * ```ts
 * import type { MountInfo } from "./snapshot_file.ts";
 * const m: MountInfo = { path: "/cap/http", service: "external", kind: "http", describe: {} };
 * ```
 */
export interface MountInfo {
  /** The mount point. */
  path: string;
  /** The codec that holds it (`mem`, `map`, `cow`, `task`, `logs`), or `external`. */
  service: string;
  /** Its data entry, when the archive holds it. */
  data?: string;
  /** For a copy-on-write mount: its base. */
  base?: RecordedBase;
  /** For an external mount: the kind of the service that was mounted. */
  kind?: string;
  /** For an external mount: that service's `describe()`. */
  describe?: Record<string, unknown>;
}

/**
 * What a manifest says, besides the list of entries.
 *
 * @example
 * ```ts
 * import type { SnapshotInfo } from "./snapshot_file.ts";
 * const external = (info: SnapshotInfo) => info.mounts.filter((m) => m.service === "external");
 * ```
 */
export interface SnapshotInfo {
  /** The format version. */
  version: number;
  /** When it was taken (ISO 8601). */
  created: string;
  /** What it holds. */
  subject: SnapshotSubject;
  /** The mounts, in the order written. */
  mounts: MountInfo[];
}

function checkMap(value: unknown, what: string, mapOf: string): Record<string, FileService> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object of mount point → ${mapOf}`);
  }
  for (const [path, svc] of Object.entries(value)) {
    const s = svc as FileService;
    if (s === null || typeof s !== "object" || typeof s.open !== "function") {
      throw new TypeError(`${what}["${path}"] must be a FileService`);
    }
  }
  return value as Record<string, FileService>;
}

/** Takes identities as the options say, through their cache. */
function identities(
  cache: Map<FileService, BaseIdentity> | undefined,
): (base: FileService, mode: IdentityMode) => BaseIdentity {
  if (cache !== undefined && !(cache instanceof Map)) {
    throw new TypeError("identities must be a Map of FileService → BaseIdentity");
  }
  return (base, mode) => {
    const known = cache?.get(base);
    if (known !== undefined && known.mode === mode) return known;
    const id = baseIdentity(base, mode);
    cache?.set(base, id);
    return id;
  };
}

/**
 * Writes `mounts` into an archive. Each service goes through the first
 * codec that handles it; one that none handles is listed as `external`
 * (its kind and description only), to be given back on restore. `extra`
 * fields go into the manifest.
 *
 * @throws {TypeError} for bad options.
 *
 * @example
 * ```ts
 * import { writeSnapshot } from "./snapshot_file.ts";
 * import { FS_CODECS } from "./fs_codecs.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const tar = writeSnapshot("namespace", [{ path: "/tmp", service: new MemFs() }], FS_CODECS);
 * console.log(tar.length % 512); // 0
 * ```
 */
export function writeSnapshot(
  subject: SnapshotSubject,
  mounts: readonly MountedService[],
  codecs: readonly MountCodec[],
  options: SnapshotOptions = {},
  extra: Record<string, unknown> = {},
): Uint8Array {
  if (options === null || typeof options !== "object") {
    throw new TypeError("snapshot options must be an object");
  }
  const mode = options.identity ?? "content";
  if (mode !== "content" && mode !== "stat") {
    throw new TypeError(`options.identity must be "content" or "stat", got ${String(mode)}`);
  }
  const identityOf = identities(options.identities);
  const out = new ArchiveWriter();
  const listed: MountInfo[] = mounts.map(({ path, service }, i) => {
    const codec = codecs.find((c) => c.handles(service));
    if (codec === undefined) {
      return { path, service: "external", kind: service.kind, describe: describeOf(service) };
    }
    const captured = codec.capture(service, { out, identityOf: (b) => identityOf(b, mode) });
    const data = `mounts/${i}.json`;
    out.json(data, captured.data);
    const info: MountInfo = { path, service: codec.service, data };
    if (captured.base !== undefined) info.base = captured.base;
    return info;
  });
  const created = Date.now();
  const manifest = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    created: new Date(created).toISOString(),
    subject,
    ...extra,
    mounts: listed,
  };
  return out.finish(manifest, created);
}

/**
 * An archive read and checked, ready to build.
 *
 * @example
 * ```ts
 * import type { CheckedSnapshot } from "./snapshot_file.ts";
 * const count = (s: CheckedSnapshot) => s.info.mounts.length;
 * ```
 */
export interface CheckedSnapshot {
  /** What the manifest says. */
  info: SnapshotInfo;
  /**
   * The manifest, for the fields the caller adds (`env`): read them, then
   * call `done()`, which refuses any field nobody read.
   */
  manifest: JsonReader;
  /** Builds every mount, in order (call it once every check has passed). */
  build(): MountedService[];
}

/**
 * Reads an archive and checks everything (see {@linkcode readArchive}),
 * then every mount: its data through its codec, the base given for each
 * copy-on-write mount against the identity recorded, and a service given
 * for each external one. Nothing is built until `build()` is called.
 *
 * @throws {TypeError} for bad options, or a base or service given for a
 * mount that has no use for it.
 * @throws {SnapshotError} for a bad archive (see {@linkcode SnapshotErrorCode}).
 *
 * @example
 * ```ts
 * import { readSnapshot, writeSnapshot } from "./snapshot_file.ts";
 * import { FS_CODECS } from "./fs_codecs.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const tar = writeSnapshot("namespace", [{ path: "/tmp", service: new MemFs() }], FS_CODECS);
 * const checked = readSnapshot(tar, FS_CODECS, {});
 * checked.manifest.done();
 * console.log(checked.build()[0].path); // "/tmp"
 * ```
 */
export function readSnapshot(
  bytes: Uint8Array,
  codecs: readonly MountCodec[],
  options: RestoreOptions = {},
): CheckedSnapshot {
  if (options === null || typeof options !== "object") {
    throw new TypeError("restore options must be an object");
  }
  const bases = checkMap(options.bases, "options.bases", "base service");
  const given = checkMap(options.mounts, "options.mounts", "service");
  const identityOf = identities(options.identities);
  const archive = readArchive(bytes);
  const info = readInfo(archive.manifest);
  const builders = info.mounts.map((m, i) => {
    const where = `mount ${m.path}`;
    if (m.service === "external") {
      const svc = given[m.path];
      if (svc === undefined) {
        throw new SnapshotError(
          "missing-service",
          `${where} (${m.kind}) is not in the archive: give a service for it in options.mounts["${m.path}"]`,
        );
      }
      return () => svc;
    }
    const codec = codecs.find((c) => c.service === m.service);
    if (codec === undefined) {
      throw new SnapshotError("unsupported-service", `${where}: no codec for "${m.service}" here`);
    }
    const base = codec.needsBase ? checkedBase(m, bases[m.path], where, identityOf) : undefined;
    if (!codec.needsBase && m.base !== undefined) {
      throw corrupt(where, "a base for a mount without one");
    }
    const data = archive.json(m.data!, `${where} (mounts entry ${i})`);
    return codec.check(data, { archive, where: `${where} (${m.data})`, base });
  });
  checkNothingExtra(
    bases,
    info,
    (m) => m.base !== undefined,
    "options.bases",
    "copy-on-write mount",
  );
  checkNothingExtra(
    given,
    info,
    (m) => m.service === "external",
    "options.mounts",
    "mount it does not hold",
  );
  archive.checkAllUsed();
  return {
    info,
    manifest: archive.manifest,
    build: () => info.mounts.map((m, i) => ({ path: m.path, service: builders[i]() })),
  };
}

function checkedBase(
  m: MountInfo,
  base: FileService | undefined,
  where: string,
  identityOf: (base: FileService, mode: IdentityMode) => BaseIdentity,
): FileService {
  const recorded = m.base;
  if (recorded === undefined) throw corrupt(where, "a copy-on-write mount without its base");
  if (base === undefined) {
    throw new SnapshotError(
      "missing-service",
      `${where} is a copy-on-write layer over a ${recorded.kind} (${
        JSON.stringify(recorded.describe)
      }): give that base in options.bases["${m.path}"]`,
    );
  }
  const want = recorded.identity;
  const got = identityOf(base, want.mode);
  if (got.digest !== want.digest) {
    throw new SnapshotError(
      "wrong-base",
      `${where} was taken over a base of ${want.entries} entries and ${want.bytes} bytes (${want.digest}, by ${want.mode}); the base given has ${got.entries} entries and ${got.bytes} bytes (${got.digest})`,
    );
  }
  return base;
}

function checkNothingExtra(
  map: Record<string, FileService>,
  info: SnapshotInfo,
  wanted: (m: MountInfo) => boolean,
  what: string,
  kind: string,
): void {
  for (const path of Object.keys(map)) {
    if (!info.mounts.some((m) => m.path === path && wanted(m))) {
      throw new TypeError(`${what}["${path}"]: the archive has no ${kind} at ${path}`);
    }
  }
}

/**
 * What an archive's manifest says, after the whole archive was checked
 * (see {@linkcode readArchive}). Reads no mount's data, and needs no base:
 * for a caller that must find the bases (a workspace folder) before it can
 * restore.
 *
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @throws {SnapshotError} for a bad archive.
 *
 * @example
 * ```ts
 * import { inspectSnapshot, writeSnapshot } from "./snapshot_file.ts";
 * import { FS_CODECS } from "./fs_codecs.ts";
 * import { MemFs } from "../mem_fs.ts";
 * const tar = writeSnapshot("namespace", [{ path: "/tmp", service: new MemFs() }], FS_CODECS);
 * console.log(inspectSnapshot(tar).mounts[0].service); // "mem"
 * ```
 */
export function inspectSnapshot(bytes: Uint8Array): SnapshotInfo {
  return readInfo(readArchive(bytes).manifest);
}

function readInfo(manifest: JsonReader): SnapshotInfo {
  const created = manifest.string("created");
  if (Number.isNaN(Date.parse(created))) throw corrupt(manifest.where, `"created" is not a date`);
  const subject = manifest.oneOf("subject", ["service", "namespace", "env"] as const);
  const seen = new Set<string>();
  const mounts = manifest.array("mounts").map((raw, i) => {
    const r = JsonReader.object(raw, `${manifest.where} mounts[${i}]`);
    const path = checkPath(r.string("path"), r.where);
    if (seen.has(path)) throw corrupt(r.where, `${path} is mounted twice`);
    seen.add(path);
    const m: MountInfo = { path, service: r.string("service") };
    if (m.service === "external") {
      m.kind = r.string("kind");
      m.describe = plainObject(r.raw("describe"), r.where);
    } else {
      m.data = r.string("data");
      const base = r.optionalObject("base");
      if (base !== undefined) {
        m.base = {
          kind: base.string("kind"),
          describe: plainObject(base.raw("describe"), base.where),
          identity: readIdentity(base.object("identity")),
        };
        base.done();
      }
    }
    r.done();
    return m;
  });
  if (subject === "service" && (mounts.length !== 1 || mounts[0].path !== "/")) {
    throw corrupt(manifest.where, "a service snapshot holds one mount, at /");
  }
  return { version: SNAPSHOT_VERSION, created, subject, mounts };
}

function plainObject(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw corrupt(where, `"describe" must be an object`);
  }
  return v as Record<string, unknown>;
}
