/**
 * Checking on the host that a manifest can start from its `restore:`
 * archive: the archive reads, it holds the manifest's mounts (by point and
 * kind), and each cow mount's folder is the base its overlay was saved
 * over. What the child would otherwise find halfway is refused up front.
 *
 * @module
 */

import { WorkspaceFs } from "../../fs/workspace_fs.ts";
import { baseIdentity } from "../../fs/snapshot/base_identity.ts";
import { SnapshotError } from "../../fs/snapshot/snapshot_error.ts";
import { inspectSnapshot, type MountInfo } from "../../fs/snapshot/snapshot_file.ts";
import type { Manifest, MountSpec } from "../manifest/manifest.ts";

/** How a manifest's mount is kept in a snapshot. */
function savedAs(spec: MountSpec): string {
  if (spec.type === "workspace") return spec.mode === "cow" ? "cow" : "external";
  if (spec.type === "mem" || spec.type === "map" || spec.type === "task" || spec.type === "logs") {
    return spec.type;
  }
  return "external";
}

function kindOf(m: MountInfo): string {
  return m.service === "external" ? `external ${m.kind ?? ""}`.trim() : m.service;
}

/**
 * The problems of starting `manifest` from `archive` (the bytes of its
 * `restore:` file); none when it can.
 *
 * @example
 * ```ts ignore
 * const problems = restoreProblems(manifest, await Deno.readFile(manifest.restore!));
 * ```
 */
export function restoreProblems(manifest: Manifest, archive: Uint8Array): string[] {
  let mounts: MountInfo[];
  try {
    const info = inspectSnapshot(archive);
    if (info.subject === "service") {
      return ["it is a snapshot of one service: restore needs a namespace's or an environment's"];
    }
    mounts = info.mounts;
  } catch (e) {
    if (e instanceof SnapshotError) return [`not a usable snapshot (${e.code}): ${e.message}`];
    throw e;
  }
  const problems: string[] = [];
  const saved = new Map(mounts.map((m) => [m.path, m]));
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const m = saved.get(point);
    if (m === undefined) {
      problems.push(`it has no mount at ${point}`);
      continue;
    }
    if (m.service !== savedAs(spec)) {
      problems.push(`${point} was ${kindOf(m)} when saved; the manifest mounts ${spec.type} there`);
      continue;
    }
    if (m.service === "cow" && spec.type === "workspace" && m.base !== undefined) {
      let now;
      try {
        now = baseIdentity(WorkspaceFs.readonly(spec.path), m.base.identity.mode);
      } catch {
        continue; // the folder itself is reported missing or unreadable by its own check
      }
      if (now.digest !== m.base.identity.digest) {
        problems.push(
          `${point}: ${spec.path} is not the folder the snapshot was taken over ` +
            `(${now.entries} entries now, ${m.base.identity.entries} then; ` +
            `compared by ${m.base.identity.mode})`,
        );
      }
    }
  }
  for (const point of saved.keys()) {
    if (!(point in manifest.mounts)) problems.push(`it has a mount at ${point} the manifest lacks`);
  }
  return problems;
}
