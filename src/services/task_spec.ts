/**
 * The task specification and metadata that TaskFs serves as
 * `/spec.json` and `/meta.json`, and the checks they pass on the way in.
 *
 * Field names are the JSON names an agent reads, in both the files and the
 * host API: the seed's `task_type` is `type` here.
 *
 * @module
 */

import { describeValue, frozenJson, type JsonValue } from "./json_value.ts";

/**
 * What the agent is asked to do. Every field is required.
 *
 * @example
 * ```ts
 * import type { TaskSpec } from "@oanix/oanix";
 * const spec: TaskSpec = {
 *   id: "review-001",
 *   type: "code-review",
 *   description: "Review the authentication module",
 *   input: { files: ["src/auth.rs"] },
 * };
 * ```
 */
export interface TaskSpec {
  /** A non-empty identifier. */
  id: string;
  /** A non-empty kind of task, such as `code-review` (the seed's `task_type`). */
  type: string;
  /** What to do, in words (may be empty). */
  description: string;
  /** Any JSON value: the task's input data. */
  input: JsonValue;
}

/**
 * Facts about a task that are not the assignment itself. Every field is
 * optional on the way in; the defaults are:
 *
 * | field | default | meaning |
 * |---|---|---|
 * | `created_at` | the time the TaskFs was made | milliseconds since the epoch |
 * | `tags` | `[]` | non-empty strings |
 * | `timeout_secs` | `null` | a positive number of seconds, or null for none |
 * | `extra` | `{}` | any other JSON, by name |
 *
 * Unknown top-level fields are refused (put them under `extra`).
 *
 * @example
 * ```ts
 * import type { TaskMeta } from "@oanix/oanix";
 * const meta: TaskMeta = { created_at: 0, tags: ["auth"], timeout_secs: 300, extra: {} };
 * ```
 */
export interface TaskMeta {
  /** When the task was created, in milliseconds since the epoch. */
  created_at: number;
  /** Labels for the task. */
  tags: string[];
  /** How long the task may run, in seconds, or null for no limit. */
  timeout_secs: number | null;
  /** Anything else, as JSON. */
  extra: { [key: string]: JsonValue };
}

const SPEC_FIELDS = ["id", "type", "description", "input"] as const;
const META_FIELDS = ["created_at", "tags", "timeout_secs", "extra"] as const;
const ALIASES: Record<string, string> = { task_type: "type", taskType: "type" };

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function refuseUnknown(obj: Record<string, unknown>, known: readonly string[], what: string) {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const alias = ALIASES[key];
    const hint = alias
      ? ` (did you mean "${alias}"?)`
      : what.endsWith("meta")
      ? ` (put it under "extra")`
      : "";
    throw new TypeError(`${what} has an unknown field "${key}"${hint}`);
  }
}

function string(obj: Record<string, unknown>, key: string, what: string, nonEmpty: boolean) {
  const v = obj[key];
  if (v === undefined) throw new TypeError(`${what}.${key} is missing`);
  if (typeof v !== "string") {
    throw new TypeError(`${what}.${key} must be a string, got ${describeValue(v)}`);
  }
  if (nonEmpty && v.trim() === "") throw new TypeError(`${what}.${key} must not be empty`);
  return v;
}

/**
 * Checks a task specification and returns a frozen copy.
 *
 * @param value what to check
 * @param what its name in error messages
 * @throws {TypeError} naming the field: `spec.type is missing`,
 * `spec.id must be a string, got a number`, `spec has an unknown field
 * "task_type" (did you mean "type"?)`.
 *
 * @example
 * ```ts
 * import { validateTaskSpec } from "./task_spec.ts";
 * const spec = validateTaskSpec({ id: "t1", type: "demo", description: "", input: [1, 2] });
 * console.log(Object.isFrozen(spec)); // true
 * ```
 */
export function validateTaskSpec(value: unknown, what = "spec"): Readonly<TaskSpec> {
  const obj = plainObject(value, what);
  refuseUnknown(obj, SPEC_FIELDS, what);
  const spec: TaskSpec = {
    id: string(obj, "id", what, true),
    type: string(obj, "type", what, true),
    description: string(obj, "description", what, false),
    input: null,
  };
  if (!("input" in obj) || obj.input === undefined) {
    throw new TypeError(`${what}.input is missing (use null for no input)`);
  }
  spec.input = obj.input as JsonValue;
  return frozenJson(spec as unknown as JsonValue, what) as unknown as Readonly<TaskSpec>;
}

/**
 * Checks task metadata, fills in the defaults, and returns a frozen copy.
 *
 * @param value what to check; undefined means all defaults
 * @param now the default `created_at`
 * @param what its name in error messages
 * @throws {TypeError} naming the field: `meta.tags[1] must be a non-empty
 * string, got a number`, `meta.timeout_secs must be a positive number or
 * null, got -1`.
 *
 * @example
 * ```ts
 * import { validateTaskMeta } from "./task_spec.ts";
 * const meta = validateTaskMeta({ tags: ["auth"] }, 1_700_000_000_000);
 * console.log(meta.timeout_secs, meta.created_at); // null 1700000000000
 * ```
 */
export function validateTaskMeta(
  value: unknown,
  now: number = Date.now(),
  what = "meta",
): Readonly<TaskMeta> {
  const obj = value === undefined ? {} : plainObject(value, what);
  refuseUnknown(obj, META_FIELDS, what);
  const created = obj.created_at ?? now;
  if (typeof created !== "number" || !Number.isFinite(created) || created < 0) {
    throw new TypeError(
      `${what}.created_at must be milliseconds since the epoch, got ${describeValue(created)}`,
    );
  }
  const tags = obj.tags ?? [];
  if (!Array.isArray(tags)) {
    throw new TypeError(`${what}.tags must be an array of strings, got ${describeValue(tags)}`);
  }
  tags.forEach((tag, i) => {
    if (typeof tag !== "string" || tag === "") {
      throw new TypeError(
        `${what}.tags[${i}] must be a non-empty string, got ${describeValue(tag)}`,
      );
    }
  });
  const timeout = obj.timeout_secs ?? null;
  if (timeout !== null && (typeof timeout !== "number" || !(timeout > 0) || timeout === Infinity)) {
    throw new TypeError(
      `${what}.timeout_secs must be a positive number or null, got ${
        typeof timeout === "number" ? timeout : describeValue(timeout)
      }`,
    );
  }
  const extra = obj.extra ?? {};
  plainObject(extra, `${what}.extra`);
  const meta: TaskMeta = {
    created_at: created,
    tags: [...tags],
    timeout_secs: timeout,
    extra: extra as TaskMeta["extra"],
  };
  return frozenJson(meta as unknown as JsonValue, what) as unknown as Readonly<TaskMeta>;
}
