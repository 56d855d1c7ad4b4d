/**
 * JSON values: checking that host-supplied data really is JSON, and
 * freezing copies of it so a service's state cannot change behind its back.
 *
 * @module
 */

/**
 * A JSON value: what `JSON.parse` can return.
 *
 * @example
 * ```ts
 * import type { JsonValue } from "@oanix/oanix";
 * const input: JsonValue = { files: ["src/auth.rs"], depth: 2 };
 * ```
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "object") {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return typeof value;
}

/**
 * Names what `value` is, for error messages: `"a string"`, `"null"`,
 * `"an array"`, `"a Map"`, ...
 *
 * @example
 * ```ts
 * import { describeValue } from "./json_value.ts";
 * console.log(describeValue([1])); // "an array"
 * ```
 */
export function describeValue(value: unknown): string {
  const d = describe(value);
  return d === "string" || d === "number" || d === "boolean" || d === "bigint" ||
      d === "symbol" || d === "function"
    ? `a ${d}`
    : d;
}

/**
 * Checks that `value` is plain JSON: null, a boolean, a finite number, a
 * string, an array or a plain object of those, without cycles.
 *
 * @param value the value to check
 * @param field its name, used in the error (`spec.input`)
 * @throws {TypeError} naming the first offending field, e.g.
 * `spec.input.when must be JSON, got a Date`.
 *
 * @example
 * ```ts
 * import { assertJsonValue } from "./json_value.ts";
 * assertJsonValue({ files: ["a.rs"] }, "input"); // passes
 * try {
 *   assertJsonValue({ n: NaN }, "input");
 * } catch (e) {
 *   console.log((e as Error).message); // "input.n must be JSON, got NaN"
 * }
 * ```
 */
export function assertJsonValue(value: unknown, field: string): asserts value is JsonValue {
  check(value, field, new Set());
}

function check(value: unknown, field: string, seen: Set<object>): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return;
    throw new TypeError(`${field} must be JSON, got ${describeValue(value)}`);
  }
  if (typeof value !== "object") {
    throw new TypeError(`${field} must be JSON, got ${describeValue(value)}`);
  }
  if (seen.has(value)) throw new TypeError(`${field} must be JSON, got a cycle`);
  if (Array.isArray(value)) {
    seen.add(value);
    value.forEach((item, i) => check(item, `${field}[${i}]`, seen));
    seen.delete(value);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${field} must be JSON, got ${describeValue(value)}`);
  }
  seen.add(value);
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) {
      throw new TypeError(`${field}.${key} must be JSON, got undefined`);
    }
    check(item, `${field}.${key}`, seen);
  }
  seen.delete(value);
}

/**
 * A deep, frozen copy of a JSON value (checked first).
 *
 * @throws {TypeError} as {@linkcode assertJsonValue} does.
 *
 * @example
 * ```ts
 * import { frozenJson } from "./json_value.ts";
 * const input = { files: ["a.rs"] };
 * const copy = frozenJson(input, "input");
 * input.files.push("b.rs");
 * console.log(copy, Object.isFrozen(copy)); // { files: ["a.rs"] } true
 * ```
 */
export function frozenJson<T extends JsonValue>(value: T, field: string): T {
  assertJsonValue(value, field);
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * Throws a TypeError naming `what` unless `value` is a safe integer.
 *
 * @example
 * ```ts
 * import { assertInteger } from "./json_value.ts";
 * assertInteger(3, "JobSpec.withPriority: priority"); // passes
 * ```
 */
export function assertInteger(value: unknown, what: string): asserts value is number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return;
  throw new TypeError(
    `${what} must be an integer, got ${typeof value === "number" ? value : describeValue(value)}`,
  );
}
