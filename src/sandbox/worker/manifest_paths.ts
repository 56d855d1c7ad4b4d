/**
 * Every host path a validated manifest names, with what it is: what a
 * submitter copies into the store, and what a worker checks before it runs
 * a job from a queue.
 *
 * @module
 */

import { dirname } from "node:path/posix";
import type { Manifest, ProgramSpec } from "../manifest/manifest.ts";

/**
 * One host path of a manifest: `folder` (a workspace or a map's dir),
 * `program` (a WASI file, or a module agent, which brings its folder:
 * `root`), `file` (stdin), `transcript` (a replay, which brings its
 * `cap-bodies` folder), or `secret` (a key or secret file).
 *
 * @example
 * ```ts
 * import type { HostPath } from "./manifest_paths.ts";
 * const p: HostPath = { field: "mounts./workspace.path", path: "/srv/project", kind: "folder" };
 * ```
 */
export interface HostPath {
  /** The manifest field, dotted. */
  field: string;
  /** The absolute host path. */
  path: string;
  /** What it is. */
  kind: "folder" | "program" | "file" | "transcript" | "secret";
  /** For a module program: the folder its local imports must lie in. */
  root?: string;
}

/**
 * The host paths of a program (a trial's agent, or a checker); `prefix`
 * is the field of the program.
 *
 * @example
 * ```ts
 * import { programHostPaths } from "./manifest_paths.ts";
 * const paths = programHostPaths({ kind: "module", path: "/a/main.ts", args: [], env: {} });
 * console.log(paths[0].root); // "/a"
 * ```
 */
export function programHostPaths(program: ProgramSpec, prefix = "program"): HostPath[] {
  const out: HostPath[] = [];
  const field = `${prefix}.${program.kind === "wasi" ? "wasi" : "module"}`;
  out.push(
    program.kind === "module"
      ? { field, path: program.path, kind: "program", root: program.root ?? dirname(program.path) }
      : { field, path: program.path, kind: "program" },
  );
  if (program.stdinFile !== undefined) {
    out.push({ field: `${prefix}.stdin_file`, path: program.stdinFile, kind: "file" });
  }
  return out;
}

/**
 * Every host path `manifest` names.
 *
 * @example
 * ```ts
 * import { parseManifest } from "../manifest/load_manifest.ts";
 * import { manifestHostPaths } from "./manifest_paths.ts";
 * const m = parseManifest("mounts:\n  /w: { type: workspace, path: ./p, mode: cow }\n", "/srv");
 * console.log(manifestHostPaths(m).map((p) => p.path)); // ["/srv/p"]
 * ```
 */
export function manifestHostPaths(manifest: Manifest): HostPath[] {
  const out: HostPath[] = [];
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const at = `mounts.${point}`;
    if (spec.type === "workspace") {
      out.push({ field: `${at}.path`, path: spec.path, kind: "folder" });
    }
    if (spec.type === "map" && spec.dir !== undefined) {
      out.push({ field: `${at}.dir`, path: spec.dir, kind: "folder" });
    }
    if (spec.type === "nostr" && spec.keyFile !== undefined) {
      out.push({ field: `${at}.key_file`, path: spec.keyFile, kind: "secret" });
    }
    if (spec.type === "http") {
      for (const [name, secret] of Object.entries(spec.secrets ?? {})) {
        if (secret.file !== undefined) {
          out.push({ field: `${at}.secrets.${name}.file`, path: secret.file, kind: "secret" });
        }
      }
    }
  }
  if (manifest.program !== undefined) out.push(...programHostPaths(manifest.program));
  if (manifest.replay !== undefined) {
    out.push({ field: "replay", path: manifest.replay, kind: "transcript" });
  }
  return out;
}
