/**
 * The permission mapping (DESIGN.md D7): from a manifest's mounts to the
 * smallest Deno grant for the child that runs it.
 *
 * | mount | grant |
 * |---|---|
 * | workspace `rw` | read + write of its folder |
 * | workspace `ro` or `cow` | read of its folder |
 * | map with `dir` | read of its folder |
 * | http, ws | net to their allow-listed hosts |
 * | nostr | net to its relays' hosts |
 * | mem, map (inline), task, logs | nothing |
 * | the program | read of its file (a module agent: its bundle, with the agent worker) |
 * | `restore:` a snapshot | read of the archive |
 * | `record: true`, `snapshot: true` | write of `cap.jsonl` (and `cap-bodies/`), `snapshot.tar` in the output folder |
 * | the shell (shell scripts, agents `with_shell`, `oanix mcp`) | env: three debug switches its libraries read, never set in the child |
 *
 * Nothing else is ever granted: no other env, no run, ffi, sys or import,
 * and `--no-prompt` always. No network mount means no `--allow-net` at all.
 *
 * @module
 */

import { SHELL_ENV_NAMES } from "../../shell/shell_env_names.ts";
import type { Manifest } from "./manifest.ts";

/**
 * A grant, as data.
 *
 * @example
 * ```ts
 * import type { PermissionGrant } from "@oanix/oanix";
 * const g: PermissionGrant = { read: ["/srv/project"], write: [], net: [] };
 * ```
 */
export interface PermissionGrant {
  /** Host paths the child may read. */
  read: string[];
  /** Host paths the child may write. */
  write: string[];
  /** Hosts (`host` or `host:port`) the child may connect to. */
  net: string[];
  /** Environment variable names the child may read (only the shell's; the child's are cleared). */
  env?: string[];
  /** The V8 heap limit in MiB, when the manifest sets one. */
  memoryMb?: number;
}

/**
 * A grant, as data and as `deno run` flags.
 *
 * @example
 * ```ts
 * import { permissionsFor, validateManifest } from "@oanix/oanix";
 * const p = permissionsFor(validateManifest({ mounts: { "/tmp": "mem" } }, "/srv"));
 * console.log(p.flags); // ["--no-prompt"]
 * ```
 */
export interface Permissions {
  /** The grant. */
  grant: PermissionGrant;
  /** The `deno run` flags that give exactly that grant. */
  flags: string[];
}

function uniqueSorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `host:port` of a ws:// or wss:// URL, with the default port made explicit. */
function relayHost(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === "wss:" ? "443" : "80");
  return `${u.hostname}:${port}`;
}

/**
 * The files the child runs from, built on the host: its entry's bundle
 * (which its environment worker loads too) and, for a module agent, the
 * agent's worker entry bundled with the agent and all it imports. A worker
 * may load only what its parent may read, so the child is granted reading
 * them (and not the agent's sources).
 *
 * @example
 * ```ts
 * import type { RuntimeFiles } from "@oanix/oanix";
 * const files: RuntimeFiles = { child: "/cache/child.js", agent: "/cache/agent-worker.js" };
 * ```
 */
export interface RuntimeFiles {
  /** The child's bundled entry. */
  child: string;
  /** Where the child records the transcript (`cap.jsonl` and its `cap-bodies/`), when it records. */
  transcriptOut?: string;
  /** Where the child writes the final state's snapshot archive, when the manifest asks. */
  snapshotOut?: string;
  /** The child's environment worker, bundled. */
  environment?: string;
  /** The agent's worker entry, bundled with the agent. */
  agent?: string;
  /** True when the environment carries the shell although the program is no shell (`oanix mcp`). */
  shell?: boolean;
}

/**
 * Whether a run's environment carries the shell: a shell script, or a
 * module agent given `env.shell`.
 *
 * @example
 * ```ts
 * import { validateManifest } from "@oanix/oanix";
 * import { usesShell } from "./permissions.ts";
 * const m = validateManifest({ mounts: {}, program: { shell: "ls" } }, "/srv");
 * console.log(usesShell(m)); // true
 * ```
 */
export function usesShell(manifest: Manifest): boolean {
  return manifest.program?.kind === "shell" || manifest.program?.withShell === true;
}

/**
 * The minimal grant for a manifest, as data and flags. Given the files the
 * child runs from (the runner gives them), they are granted too; without
 * them the grant names the program's source file.
 *
 * @example
 * ```ts
 * import { permissionsFor, validateManifest } from "@oanix/oanix";
 * const m = validateManifest({
 *   mounts: {
 *     "/workspace": { type: "workspace", path: "./project", mode: "cow" },
 *     "/cap/http": { type: "http", allow: ["127.0.0.1:8080"] },
 *   },
 * }, "/srv");
 * console.log(permissionsFor(m).flags);
 * // ["--no-prompt", "--allow-read=/srv/project", "--allow-net=127.0.0.1:8080"]
 * ```
 */
export function permissionsFor(manifest: Manifest, runtime?: RuntimeFiles): Permissions {
  if (manifest === null || typeof manifest !== "object" || typeof manifest.mounts !== "object") {
    throw new TypeError("permissionsFor: expected a validated manifest (see validateManifest)");
  }
  const read: string[] = [];
  const write: string[] = [];
  const net: string[] = [];
  for (const spec of Object.values(manifest.mounts)) {
    switch (spec.type) {
      case "workspace":
        read.push(spec.path);
        if (spec.mode === "rw") write.push(spec.path);
        break;
      case "map":
        if (spec.dir !== undefined) read.push(spec.dir);
        break;
      case "http":
      case "ws":
        net.push(...spec.allow);
        break;
      case "nostr":
        net.push(...spec.relays.map(relayHost));
        break;
    }
  }
  if (runtime !== undefined) read.push(runtime.child);
  if (runtime?.transcriptOut !== undefined) {
    write.push(runtime.transcriptOut, runtime.transcriptOut.replace(/cap\.jsonl$/, "cap-bodies"));
  }
  if (runtime?.snapshotOut !== undefined) write.push(runtime.snapshotOut);
  if (manifest.restore !== undefined) read.push(manifest.restore);
  if (manifest.replay !== undefined) {
    // A replay reads its transcript and needs no network at all.
    read.push(manifest.replay, manifest.replay.replace(/[^/]*$/, "cap-bodies"));
    net.length = 0;
  }
  if (runtime?.environment !== undefined) read.push(runtime.environment);
  if (manifest.program?.kind === "module" && runtime?.agent !== undefined) {
    read.push(runtime.agent);
  } else if (manifest.program?.path) read.push(manifest.program.path);
  if (manifest.program?.stdinFile) read.push(manifest.program.stdinFile);
  const grant: PermissionGrant = {
    read: uniqueSorted(read),
    write: uniqueSorted(write),
    net: uniqueSorted(net),
  };
  if (usesShell(manifest) || runtime?.shell) grant.env = [...SHELL_ENV_NAMES];
  grant.memoryMb = manifest.limits.memoryMb;
  return { grant, flags: flagsFor(grant) };
}

/**
 * The `deno run` flags for a grant.
 *
 * @example
 * ```ts
 * import { flagsFor } from "./permissions.ts";
 * console.log(flagsFor({ read: ["/a"], write: [], net: [] })); // ["--no-prompt", "--allow-read=/a"]
 * ```
 */
export function flagsFor(grant: PermissionGrant): string[] {
  const flags = ["--no-prompt"];
  for (const p of [...grant.read, ...grant.write]) {
    if (p.includes(",")) throw new Error(`a granted path may not contain a comma: ${p}`);
  }
  for (const h of [...grant.net, ...grant.env ?? []]) {
    if (h.includes(",")) throw new Error(`a granted host may not contain a comma: ${h}`);
  }
  if (grant.read.length > 0) flags.push(`--allow-read=${grant.read.join(",")}`);
  if (grant.write.length > 0) flags.push(`--allow-write=${grant.write.join(",")}`);
  if (grant.net.length > 0) flags.push(`--allow-net=${grant.net.join(",")}`);
  if (grant.env?.length) flags.push(`--allow-env=${grant.env.join(",")}`);
  if (grant.memoryMb !== undefined) {
    flags.push(`--v8-flags=--max-old-space-size=${Math.floor(grant.memoryMb)}`);
  }
  return flags;
}
