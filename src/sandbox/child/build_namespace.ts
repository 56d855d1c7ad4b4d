/**
 * From a manifest to a live namespace, and back to manifest data.
 *
 * @module
 */

import { AllowList } from "../../capabilities/allow_list.ts";
import { HttpFs } from "../../capabilities/http/http_fs.ts";
import { NostrFs } from "../../capabilities/nostr/nostr_fs.ts";
import { WsFs } from "../../capabilities/ws/ws_fs.ts";
import { CowFs } from "../../fs/cow_fs.ts";
import { MapFs } from "../../fs/map_fs.ts";
import { MemFs } from "../../fs/mem_fs.ts";
import type { FileService } from "../../fs/types.ts";
import { WorkspaceFs } from "../../fs/workspace_fs.ts";
import { walk } from "../../fs/walk.ts";
import { readText } from "../../fs/file_io.ts";
import { Namespace } from "../../namespace/namespace.ts";
import { restoreNamespace } from "../../env/snapshot/env_snapshot.ts";
import { LogsFs } from "../../services/logs_fs.ts";
import { TaskFs } from "../../services/task_fs.ts";
import type { OnLog } from "../../capabilities/log_hook.ts";
import type { JsonValue } from "../../services/json_value.ts";
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
 * Options for {@linkcode buildNamespace}.
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

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Builds the namespace a manifest describes. Workspaces must exist; a
 * `cow` workspace is a CowFs over a read-only WorkspaceFs.
 *
 * @example
 * ```ts
 * import { buildNamespace, readText, validateManifest } from "@oanix/oanix";
 * const m = validateManifest({ mounts: { "/etc": { type: "map", files: { "/motd": "hi" } } } }, "/");
 * console.log(readText(buildNamespace(m).namespace, "/etc/motd")); // "hi"
 * ```
 */
export function buildNamespace(manifest: Manifest, options: BuildOptions = {}): BuiltNamespace {
  const builder = Namespace.builder();
  const built: Omit<BuiltNamespace, "namespace"> = { cows: new Map() };
  // limits.disk bounds each in-memory writable service (mem mounts, cow overlays).
  const quota = manifest.limits.diskMb === undefined
    ? undefined
    : { maxBytes: Math.floor(manifest.limits.diskMb * 1024 * 1024) };
  const services: Record<string, FileService> = {};
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    services[point] = serviceFor(point, spec, manifest, options, built, quota);
  }
  if (options.restore !== undefined) return restored(manifest, options.restore, services, built);
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
  built: Omit<BuiltNamespace, "namespace">,
): BuiltNamespace {
  const bases: Record<string, FileService> = {};
  const mounts: Record<string, FileService> = {};
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const cow = built.cows.get(point);
    if (cow !== undefined) bases[point] = cow.base;
    else if (!["mem", "map", "task", "logs"].includes(spec.type)) mounts[point] = fresh[point];
  }
  const files = restoreNamespace(archive, { bases, mounts });
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
  options: BuildOptions,
  built: Omit<BuiltNamespace, "namespace">,
  quota: { maxBytes: number } | undefined,
): FileService {
  // Capabilities report what they drop (a full inbox, a bad event) into /logs, when mounted.
  const onLog: OnLog = (level, message, data) =>
    built.logs?.[level](message, data as JsonValue | undefined);
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
      return built.http = new HttpFs({
        allowList: AllowList.of(
          spec.allow.map((
            host,
          ) => (spec.methods ? { ...hostRule(host), methods: spec.methods } : host)),
        ),
        ...defined({
          maxRequestBytes: spec.maxRequestBytes,
          maxResponseBytes: spec.maxResponseBytes,
        }),
      });
    case "ws":
      return built.ws = new WsFs({
        allowList: AllowList.of(spec.allow),
        onLog,
        ...defined({ maxInboxMessages: spec.maxInboxMessages, maxInboxBytes: spec.maxInboxBytes }),
      });
    case "nostr": {
      const hosts = spec.relays.map((u) => new URL(u).host);
      const opts = {
        allowList: AllowList.of(hosts),
        onLog,
        ...defined({ maxInboxEvents: spec.maxInboxEvents, clock: options.nostrClock }),
      };
      const nostr = options.nostrKeyHex
        ? new NostrFs(hexToBytes(options.nostrKeyHex), opts)
        : NostrFs.generate(opts);
      for (const url of spec.relays) nostr.addRelay(url);
      return built.nostr = nostr;
    }
  }
}

/** `obj` without its undefined fields (options treat a present undefined as given). */
function defined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function hostRule(host: string): { host: string; ports?: number[] } {
  const m = /^(.*):(\d+)$/.exec(host);
  return m ? { host: m[1], ports: [Number(m[2])] } : { host };
}

/**
 * The manifest `mounts` data of a namespace: the inverse of
 * {@linkcode buildNamespace} for every mount type (a `map` mount loaded from
 * a folder comes back as inline files).
 *
 * @example
 * ```ts
 * import { describeMounts, MemFs, Namespace } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * console.log(describeMounts(ns)); // { "/tmp": { type: "mem" } }
 * ```
 */
export function describeMounts(namespace: Namespace): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const { path, service } of namespace.mounts()) out[path] = describeService(service);
  return out;
}

function describeService(svc: FileService): Record<string, unknown> {
  if (svc instanceof CowFs && svc.base instanceof WorkspaceFs) {
    return { type: "workspace", path: svc.base.describe().root, mode: "cow" };
  }
  if (svc instanceof WorkspaceFs) {
    const d = svc.describe();
    return { type: "workspace", path: d.root, mode: d.mode };
  }
  if (svc instanceof MemFs) return { type: "mem" };
  if (svc instanceof MapFs) {
    const files: Record<string, string> = {};
    for (const { path, stat } of walk(svc, "/")) {
      if (stat.kind === "file") files[path] = readText(svc, path);
    }
    return { type: "map", files };
  }
  if (svc instanceof LogsFs) {
    return { type: "logs", max_bytes: svc.describe().max_bytes_per_stream };
  }
  if (svc instanceof TaskFs) return { type: "task" };
  if (svc instanceof HttpFs || svc instanceof WsFs) {
    const type = svc instanceof HttpFs ? "http" : "ws";
    const rules = svc.allowList.rules();
    const methods = [...new Set(rules.flatMap((r) => r.methods ?? []))];
    const spec: Record<string, unknown> = { type, allow: svc.allowList.netHosts() ?? ["*"] };
    if (type === "http" && methods.length > 0) spec.methods = methods;
    return spec;
  }
  if (svc instanceof NostrFs) return { type: "nostr", relays: svc.relays().map((r) => r.url) };
  throw new TypeError(`a ${svc.kind} service has no manifest form`);
}
