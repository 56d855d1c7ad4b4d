/**
 * A Scheduler job as queue data (JSON), and back: what a Scheduler given a
 * queue enqueues, and what any Scheduler on that queue runs.
 *
 * @module
 */

import { describeValue, type JsonValue } from "../../services/json_value.ts";
import { JobKind, JobSpec } from "../job_spec.ts";

/**
 * A {@linkcode JobSpec} as JSON. A WASI module travels as its path or URL
 * (each machine reads it from there); bytes and compiled modules do not
 * travel.
 *
 * @example
 * ```ts
 * import type { SchedulerJobData } from "./job_data.ts";
 * const d: SchedulerJobData = {
 *   envId: "env-1",
 *   kind: { type: "custom", name: "review", data: null },
 *   priority: 0,
 *   envVars: {},
 *   timeoutSecs: null,
 *   tags: [],
 * };
 * ```
 */
export interface SchedulerJobData {
  /** JSON all through (it travels as JSON). */
  [key: string]: JsonValue;
  /** The environment's id (registered with the Scheduler that runs it). */
  envId: string;
  /** What it runs. */
  kind:
    | { type: "wasi"; module: string; args: string[] }
    | { type: "script" | "hostScript"; command: string }
    | { type: "custom"; name: string; data: JsonValue };
  /** Its priority. */
  priority: number;
  /** Its variables. */
  envVars: { [key: string]: string };
  /** Its timeout, or null. */
  timeoutSecs: number | null;
  /** Its tags. */
  tags: string[];
}

/**
 * `spec` as queue data.
 *
 * @throws {TypeError} for a WASI module given as bytes or a compiled module.
 *
 * @example
 * ```ts
 * import { JobKind, JobSpec } from "../job_spec.ts";
 * import { jobSpecData } from "./job_data.ts";
 * const d = jobSpecData(new JobSpec("env-1", JobKind.script("ls")).withPriority(3));
 * console.log(d.kind, d.priority); // { type: "script", command: "ls" } 3
 * ```
 */
export function jobSpecData(spec: JobSpec): SchedulerJobData {
  const k = spec.kind;
  let kind: SchedulerJobData["kind"];
  if (k.type === "wasi") {
    if (typeof k.module !== "string" && !(k.module instanceof URL)) {
      throw new TypeError(
        `a job on a queue carries data: give its WASI module as a path or URL, not ${
          describeValue(k.module)
        }`,
      );
    }
    kind = { type: "wasi", module: String(k.module), args: [...k.args] };
  } else if (k.type === "custom") kind = { type: "custom", name: k.name, data: k.data };
  else kind = { type: k.type, command: k.command };
  return {
    envId: spec.envId,
    kind,
    priority: spec.priority,
    envVars: { ...spec.envVars },
    timeoutSecs: spec.timeoutSecs ?? null,
    tags: [...spec.tags],
  };
}

/**
 * Queue data back as a JobSpec, checked as `JobSpec` checks what it is given.
 *
 * @throws {TypeError} naming what is wrong.
 *
 * @example
 * ```ts
 * import { jobSpecFromData } from "./job_data.ts";
 * const spec = jobSpecFromData({
 *   envId: "e", kind: { type: "script", command: "ls" }, priority: 0, envVars: {}, timeoutSecs: 5, tags: ["t"],
 * });
 * console.log(spec.timeoutSecs, spec.tags); // 5 ["t"]
 * ```
 */
export function jobSpecFromData(data: unknown): JobSpec {
  const d = data as Partial<SchedulerJobData> | null;
  if (d === null || typeof d !== "object" || Array.isArray(d)) {
    throw new TypeError(`a Scheduler job must be an object, got ${describeValue(data)}`);
  }
  const k = d.kind as Record<string, unknown> | undefined;
  const kind = k?.type === "wasi"
    ? JobKind.wasi(k.module as string, k.args as string[])
    : k?.type === "custom"
    ? JobKind.custom(k.name as string, k.data as JsonValue)
    : k?.type === "script" || k?.type === "hostScript"
    ? JobKind[k.type](k.command as string)
    : undefined;
  if (kind === undefined) {
    throw new TypeError(`kind.type must be "wasi", "script", "hostScript" or "custom"`);
  }
  let spec = new JobSpec(d.envId as string, kind).withPriority(d.priority ?? 0);
  const vars = d.envVars ?? {};
  if (vars === null || typeof vars !== "object") throw new TypeError("envVars must be an object");
  for (const [key, value] of Object.entries(vars)) spec = spec.env(key, value);
  if (d.timeoutSecs !== null && d.timeoutSecs !== undefined) {
    spec = spec.withTimeout(d.timeoutSecs);
  }
  if (!Array.isArray(d.tags ?? [])) throw new TypeError("tags must be an array");
  for (const t of d.tags ?? []) spec = spec.tag(t);
  return spec;
}
