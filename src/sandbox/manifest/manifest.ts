/**
 * Environment manifests: what a sandboxed run holds, as validated data.
 *
 * A manifest is YAML (or JSON). Unknown keys are errors; every error names
 * the field path and its line. Relative paths resolve against the folder
 * of the manifest.
 *
 * ```yaml
 * task:
 *   id: find-todos
 *   type: code-review
 *   description: Find every TODO and write a report
 *   input: { pattern: TODO }
 * mounts:
 *   /task: task
 *   /logs: logs
 *   /tmp: mem
 *   /workspace: { type: workspace, path: ./project, mode: cow }
 *   /cap/http:
 *     type: http
 *     allow: ["127.0.0.1:8080"]
 *     methods: [GET]
 *     max_response_bytes: 10485760
 *     secrets: { API_KEY: { env: MY_API_KEY, hosts: ["127.0.0.1:8080"] } }
 * program:
 *   wasi: agent.wasm     # or module: agent/main.ts, shell: SCRIPT, shell_file: fix.sh
 *   args: [--verbose]
 * record: true             # the capabilities' exchanges into the output's cap.jsonl
 * # replay: ./earlier/cap.jsonl   (serve them from a transcript, with no network)
 * snapshot: true           # the mounts' final state into the output's snapshot.tar
 * # restore: ./earlier/snapshot.tar   (start from a saved state, over the same folders)
 * limits:
 *   timeout: 30        # seconds
 *   memory: 256        # MiB the program may use (heap, buffers, wasm memory, workers)
 *   threads: 32        # the child's threads (each worker is one)
 *   disk: 64           # MiB held by the in-memory services
 *   max_output: 1048576
 * ```
 *
 * @module
 */

import { normalizePath } from "../../fs/path.ts";
import {
  type Collect,
  FieldReader,
  type LineFinder,
  ManifestError,
  problemCollector,
} from "./field_reader.ts";
import { resolveFrom } from "./host_path.ts";
import { type ProgramSpec, readProgram } from "./program.ts";

export type { ProgramSpec, ShellProgramLimits } from "./program.ts";

/**
 * The task section.
 *
 * @example
 * ```ts
 * import type { ManifestTask } from "@oanix/oanix";
 * const t: ManifestTask = { id: "t1", type: "demo", description: "d", input: {}, meta: {} };
 * ```
 */
export interface ManifestTask {
  /** The task id. */
  id: string;
  /** The kind of task. */
  type: string;
  /** What to do, in words. */
  description: string;
  /** Any JSON input. */
  input: unknown;
  /** Metadata (tags, timeouts, ...), served as /task/meta.json. */
  meta: Record<string, unknown>;
}

/** The kinds of mount a manifest can name. */
export const MOUNT_TYPES = [
  "workspace",
  "mem",
  "map",
  "logs",
  "task",
  "http",
  "ws",
  "nostr",
] as const;

/**
 * One mount of a manifest, by type.
 *
 * @example
 * ```ts
 * import type { MountSpec } from "@oanix/oanix";
 * const m: MountSpec = { type: "workspace", path: "/srv/project", mode: "cow" };
 * ```
 */
export type MountSpec =
  | { type: "workspace"; path: string; mode: "rw" | "ro" | "cow" }
  | { type: "mem" }
  | { type: "map"; files?: Record<string, string>; dir?: string }
  | { type: "logs"; maxBytes?: number }
  | { type: "task" }
  | {
    type: "http";
    allow: string[];
    methods?: string[];
    maxRequestBytes?: number;
    maxResponseBytes?: number;
    secrets?: Record<string, SecretSpec>;
  }
  | { type: "ws"; allow: string[]; maxInboxMessages?: number; maxInboxBytes?: number }
  | {
    type: "nostr";
    relays: string[];
    keyEnv?: string;
    keyFile?: string;
    maxInboxEvents?: number;
  };

/**
 * A secret the host holds for an HTTP mount: where the host reads its value
 * (its own environment variable, or a file; never the manifest) and the
 * hosts it may be sent to. An agent writes `{{secret:NAME}}` in a header,
 * the query or an inline body; the executor fills it in on the wire, only
 * for those hosts.
 *
 * @example
 * ```ts
 * import type { SecretSpec } from "@oanix/oanix";
 * const s: SecretSpec = { env: "OPENAI_API_KEY", hosts: ["api.openai.com"] };
 * ```
 */
export interface SecretSpec {
  /** The host's environment variable holding the value. */
  env?: string;
  /** A host file holding the value (trimmed). */
  file?: string;
  /** The hosts (`name` or `name:port`) it may be sent to. */
  hosts: string[];
}

/**
 * Resource limits of a run.
 *
 * @example
 * ```ts
 * import type { Limits } from "@oanix/oanix";
 * const l: Limits = { timeoutSecs: 30, memoryMb: 256, threads: 32, maxOutputBytes: 1 << 20 };
 * ```
 */
export interface Limits {
  /** Wall-clock limit: the program is stopped, and the child killed if it does not end. */
  timeoutSecs: number;
  /**
   * Memory the program may use, in MiB: the resident memory it adds to the
   * child's own (heap, buffers, wasm memory, workers), watched by the host;
   * also the V8 heap limit.
   */
  memoryMb: number;
  /** The most threads the child may run (each worker is one). */
  threads: number;
  /** The most bytes the namespace's in-memory services may hold, in MiB (none when absent). */
  diskMb?: number;
  /** The most bytes kept per output stream. */
  maxOutputBytes: number;
}

/**
 * A validated manifest.
 *
 * @example
 * ```ts
 * import { parseManifest } from "@oanix/oanix";
 * const m = parseManifest("mounts:\n  /tmp: mem\n", "/srv");
 * console.log(m.mounts["/tmp"].type); // "mem"
 * ```
 */
export interface Manifest {
  /** The folder relative paths were resolved against. */
  baseDir: string;
  /** The task, when there is one. */
  task?: ManifestTask;
  /** The mounts, by normalised mount path. */
  mounts: Record<string, MountSpec>;
  /** The program to run, when there is one. */
  program?: ProgramSpec;
  /** Limits, with defaults filled in. */
  limits: Limits;
  /** Record every capability exchange into the output folder's `cap.jsonl`. */
  record?: boolean;
  /**
   * Serve every capability from this transcript (`cap.jsonl` of an earlier
   * recorded run), with no network at all.
   */
  replay?: string;
  /**
   * Start from this snapshot archive (an earlier run's `snapshot.tar`):
   * the mounts' state as it was saved, over the same bases.
   */
  restore?: string;
  /** Write the final state of the mounts as `snapshot.tar` in the output folder. */
  snapshot?: boolean;
}

/** The default wall-clock limit, in seconds. */
export const DEFAULT_TIMEOUT_SECS = 60;
/** The default cap per output stream, in bytes. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
/** The default memory limit of a child, in MiB. */
export const DEFAULT_MEMORY_MB = 2048;
/** The default thread limit of a child: Deno's own threads, the agent's worker, and a few more. */
export const DEFAULT_THREADS = 32;

/** Where a manifest keeps the line finder of its source text (not copied by JSON). */
const LINES = Symbol("oanix.manifest.lines");
/** Where a manifest keeps the path of its file (not copied by JSON). */
const FILE = Symbol("oanix.manifest.file");

/**
 * The file a manifest was loaded from, when it was (see `loadManifest`).
 *
 * @example
 * ```ts
 * import { manifestFile, parseManifest } from "@oanix/oanix";
 * console.log(manifestFile(parseManifest("mounts: {}\n", "/srv"))); // undefined
 * ```
 */
export function manifestFile(manifest: Manifest): string | undefined {
  return (manifest as unknown as Record<symbol, string | undefined>)[FILE];
}

/** Records the file a manifest came from (for `loadManifest`). */
export function setManifestFile(manifest: Manifest, path: string): Manifest {
  Object.defineProperty(manifest, FILE, { value: path, enumerable: false });
  return manifest;
}

/**
 * The 1-based line of a field of `manifest` in the text it was parsed from,
 * when it came from text.
 *
 * @example
 * ```ts
 * import { manifestLine, parseManifest } from "@oanix/oanix";
 * const m = parseManifest("mounts:\n  /tmp: mem\n", "/srv");
 * console.log(manifestLine(m, ["mounts", "/tmp"])); // 2
 * ```
 */
export function manifestLine(manifest: Manifest, path: string[]): number | undefined {
  const lines = (manifest as unknown as Record<symbol, LineFinder | undefined>)[LINES];
  return lines?.(path);
}

/** Runs one section's validation, keeping its problems and going on. */

/**
 * Validates already-parsed manifest data. `lines` locates fields in the
 * source text for messages. Every section is checked, so the error lists
 * every problem found, not only the first.
 *
 * @throws {ManifestError} naming each bad field (and line).
 *
 * @example
 * ```ts
 * import { validateManifest } from "@oanix/oanix";
 * const m = validateManifest({ mounts: { "/tmp": "mem" } }, "/srv");
 * console.log(m.limits.timeoutSecs); // 60
 * ```
 */
export function validateManifest(data: unknown, baseDir: string, lines?: LineFinder): Manifest {
  const { collect, problems } = problemCollector();
  const root = new FieldReader(data, [], lines);
  const manifest: Manifest = {
    baseDir,
    mounts: collect(() => readMounts(root, baseDir, lines, collect)) ?? {},
    limits: collect(() => readLimits(collect(() => root.optionalObject("limits")))) ??
      readLimits(undefined),
  };
  const task = collect(() => {
    const r = root.optionalObject("task");
    return r && readTask(r);
  });
  if (task) manifest.task = task;
  const program = collect(() => {
    const r = root.optionalObject("program");
    return r && readProgram(r, baseDir);
  });
  if (program) manifest.program = program;
  if (collect(() => root.optionalBoolean("record"))) manifest.record = true;
  const replay = collect(() => root.optionalString("replay"));
  if (replay !== undefined) manifest.replay = resolveFrom(baseDir, replay);
  if (collect(() => root.optionalBoolean("snapshot"))) manifest.snapshot = true;
  const restore = collect(() => root.optionalString("restore"));
  if (restore !== undefined) manifest.restore = resolveFrom(baseDir, restore);
  root.raw("version");
  collect(() => root.done());
  const taskMount = Object.entries(manifest.mounts).find(([, m]) => m.type === "task");
  if (taskMount && !root.has("task")) {
    problems.push(
      root.error(["mounts", taskMount[0]], "a task mount needs the top-level task section")
        .problems[0],
    );
  }
  if (problems.length > 0) {
    const byLine = problems.map((p, i) => ({ p, i })).sort((a, b) =>
      (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i
    );
    throw ManifestError.of(byLine.map(({ p }) => p));
  }
  if (lines) Object.defineProperty(manifest, LINES, { value: lines, enumerable: false });
  return manifest;
}

function readTask(r: FieldReader): ManifestTask {
  const task: ManifestTask = {
    id: r.string("id"),
    type: r.string("type"),
    description: r.string("description"),
    input: r.raw("input") ?? null,
    meta: {},
  };
  const meta = r.optionalObject("meta");
  if (meta) {
    for (const k of meta.keys()) task.meta[k] = meta.raw(k);
  }
  r.done();
  return task;
}

function readMounts(
  root: FieldReader,
  baseDir: string,
  lines: LineFinder | undefined,
  collect: Collect,
): Record<string, MountSpec> {
  const out: Record<string, MountSpec> = {};
  if (!root.has("mounts")) throw root.error(["mounts"], "is required");
  const mounts = root.object("mounts");
  for (const key of mounts.keys()) {
    collect(() => {
      let point: string;
      try {
        point = normalizePath(key);
      } catch (e) {
        throw mounts.error([...mounts.path, key], `bad mount path: ${(e as Error).message}`);
      }
      if (out[point]) throw mounts.error([...mounts.path, key], `${point} is mounted twice`);
      const raw = mounts.raw(key);
      const spec = typeof raw === "string" ? { type: raw } : raw;
      out[point] = readMount(new FieldReader(spec, [...mounts.path, key], lines), baseDir);
    });
  }
  return out;
}

function readMount(r: FieldReader, baseDir: string): MountSpec {
  const type = r.choice("type", MOUNT_TYPES);
  let spec: MountSpec;
  switch (type) {
    case "workspace":
      spec = {
        type,
        path: resolveFrom(baseDir, r.string("path")),
        mode: r.choice("mode", ["rw", "ro", "cow"] as const, "ro"),
      };
      break;
    case "mem":
    case "task":
      spec = { type };
      break;
    case "map": {
      const files = r.has("files") ? r.stringMap("files") : (r.raw("files"), undefined);
      const dir = r.optionalString("dir");
      if (files === undefined && dir === undefined) {
        throw r.error([...r.path], "a map mount needs files or dir");
      }
      if (files !== undefined && dir !== undefined) {
        throw r.error([...r.path, "dir"], "give files or dir, not both");
      }
      spec = dir === undefined ? { type, files } : { type, dir: resolveFrom(baseDir, dir) };
      break;
    }
    case "logs": {
      const maxBytes = r.optionalNumber("max_bytes", 1);
      spec = maxBytes === undefined ? { type } : { type, maxBytes };
      break;
    }
    case "http": {
      const methods = r.stringList("methods").map((m) => m.toUpperCase());
      spec = { type, allow: readAllow(r) };
      if (methods.length > 0) spec.methods = methods;
      const maxRequest = r.optionalNumber("max_request_bytes", 0);
      if (maxRequest !== undefined) spec.maxRequestBytes = Math.floor(maxRequest);
      const maxResponse = r.optionalNumber("max_response_bytes", 0);
      if (maxResponse !== undefined) spec.maxResponseBytes = Math.floor(maxResponse);
      const secrets = r.optionalObject("secrets");
      if (secrets) spec.secrets = readSecrets(secrets, baseDir);
      break;
    }
    case "ws": {
      spec = { type, allow: readAllow(r) };
      const messages = r.optionalNumber("max_inbox_messages", 1);
      if (messages !== undefined) spec.maxInboxMessages = Math.floor(messages);
      const bytes = r.optionalNumber("max_inbox_bytes", 1);
      if (bytes !== undefined) spec.maxInboxBytes = Math.floor(bytes);
      break;
    }
    case "nostr": {
      const relays = r.stringList("relays");
      for (const [i, url] of relays.entries()) {
        // The host becomes part of --allow-net: it must be a plain host (no comma).
        let host = "";
        try {
          host = /^wss?:\/\/[^/]+/.test(url) ? new URL(url).host : "";
        } catch { /* refused below */ }
        if (!validHost(host)) {
          throw r.error([...r.path, "relays", String(i)], `not a ws:// or wss:// URL: ${url}`);
        }
      }
      if (r.has("key")) {
        throw r.error([...r.path, "key"], "keys are never inline: use key_env or key_file");
      }
      r.raw("key");
      const keyEnv = r.optionalString("key_env");
      const keyFile = r.optionalString("key_file");
      spec = { type, relays };
      if (keyEnv !== undefined) spec.keyEnv = keyEnv;
      if (keyFile !== undefined) spec.keyFile = resolveFrom(baseDir, keyFile);
      const events = r.optionalNumber("max_inbox_events", 1);
      if (events !== undefined) spec.maxInboxEvents = Math.floor(events);
      break;
    }
  }
  r.done();
  return spec;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function readSecrets(r: FieldReader, baseDir: string): Record<string, SecretSpec> {
  const out: Record<string, SecretSpec> = {};
  for (const name of r.keys()) {
    if (!SECRET_NAME.test(name)) {
      throw r.error([...r.path, name], "a secret's name is letters, digits and _");
    }
    const s = r.object(name);
    const env = s.optionalString("env");
    const file = s.optionalString("file");
    if (s.has("value")) {
      throw s.error([...s.path, "value"], "secrets are never inline: use env or file");
    }
    s.raw("value");
    if ((env === undefined) === (file === undefined)) {
      throw s.error(s.path, "give exactly one of env or file");
    }
    const hosts = readAllow(s, "hosts");
    s.done();
    out[name] = env !== undefined ? { env, hosts } : { file: resolveFrom(baseDir, file!), hosts };
  }
  r.done();
  return out;
}

/** `host` or `host:port` with a port from 1 to 65535. */
function validHost(host: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
  return m !== null && (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 65535));
}

function readAllow(r: FieldReader, key = "allow"): string[] {
  const allow = r.stringList(key);
  if (allow.length === 0) throw r.error([...r.path, key], "list at least one host");
  for (const [i, host] of allow.entries()) {
    if (!validHost(host)) {
      throw r.error([...r.path, key, String(i)], `not a host or host:port: ${host}`);
    }
  }
  return allow;
}

function readLimits(r: FieldReader | undefined): Limits {
  const limits: Limits = {
    timeoutSecs: r?.optionalNumber("timeout", 0.001) ?? DEFAULT_TIMEOUT_SECS,
    memoryMb: r?.optionalNumber("memory", 32) ?? DEFAULT_MEMORY_MB,
    threads: r?.optionalNumber("threads", 4) ?? DEFAULT_THREADS,
    maxOutputBytes: r?.optionalNumber("max_output", 1) ?? DEFAULT_MAX_OUTPUT_BYTES,
  };
  const disk = r?.optionalNumber("disk", 0.001);
  if (disk !== undefined) limits.diskMb = disk;
  r?.done();
  return limits;
}
