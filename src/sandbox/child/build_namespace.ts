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
import type { Namespace } from "../../namespace/namespace.ts";
import { restoreNamespace } from "../../env/snapshot/env_snapshot.ts";
import { LogsFs } from "../../services/logs_fs.ts";
import { TaskFs } from "../../services/task_fs.ts";
import type { OnLog } from "../../capabilities/log_hook.ts";
import type { JsonValue } from "../../services/json_value.ts";
import type { Manifest } from "../manifest/manifest.ts";
import {
  buildNamespaceWith,
  type BuildOptions,
  type BuiltNamespace,
  type BuiltParts,
  type CapabilityMountSpec,
  type NamespaceExtras,
} from "./namespace_core.ts";

export type { BuildOptions, BuiltNamespace } from "./namespace_core.ts";

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
  return buildNamespaceWith(manifest, options, ALL_MOUNTS);
}

/** Capability mounts and snapshots: everything the core builder leaves out. */
const ALL_MOUNTS: NamespaceExtras = { capability: capabilityService, restore: restoreNamespace };

function capabilityService(
  spec: CapabilityMountSpec,
  options: BuildOptions,
  built: BuiltParts,
): FileService {
  // Capabilities report what they drop (a full inbox, a bad event) into /logs, when mounted.
  const onLog: OnLog = (level, message, data) =>
    built.logs?.[level](message, data as JsonValue | undefined);
  switch (spec.type) {
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
