/**
 * Snapshots of namespaces and environments: every mount in one archive
 * (see docs/snapshots.md), and back.
 *
 * @module
 */

import { corrupt } from "../../fs/snapshot/json_reader.ts";
import { SnapshotError } from "../../fs/snapshot/snapshot_error.ts";
import {
  type CheckedSnapshot,
  type MountedService,
  readSnapshot,
  type RestoreOptions,
  type SnapshotOptions,
  writeSnapshot,
} from "../../fs/snapshot/snapshot_file.ts";
import { Namespace } from "../../namespace/namespace.ts";
import { describeValue } from "../../services/json_value.ts";
import { SERVICE_CODECS } from "../../services/snapshot/service_codecs.ts";
import { OanixEnv } from "../oanix_env.ts";
import { type EnvStatus, validateEnvStatus } from "../env_status.ts";

/**
 * Options for {@linkcode restoreEnv}: those of {@linkcode RestoreOptions},
 * and the environment's id.
 *
 * @example
 * ```ts
 * import type { EnvRestoreOptions } from "./env_snapshot.ts";
 * const opts: EnvRestoreOptions = { id: "replay-1", mounts: {} };
 * ```
 */
export interface EnvRestoreOptions extends RestoreOptions {
  /** The restored environment's id; by default the one it was saved with. */
  id?: string;
}

function mountsOf(ns: Namespace, fn: string): MountedService[] {
  if (!(ns instanceof Namespace)) throw new TypeError(`${fn}: expected a Namespace`);
  return ns.mounts().map(({ path, service }) => ({ path, service }));
}

/**
 * Writes every mount of a namespace to a snapshot archive: MemFs and MapFs
 * whole, CowFs as its changes with its base identified, TaskFs and LogsFs
 * with all their state; any other service (a capability, a real folder)
 * is listed as external, to be given again on restore.
 *
 * @throws {TypeError} for bad arguments.
 *
 * @example
 * ```ts
 * import { restoreNamespace, snapshotNamespace } from "./env_snapshot.ts";
 * import { Namespace } from "../../namespace/namespace.ts";
 * import { MemFs } from "../../fs/mem_fs.ts";
 * import { readText, writeText } from "../../fs/file_io.ts";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * writeText(ns, "/tmp/a", "1");
 * console.log(readText(restoreNamespace(snapshotNamespace(ns)), "/tmp/a")); // "1"
 * ```
 */
export function snapshotNamespace(ns: Namespace, options?: SnapshotOptions): Uint8Array {
  return writeSnapshot("namespace", mountsOf(ns, "snapshotNamespace"), SERVICE_CODECS, options);
}

/**
 * Reads an archive written by {@linkcode snapshotNamespace} (or
 * {@linkcode snapshotEnv}) into a new namespace equal to the one written.
 * Everything is checked before anything is built: a bad archive, a
 * missing or wrong base, or a missing external service restores nothing.
 *
 * @throws {TypeError} for bad arguments.
 * @throws {SnapshotError} for a bad archive (see {@linkcode SnapshotErrorCode}).
 *
 * @example
 * ```ts
 * import { restoreNamespace, snapshotNamespace } from "./env_snapshot.ts";
 * import { Namespace } from "../../namespace/namespace.ts";
 * import { CowFs } from "../../fs/cow_fs.ts";
 * import { MapFs } from "../../fs/map_fs.ts";
 * const base = MapFs.fromObject({ "/a": "A" });
 * const ns = Namespace.builder().mount("/w", new CowFs(base)).build();
 * const again = restoreNamespace(snapshotNamespace(ns), { bases: { "/w": base } });
 * console.log(again.mounts()[0].service.kind); // "cow"
 * ```
 */
export function restoreNamespace(archive: Uint8Array, options?: RestoreOptions): Namespace {
  const checked = readSnapshot(archive, SERVICE_CODECS, options);
  readEnvField(checked);
  checked.manifest.done();
  return namespaceOf(checked);
}

/**
 * Writes an environment to a snapshot archive: its namespace (as
 * {@linkcode snapshotNamespace} does), its id, creation time and status.
 * It can be taken at any time, mid-run included: files open for writing
 * are saved with what they hold at that moment.
 *
 * @throws {TypeError} for bad arguments.
 *
 * @example
 * ```ts
 * import { restoreEnv, snapshotEnv } from "./env_snapshot.ts";
 * import { EnvBuilder } from "../env_builder.ts";
 * import { LogsFs } from "../../services/logs_fs.ts";
 * const env = new EnvBuilder().withId("e1").mount("/logs", new LogsFs()).build();
 * env.setRunning();
 * env.logs()!.info("half way");
 * const again = restoreEnv(snapshotEnv(env));
 * console.log(again.id, again.status().state, again.logs()!.events()[0].message); // "e1" "running" "half way"
 * ```
 */
export function snapshotEnv(env: OanixEnv, options?: SnapshotOptions): Uint8Array {
  if (!(env instanceof OanixEnv)) throw new TypeError("snapshotEnv: expected an OanixEnv");
  const saved = { id: env.id, createdAt: env.createdAt, status: env.status() };
  return writeSnapshot(
    "env",
    mountsOf(env.namespace, "snapshotEnv"),
    SERVICE_CODECS,
    options,
    { env: saved },
  );
}

/**
 * Reads an archive written by {@linkcode snapshotEnv} into a new
 * environment equal to the one written: same namespace, id (unless
 * `options.id` says otherwise), creation time and status. A namespace
 * archive gives a new environment in state `created`. Everything is
 * checked first: a bad archive restores nothing.
 *
 * @throws {TypeError} for bad arguments.
 * @throws {SnapshotError} for a bad archive (see {@linkcode SnapshotErrorCode}).
 *
 * @example
 * ```ts
 * import { restoreEnv, snapshotEnv } from "./env_snapshot.ts";
 * import { EnvBuilder } from "../env_builder.ts";
 * import { MemFs } from "../../fs/mem_fs.ts";
 * const env = new EnvBuilder().mount("/tmp", new MemFs()).build();
 * console.log(restoreEnv(snapshotEnv(env), { id: "copy" }).id); // "copy"
 * ```
 */
export function restoreEnv(archive: Uint8Array, options: EnvRestoreOptions = {}): OanixEnv {
  if (options === null || typeof options !== "object") {
    throw new TypeError("restoreEnv: options must be an object");
  }
  const { id, ...rest } = options;
  if (id !== undefined && (typeof id !== "string" || id.trim() === "")) {
    throw new TypeError(`restoreEnv: id must be a non-empty string, got ${describeValue(id)}`);
  }
  const checked = readSnapshot(archive, SERVICE_CODECS, rest);
  const saved = readEnvField(checked);
  checked.manifest.done();
  const ns = namespaceOf(checked);
  if (saved === undefined) return new OanixEnv(id ?? crypto.randomUUID(), ns);
  return new OanixEnv(id ?? saved.id, ns, { createdAt: saved.createdAt, status: saved.status });
}

/** The `env` field of an environment archive (checked), or undefined for a namespace archive. */
function readEnvField(
  checked: CheckedSnapshot,
): { id: string; createdAt: number; status: EnvStatus } | undefined {
  const subject = checked.info.subject;
  if (subject === "service") {
    throw new SnapshotError(
      "unsupported-service",
      "the archive holds one service, not a namespace: restore it with restoreService",
    );
  }
  if (subject !== "env") return undefined;
  const r = checked.manifest.object("env");
  const id = r.string("id");
  if (id.trim() === "") throw corrupt(r.where, `"id" is empty`);
  const createdAt = r.number("createdAt");
  let status: EnvStatus;
  try {
    status = validateEnvStatus(r.raw("status"));
  } catch (e) {
    throw corrupt(r.where, (e as Error).message);
  }
  r.done();
  return { id, createdAt, status };
}

function namespaceOf(checked: CheckedSnapshot): Namespace {
  const b = Namespace.builder();
  for (const { path, service } of checked.build()) b.mount(path, service);
  return b.build();
}
