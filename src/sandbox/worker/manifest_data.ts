/**
 * A validated manifest back as manifest data (the YAML's shape, snake_case),
 * with its host paths rewritten: how a job carries its manifest through a
 * queue. The worker validates it again with `validateManifest`, as it
 * would a file, so nothing in a job skips the manifest's checks.
 *
 * @module
 */

import type { Manifest, MountSpec, ProgramSpec } from "../manifest/manifest.ts";

/**
 * Rewrites one host path (absolute) into what the data should hold.
 *
 * @example
 * ```ts
 * import type { PathMap } from "./manifest_data.ts";
 * const inStore: PathMap = (p) => `inputs/ab12${p}`;
 * ```
 */
export type PathMap = (path: string) => string;

/**
 * A program as manifest data, its paths rewritten by `map`.
 *
 * @example
 * ```ts
 * import { programData } from "./manifest_data.ts";
 * const data = programData({ kind: "wasi", path: "/a/x.wasm", args: ["-v"], env: {} }, (p) => p);
 * console.log(data); // { wasi: "/a/x.wasm", args: ["-v"], env: {} }
 * ```
 */
export function programData(program: ProgramSpec, map: PathMap): Record<string, unknown> {
  const data: Record<string, unknown> = {
    [program.kind === "wasi" ? "wasi" : "module"]: map(program.path),
    args: [...program.args],
    env: { ...program.env },
  };
  if (program.stdin !== undefined) data.stdin = program.stdin;
  if (program.stdinFile !== undefined) data.stdin_file = map(program.stdinFile);
  if (program.root !== undefined) data.root = map(program.root);
  return data;
}

function mountData(spec: MountSpec, map: PathMap): Record<string, unknown> {
  switch (spec.type) {
    case "workspace":
      return { type: spec.type, path: map(spec.path), mode: spec.mode };
    case "mem":
    case "task":
      return { type: spec.type };
    case "map":
      return spec.dir !== undefined
        ? { type: spec.type, dir: map(spec.dir) }
        : { type: spec.type, files: { ...spec.files } };
    case "logs":
      return spec.maxBytes === undefined
        ? { type: spec.type }
        : { type: spec.type, max_bytes: spec.maxBytes };
    case "http": {
      const data: Record<string, unknown> = { type: spec.type, allow: [...spec.allow] };
      if (spec.methods !== undefined) data.methods = [...spec.methods];
      if (spec.maxRequestBytes !== undefined) data.max_request_bytes = spec.maxRequestBytes;
      if (spec.maxResponseBytes !== undefined) data.max_response_bytes = spec.maxResponseBytes;
      if (spec.secrets !== undefined) {
        data.secrets = Object.fromEntries(
          Object.entries(spec.secrets).map(([name, s]) => [
            name,
            s.env !== undefined
              ? { env: s.env, hosts: [...s.hosts] }
              : { file: map(s.file!), hosts: [...s.hosts] },
          ]),
        );
      }
      return data;
    }
    case "ws": {
      const data: Record<string, unknown> = { type: spec.type, allow: [...spec.allow] };
      if (spec.maxInboxMessages !== undefined) data.max_inbox_messages = spec.maxInboxMessages;
      if (spec.maxInboxBytes !== undefined) data.max_inbox_bytes = spec.maxInboxBytes;
      return data;
    }
    case "nostr": {
      const data: Record<string, unknown> = { type: spec.type, relays: [...spec.relays] };
      if (spec.keyEnv !== undefined) data.key_env = spec.keyEnv;
      if (spec.keyFile !== undefined) data.key_file = map(spec.keyFile);
      if (spec.maxInboxEvents !== undefined) data.max_inbox_events = spec.maxInboxEvents;
      return data;
    }
  }
}

/**
 * `manifest` as manifest data, its host paths rewritten by `map`: what
 * `validateManifest(data, baseDir)` turns back into the same manifest when
 * `map` makes paths relative to `baseDir`.
 *
 * @example
 * ```ts
 * import { validateManifest } from "../manifest/manifest.ts";
 * import { manifestData } from "./manifest_data.ts";
 * const m = validateManifest({ mounts: { "/tmp": "mem" }, limits: { timeout: 5 } }, "/srv");
 * const data = manifestData(m, (p) => p);
 * console.log(validateManifest(data, "/srv").limits.timeoutSecs); // 5
 * ```
 */
export function manifestData(manifest: Manifest, map: PathMap): Record<string, unknown> {
  const limits: Record<string, unknown> = {
    timeout: manifest.limits.timeoutSecs,
    memory: manifest.limits.memoryMb,
    threads: manifest.limits.threads,
    max_output: manifest.limits.maxOutputBytes,
  };
  if (manifest.limits.diskMb !== undefined) limits.disk = manifest.limits.diskMb;
  const data: Record<string, unknown> = {
    mounts: Object.fromEntries(
      Object.entries(manifest.mounts).map(([point, spec]) => [point, mountData(spec, map)]),
    ),
    limits,
  };
  if (manifest.task !== undefined) {
    data.task = structuredClone({
      id: manifest.task.id,
      type: manifest.task.type,
      description: manifest.task.description,
      input: manifest.task.input,
      meta: manifest.task.meta,
    });
  }
  if (manifest.program !== undefined) data.program = programData(manifest.program, map);
  if (manifest.record) data.record = true;
  if (manifest.replay !== undefined) data.replay = map(manifest.replay);
  return data;
}
