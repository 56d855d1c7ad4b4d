/**
 * Forking a namespace: every mount forked, shared or replaced, each fork
 * independent of the others and of the namespace it came from.
 *
 * @module
 */

import { MapFs } from "../../fs/map_fs.ts";
import { normalizePath } from "../../fs/path.ts";
import type { FileService } from "../../fs/types.ts";
import { WorkspaceFs } from "../../fs/workspace_fs.ts";
import { Namespace } from "../../namespace/namespace.ts";

/**
 * How a namespace (or an environment) is forked.
 *
 * @example
 * ```ts
 * import type { ForkOptions } from "./namespace_fork.ts";
 * import { MemFs } from "../../fs/mem_fs.ts";
 * const opts: ForkOptions = { share: ["/cache"], mounts: { "/scratch": new MemFs() } };
 * ```
 */
export interface ForkOptions {
  /**
   * Mount points whose service the fork shares as it is (its changes seen
   * by both): for services that cannot be forked and are safe to share.
   */
  share?: string[];
  /**
   * A service for the fork to have at a mount point in place of the one
   * there (a fresh HttpFs for each fork, say).
   */
  mounts?: Record<string, FileService>;
}

/** A service that makes independent copies of itself. */
interface Forkable extends FileService {
  fork(): FileService;
}

function isForkable(svc: FileService): svc is Forkable {
  return typeof (svc as Partial<Forkable>).fork === "function";
}

/** Services that never change, so every fork may share them. */
function isImmutable(svc: FileService): boolean {
  return svc instanceof MapFs || (svc instanceof WorkspaceFs && svc.readOnly);
}

/**
 * A new namespace with the same mount points, each independent of this
 * one's: services that can fork are forked (CowFs and MemFs in constant
 * time whatever they hold, TaskFs and LogsFs copied), services that never
 * change (MapFs, read-only WorkspaceFs) are shared, a namespace mounted
 * inside is forked the same way, and anything else must be named in
 * `options.share` (shared as it is) or given in `options.mounts`
 * (replaced). Everything is checked before anything is forked.
 *
 * @throws {TypeError} for a mount that cannot be forked, or options that
 * name no mount point.
 *
 * @example
 * ```ts
 * import { forkNamespace } from "./namespace_fork.ts";
 * import { Namespace } from "../../namespace/namespace.ts";
 * import { MemFs } from "../../fs/mem_fs.ts";
 * import { readText, writeText } from "../../fs/file_io.ts";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * writeText(ns, "/tmp/a", "1");
 * const copy = forkNamespace(ns);
 * writeText(copy, "/tmp/a", "2");
 * console.log(readText(ns, "/tmp/a"), readText(copy, "/tmp/a")); // "1" "2"
 * ```
 */
export function forkNamespace(ns: Namespace, options: ForkOptions = {}): Namespace {
  if (!(ns instanceof Namespace)) throw new TypeError("forkNamespace: expected a Namespace");
  if (options === null || typeof options !== "object") {
    throw new TypeError("forkNamespace: options must be an object");
  }
  const share = new Set((options.share ?? []).map((p) => mountPointOf(p, "options.share")));
  const replace = new Map(
    Object.entries(options.mounts ?? {}).map(([p, svc]) => {
      if (svc === null || typeof svc !== "object" || typeof svc.open !== "function") {
        throw new TypeError(`options.mounts["${p}"] must be a FileService`);
      }
      return [mountPointOf(p, "options.mounts"), svc] as const;
    }),
  );
  const mounts = ns.mounts();
  for (const p of [...share, ...replace.keys()]) {
    if (!mounts.some((m) => m.path === p)) throw new TypeError(`fork: nothing is mounted at ${p}`);
    if (share.has(p) && replace.has(p)) {
      throw new TypeError(`fork: ${p} is both shared and replaced`);
    }
  }
  const plans = mounts.map(({ path, service }): () => FileService => {
    const given = replace.get(path);
    if (given !== undefined) return () => given;
    if (share.has(path) || isImmutable(service)) return () => service;
    if (service instanceof Namespace) return forkPlan(service);
    if (isForkable(service)) return () => service.fork();
    throw new TypeError(
      `fork: ${path} (${service.kind}) cannot be forked: give the fork a service of its own in options.mounts["${path}"], or share this one with options.share`,
    );
  });
  const b = Namespace.builder();
  mounts.forEach(({ path }, i) => b.mount(path, plans[i]()));
  return b.build();
}

/** Checks that a nested namespace can be forked without options, and returns how. */
function forkPlan(ns: Namespace): () => Namespace {
  for (const { path, service } of ns.mounts()) {
    if (
      !isImmutable(service) && !isForkable(service) && !(service instanceof Namespace)
    ) {
      throw new TypeError(
        `fork: ${path} (${service.kind}) in a nested namespace cannot be forked; share or replace the whole namespace`,
      );
    }
    if (service instanceof Namespace) forkPlan(service);
  }
  return () => forkNamespace(ns);
}

function mountPointOf(path: unknown, what: string): string {
  if (typeof path !== "string") throw new TypeError(`${what}: mount points must be strings`);
  return normalizePath(path);
}
