/**
 * Building a namespace from a manifest, as far as files and services go
 * (workspaces, mem, map, logs, task). Capability mounts and starting from
 * a snapshot come as {@linkcode NamespaceExtras}: the public
 * `buildNamespace` (`build_namespace.ts`) passes them; the sandboxed
 * child's plain environment does not, so its bundle leaves out the
 * capabilities, the Nostr keys and the snapshot archives (about a third
 * less to load at every start).
 *
 * Not part of the public API.
 *
 * @module
 */

import { CowFs } from "../../fs/cow_fs.ts";
import { MapFs } from "../../fs/map_fs.ts";
import { MemFs } from "../../fs/mem_fs.ts";
import type { FileService } from "../../fs/types.ts";
import { WorkspaceFs } from "../../fs/workspace_fs.ts";
import { Namespace } from "../../namespace/namespace.ts";
import { LogsFs } from "../../services/logs_fs.ts";
import { TaskFs } from "../../services/task_fs.ts";
import type { HttpFs } from "../../capabilities/http/http_fs.ts";
import type { NostrFs } from "../../capabilities/nostr/nostr_fs.ts";
import type { WsFs } from "../../capabilities/ws/ws_fs.ts";
import type { Manifest, MountSpec } from "../manifest/manifest.ts";
import { mapFsFromDir } from "./map_from_dir.ts";

/**
 * A namespace built from a manifest, with handles on the services the host
 * drives (the task, the logs, the capabilities, the copy-on-write layers).
 *
 * @example
 * ```ts
 * import { buildNamespace, validateManifest } from "@oanix/oanix";
 * const built = buildNamespace(validateManifest({ mounts: { "/tmp": "mem" } }, "/"));
 * console.log(built.namespace.mounts().length); // 1
 * ```
 */
export interface BuiltNamespace {
  /** The namespace. */
  namespace: Namespace;
  /** The TaskFs, when one is mounted. */
  task?: TaskFs;
  /** The LogsFs, when one is mounted. */
  logs?: LogsFs;
  /** The HttpFs, when one is mounted. */
  http?: HttpFs;
  /** The WsFs, when one is mounted. */
  ws?: WsFs;
  /** The NostrFs, when one is mounted. */
  nostr?: NostrFs;
  /** Copy-on-write layers over workspaces, by mount point. */
  cows: Map<string, CowFs>;
}

/**
 * Options for building a namespace (see `buildNamespace`).
 *
 * @example
 * ```ts
 * import type { BuildOptions } from "@oanix/oanix";
 * const opts: BuildOptions = { nostrKeyHex: "11".repeat(32) };
 * ```
 */
export interface BuildOptions {
  /** The Nostr secret key (hex); a fresh key is made when absent. */
  nostrKeyHex?: string;
  /** The clock a NostrFs dates its events with (an executor's, when it records or replays). */
  nostrClock?: () => number;
  /**
   * A snapshot archive to start from: the files of its mem and map mounts
   * and cow overlays as saved (over the manifest's bases). The rest is
   * built fresh: folders and capabilities, and the task and logs (a run
   * from a snapshot is a new attempt at the task).
   */
  restore?: Uint8Array;
}

/**
 * A capability mount's spec.
 *
 * @example
 * ```ts
 * import type { CapabilityMountSpec } from "./namespace_core.ts";
 * const spec: CapabilityMountSpec = { type: "ws", allow: ["127.0.0.1:8080"] };
 * ```
 */
export type CapabilityMountSpec = Extract<MountSpec, { type: "http" | "ws" | "nostr" }>;

/** The built parts so far: what a mount's service is recorded in. */
export type BuiltParts = Omit<BuiltNamespace, "namespace">;

/**
 * What a builder adds beyond files and services.
 *
 * @example
 * ```ts ignore
 * const extras: NamespaceExtras = { capability: capabilityService, restore: restoreNamespace };
 * ```
 */
export interface NamespaceExtras {
  /** The service of a capability mount, recorded in `built` (`built.http`, ...). */
  capability(spec: CapabilityMountSpec, options: BuildOptions, built: BuiltParts): FileService;
  /** The namespace of a snapshot archive over fresh `bases` (of cow mounts) and `mounts`. */
  restore(
    archive: Uint8Array,
    sources: { bases: Record<string, FileService>; mounts: Record<string, FileService> },
  ): Namespace;
}

/**
 * Builds the namespace `manifest` describes, with `extras` for capability
 * mounts and snapshots (without them, a manifest that has either is an
 * error: the runner starts such runs with the full environment).
 *
 * @throws {Error} for a mount or a restore these parts cannot build.
 *
 * @example
 * ```ts
 * import { validateManifest } from "@oanix/oanix";
 * import { buildNamespaceWith } from "./namespace_core.ts";
 * const built = buildNamespaceWith(validateManifest({ mounts: { "/tmp": "mem" } }, "/"), {});
 * console.log(built.namespace.mounts().length); // 1
 * ```
 */
export function buildNamespaceWith(
  manifest: Manifest,
  options: BuildOptions,
  extras?: NamespaceExtras,
): BuiltNamespace {
  const built: BuiltParts = { cows: new Map() };
  // limits.disk bounds each in-memory writable service (mem mounts, cow overlays).
  const quota = manifest.limits.diskMb === undefined
    ? undefined
    : { maxBytes: Math.floor(manifest.limits.diskMb * 1024 * 1024) };
  const services: Record<string, FileService> = {};
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    services[point] = serviceFor(point, spec, manifest, built, quota, (capability) => {
      if (extras === undefined) {
        throw new Error(`a ${capability.type} mount needs the capabilities`);
      }
      return extras.capability(capability, options, built);
    });
  }
  if (options.restore !== undefined) {
    if (extras === undefined) throw new Error("starting from a snapshot needs the snapshot reader");
    return restored(manifest, options.restore, services, built, extras);
  }
  const builder = Namespace.builder();
  for (const [point, service] of Object.entries(services)) builder.mount(point, service);
  return { namespace: builder.build(), ...built };
}

/**
 * The namespace of a snapshot: its files restored (cow overlays over the
 * fresh bases), the task, logs, folders and capabilities as built. The
 * archive's own checks hold (its structure, hashes, version, each base's
 * identity): a mismatch throws a SnapshotError.
 */
function restored(
  manifest: Manifest,
  archive: Uint8Array,
  fresh: Record<string, FileService>,
  built: BuiltParts,
  extras: NamespaceExtras,
): BuiltNamespace {
  const bases: Record<string, FileService> = {};
  const mounts: Record<string, FileService> = {};
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const cow = built.cows.get(point);
    if (cow !== undefined) bases[point] = cow.base;
    else if (!["mem", "map", "task", "logs"].includes(spec.type)) mounts[point] = fresh[point];
  }
  const files = extras.restore(archive, { bases, mounts });
  const saved = files.mounts().map((m) => m.path).sort();
  const wanted = Object.keys(manifest.mounts).sort();
  if (saved.join("\n") !== wanted.join("\n")) {
    throw new Error(
      `the snapshot's mounts (${saved.join(", ")}) are not the manifest's (${wanted.join(", ")})`,
    );
  }
  const builder = Namespace.builder();
  for (const { path, service } of files.mounts()) {
    const spec = manifest.mounts[path];
    if (spec?.type === "task" || spec?.type === "logs") builder.mount(path, fresh[path]);
    else {
      if (service instanceof CowFs) built.cows.set(path, service);
      builder.mount(path, service);
    }
  }
  return { namespace: builder.build(), ...built };
}

function serviceFor(
  point: string,
  spec: MountSpec,
  manifest: Manifest,
  built: BuiltParts,
  quota: { maxBytes: number } | undefined,
  capability: (spec: CapabilityMountSpec) => FileService,
): FileService {
  switch (spec.type) {
    case "workspace": {
      if (spec.mode === "rw") return new WorkspaceFs(spec.path);
      const ro = WorkspaceFs.readonly(spec.path);
      if (spec.mode === "ro") return ro;
      const cow = new CowFs(ro, quota);
      built.cows.set(point, cow);
      return cow;
    }
    case "mem":
      return new MemFs(quota);
    case "map":
      return spec.dir !== undefined ? mapFsFromDir(spec.dir) : MapFs.fromObject(spec.files ?? {});
    case "logs":
      return built.logs = new LogsFs(
        spec.maxBytes === undefined ? {} : { maxBytesPerStream: spec.maxBytes },
      );
    case "task": {
      const t = manifest.task!;
      return built.task = new TaskFs(
        { id: t.id, type: t.type, description: t.description, input: t.input as never },
        t.meta as never,
      );
    }
    case "http":
    case "ws":
    case "nostr":
      return capability(spec);
  }
}
