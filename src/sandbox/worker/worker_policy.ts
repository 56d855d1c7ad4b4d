/**
 * A worker's policy: what a job from the queue may ask for. A queue is an
 * attack surface (anyone who can write to it can submit), so a worker
 * decides for itself which mounts, hosts, secrets and limits it grants, and
 * refuses a job that asks for more, with the reason, rather than trimming
 * it.
 *
 * ```yaml
 * mounts: [workspace, mem, map, logs, task, http]
 * hosts: [api.example.com:443]      # network a job may reach (host, or host:port)
 * secret_env: [EXAMPLE_API_KEY]     # this worker's variables a job's secrets may name
 * record: true
 * limits: { timeout: 600, memory: 2048, threads: 32, max_output: 10485760, disk: 1024 }
 * ```
 *
 * @module
 */

// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
// @ts-types="npm:@types/js-yaml@4.0.9"
import yaml from "npm:js-yaml@4.1.0";
import { FieldReader, ManifestError, type ManifestProblem } from "../manifest/field_reader.ts";
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_MEMORY_MB,
  DEFAULT_THREADS,
  type Manifest,
  MOUNT_TYPES,
} from "../manifest/manifest.ts";
import { sourceLineFinder } from "../manifest/source_lines.ts";

/**
 * One of the manifest's mount types.
 *
 * @example
 * ```ts
 * import type { MountType } from "./worker_policy.ts";
 * const local: MountType[] = ["workspace", "mem", "task"];
 * ```
 */
export type MountType = typeof MOUNT_TYPES[number];

/**
 * What a worker grants a job (see the module's description).
 *
 * @example
 * ```ts
 * import { DEFAULT_WORKER_POLICY, type WorkerPolicy } from "./worker_policy.ts";
 * const open: WorkerPolicy = { ...DEFAULT_WORKER_POLICY, hosts: ["api.example.com"] };
 * ```
 */
export interface WorkerPolicy {
  /** The mount types a job may use. Workspaces are never `rw` on a worker. */
  readonly mounts: readonly MountType[];
  /**
   * Hosts a job's network mounts may reach: `host` (any port) or
   * `host:port`. Replayed jobs reach no network and are not held to it.
   */
  readonly hosts: readonly string[];
  /** This worker's environment variables that a job's secrets and keys may name. */
  readonly secretEnv: readonly string[];
  /** Whether a job may record its capability exchanges. */
  readonly record: boolean;
  /** The most a job may ask for; a job that names no disk limit gets `diskMb`. */
  readonly limits: {
    readonly timeoutSecs: number;
    readonly memoryMb: number;
    readonly threads: number;
    readonly maxOutputBytes: number;
    readonly diskMb: number;
  };
}

/**
 * The policy of a worker started without one: every mount type, no
 * network (but replay), no secrets, an hour, the manifest defaults for
 * memory, threads and output, 1 GiB of in-memory files.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORKER_POLICY } from "./worker_policy.ts";
 * console.log(DEFAULT_WORKER_POLICY.limits.timeoutSecs); // 3600
 * ```
 */
export const DEFAULT_WORKER_POLICY: WorkerPolicy = Object.freeze({
  mounts: Object.freeze([...MOUNT_TYPES]),
  hosts: Object.freeze([]),
  secretEnv: Object.freeze([]),
  record: true,
  limits: Object.freeze({
    timeoutSecs: 3600,
    memoryMb: DEFAULT_MEMORY_MB,
    threads: DEFAULT_THREADS,
    maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
    diskMb: 1024,
  }),
});

/**
 * Reads a policy (YAML or JSON; absent keys keep the defaults).
 *
 * @throws {ManifestError} naming each bad field and its line.
 *
 * @example
 * ```ts
 * import { parseWorkerPolicy } from "./worker_policy.ts";
 * const p = parseWorkerPolicy("hosts: [api.example.com]\nlimits: { timeout: 60 }\n");
 * console.log(p.hosts, p.limits.timeoutSecs, p.limits.memoryMb); // ["api.example.com"] 60 2048
 * ```
 */
export function parseWorkerPolicy(text: string): WorkerPolicy {
  let data: unknown;
  try {
    data = yaml.load(text, { schema: yaml.JSON_SCHEMA, json: false }) ?? {};
  } catch (e) {
    const mark = (e as { mark?: { line: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw new ManifestError("", `malformed YAML: ${reason}`, mark ? mark.line + 1 : undefined);
  }
  const r = new FieldReader(data, [], sourceLineFinder(text));
  const d = DEFAULT_WORKER_POLICY;
  const mounts = r.has("mounts") ? r.stringList("mounts") : (r.raw("mounts"), [...d.mounts]);
  mounts.forEach((m, i) => {
    if (!(MOUNT_TYPES as readonly string[]).includes(m)) {
      throw r.error(["mounts", String(i)], `expected one of ${MOUNT_TYPES.join(", ")}`);
    }
  });
  const hosts = r.stringList("hosts");
  hosts.forEach((h, i) => {
    if (splitHost(h) === undefined) {
      throw r.error(["hosts", String(i)], `not a host or host:port: ${h}`);
    }
  });
  const secretEnv = r.stringList("secret_env");
  const recordRaw = r.raw("record");
  if (recordRaw !== undefined && typeof recordRaw !== "boolean") {
    throw r.error(["record"], "expected true or false");
  }
  const l = r.optionalObject("limits");
  const limits = {
    timeoutSecs: l?.optionalNumber("timeout", 0.001) ?? d.limits.timeoutSecs,
    memoryMb: l?.optionalNumber("memory", 32) ?? d.limits.memoryMb,
    threads: l?.optionalNumber("threads", 4) ?? d.limits.threads,
    maxOutputBytes: l?.optionalNumber("max_output", 1) ?? d.limits.maxOutputBytes,
    diskMb: l?.optionalNumber("disk", 0.001) ?? d.limits.diskMb,
  };
  l?.done();
  r.done();
  return {
    mounts: mounts as MountType[],
    hosts,
    secretEnv,
    record: recordRaw ?? d.record,
    limits,
  };
}

/**
 * Reads a policy file.
 *
 * @throws {ManifestError} when it is missing or invalid.
 *
 * @example
 * ```ts ignore
 * const policy = await loadWorkerPolicy("worker-policy.yaml");
 * ```
 */
export async function loadWorkerPolicy(path: string): Promise<WorkerPolicy> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new ManifestError("", `cannot read the policy ${path}: ${why}`);
  }
  return parseWorkerPolicy(text);
}

/** `host` and port (or undefined) of `host` or `host:port`; undefined when neither. */
function splitHost(text: string): { host: string; port: string | undefined } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text);
  return m ? { host: m[1].toLowerCase(), port: m[2] } : undefined;
}

/** Whether the policy's hosts cover `entry` (a mount's `host` or `host:port`). */
function hostAllowed(entry: string, hosts: readonly string[]): boolean {
  const e = splitHost(entry);
  if (e === undefined) return false;
  return hosts.some((h) => {
    const p = splitHost(h);
    if (p === undefined || p.host !== e.host) return false;
    return p.port === undefined || p.port === e.port;
  });
}

/**
 * Everything `manifest` asks for that `policy` does not grant, each with
 * its field; empty when the job may run.
 *
 * @example
 * ```ts
 * import { validateManifest } from "../manifest/manifest.ts";
 * import { DEFAULT_WORKER_POLICY, policyProblems } from "./worker_policy.ts";
 * const m = validateManifest({ mounts: { "/tmp": "mem" }, limits: { timeout: 7200 } }, "/srv");
 * console.log(policyProblems(m, DEFAULT_WORKER_POLICY)[0].field); // "limits.timeout"
 * ```
 */
export function policyProblems(manifest: Manifest, policy: WorkerPolicy): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const refuse = (field: string, problem: string) => problems.push({ field, problem });
  const networked = manifest.replay === undefined;
  const secret = (field: string, env: string | undefined) => {
    if (env === undefined) refuse(field, "a secret in a file is not taken from a queue");
    else if (!policy.secretEnv.includes(env)) {
      refuse(field, `this worker does not lend its variable ${env} (secret_env)`);
    }
  };
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const at = `mounts.${point}`;
    if (!policy.mounts.includes(spec.type)) {
      refuse(at, `this worker does not take ${spec.type} mounts`);
      continue;
    }
    if (spec.type === "workspace" && spec.mode === "rw") {
      refuse(`${at}.mode`, "a worker mounts workspaces ro or cow, never rw (inputs are shared)");
    }
    if ((spec.type === "http" || spec.type === "ws") && networked) {
      for (const host of spec.allow) {
        if (!hostAllowed(host, policy.hosts)) refuse(`${at}.allow`, `${host} is not in hosts`);
      }
    }
    if (spec.type === "http") {
      for (const [name, s] of Object.entries(spec.secrets ?? {})) {
        secret(`${at}.secrets.${name}`, s.env);
      }
    }
    if (spec.type === "nostr") {
      if (networked) {
        for (const relay of spec.relays) {
          const host = new URL(relay).host;
          if (!hostAllowed(host, policy.hosts)) refuse(`${at}.relays`, `${host} is not in hosts`);
        }
      }
      if (spec.keyEnv !== undefined || spec.keyFile !== undefined) {
        secret(`${at}.${spec.keyEnv !== undefined ? "key_env" : "key_file"}`, spec.keyEnv);
      }
    }
  }
  if (manifest.record && !policy.record) refuse("record", "this worker does not record");
  const l = manifest.limits;
  const most = policy.limits;
  const over = (field: string, asked: number | undefined, max: number, unit: string) => {
    if (asked !== undefined && asked > max) {
      refuse(`limits.${field}`, `${asked}${unit} is more than this worker allows (${max}${unit})`);
    }
  };
  over("timeout", l.timeoutSecs, most.timeoutSecs, " s");
  over("memory", l.memoryMb, most.memoryMb, " MiB");
  over("threads", l.threads, most.threads, "");
  over("max_output", l.maxOutputBytes, most.maxOutputBytes, " bytes");
  over("disk", l.diskMb, most.diskMb, " MiB");
  return problems;
}
