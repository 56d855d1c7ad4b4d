/**
 * Checking JSON written by an agent (or passed by a host) field by field.
 * The same checks serve both callers: a file write turns a failure into
 * `FsError("EINVAL", path, reason)`, a host call into a `TypeError` naming
 * the function and the field.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";

/**
 * Reports a refused input. Never returns.
 *
 * @example
 * ```ts
 * import type { Fail } from "@oanix/oanix";
 * const fail: Fail = (reason) => { throw new TypeError(reason); };
 * ```
 */
export type Fail = (reason: string) => never;

/**
 * A {@linkcode Fail} for file writes: `FsError("EINVAL", path, reason)`.
 *
 * @example
 * ```ts
 * import { isFsError } from "@oanix/oanix";
 * import { fileFail } from "./json_fields.ts";
 * try {
 *   fileFail("/request")('missing field "url"');
 * } catch (e) {
 *   console.log(isFsError(e, "EINVAL")); // true
 * }
 * ```
 */
export function fileFail(path: string): Fail {
  return (reason) => {
    throw new FsError("EINVAL", path, reason);
  };
}

/**
 * A {@linkcode Fail} for host calls: `TypeError("fn: reason")`.
 *
 * @example
 * ```ts
 * import { hostFail } from "./json_fields.ts";
 * try {
 *   hostFail("HttpFs.submitRequest")('missing field "url"');
 * } catch (e) {
 *   console.log((e as Error).message); // HttpFs.submitRequest: missing field "url"
 * }
 * ```
 */
export function hostFail(fn: string): Fail {
  return (reason) => {
    throw new TypeError(`${fn}: ${reason}`);
  };
}

/** Describes a JSON value's type for messages. */
function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * Checks that `value` is a plain object whose keys are all in `allowed`.
 *
 * @example
 * ```ts
 * import { expectObject, hostFail } from "./json_fields.ts";
 * const obj = expectObject({ url: "https://x" }, ["url", "method"], hostFail("demo"), "request");
 * console.log(obj.url);
 * ```
 */
export function expectObject(
  value: unknown,
  allowed: readonly string[],
  fail: Fail,
  what: string,
): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(`${what} must be a JSON object, got ${typeName(value)}`);
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    if (!allowed.includes(key) && Object.hasOwn(obj, key)) {
      fail(`unknown field "${key}" in ${what} (allowed: ${allowed.join(", ")})`);
    }
  }
  return obj;
}

/**
 * Reads an optional string field (undefined when absent).
 *
 * @example
 * ```ts
 * import { hostFail, optString } from "./json_fields.ts";
 * console.log(optString({ a: "x" }, "a", hostFail("demo"))); // "x"
 * ```
 */
export function optString(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") fail(`field "${key}" must be a string, got ${typeName(v)}`);
  return v;
}

/**
 * Reads a required string field.
 *
 * @example
 * ```ts
 * import { hostFail, reqString } from "./json_fields.ts";
 * console.log(reqString({ url: "https://x" }, "url", hostFail("demo"))); // "https://x"
 * ```
 */
export function reqString(obj: Record<string, unknown>, key: string, fail: Fail): string {
  const v = optString(obj, key, fail);
  if (v === undefined) fail(`missing field "${key}"`);
  return v;
}

/**
 * Reads an optional number field, checking it is an integer in `[min, max]`.
 *
 * @example
 * ```ts
 * import { hostFail, optInteger } from "./json_fields.ts";
 * console.log(optInteger({ n: 5 }, "n", hostFail("demo"), 0, 10)); // 5
 * ```
 */
export function optInteger(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    fail(`field "${key}" must be an integer, got ${typeName(v)}`);
  }
  if (v < min || v > max) fail(`field "${key}" must be between ${min} and ${max}, got ${v}`);
  return v;
}

/**
 * Reads an optional boolean field.
 *
 * @example
 * ```ts
 * import { hostFail, optBoolean } from "./json_fields.ts";
 * console.log(optBoolean({ on: true }, "on", hostFail("demo"))); // true
 * ```
 */
export function optBoolean(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
): boolean | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") fail(`field "${key}" must be a boolean, got ${typeName(v)}`);
  return v;
}

/**
 * Reads an optional object of strings (`{"Accept": "text/plain"}`).
 *
 * @example
 * ```ts
 * import { hostFail, optStringRecord } from "./json_fields.ts";
 * console.log(optStringRecord({ h: { a: "b" } }, "h", hostFail("demo"))); // { a: "b" }
 * ```
 */
export function optStringRecord(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
): Record<string, string> | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    fail(`field "${key}" must be an object of strings, got ${typeName(v)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
    if (typeof s !== "string") fail(`field "${key}.${k}" must be a string, got ${typeName(s)}`);
    out[k] = s;
  }
  return out;
}

/**
 * Reads an optional array of strings.
 *
 * @example
 * ```ts
 * import { hostFail, optStringArray } from "./json_fields.ts";
 * console.log(optStringArray({ r: ["a"] }, "r", hostFail("demo"))); // ["a"]
 * ```
 */
export function optStringArray(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
): string[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail(`field "${key}" must be an array of strings, got ${typeName(v)}`);
  v.forEach((s, i) => {
    if (typeof s !== "string") fail(`field "${key}[${i}]" must be a string, got ${typeName(s)}`);
  });
  return [...v] as string[];
}

/**
 * The pattern ids chosen by a writer must match: 1 to 64 letters, digits,
 * `.`, `_` or `-`, not starting with a dot (so an id is a safe file name).
 *
 * @example
 * ```ts
 * import { ID_PATTERN } from "./json_fields.ts";
 * console.log(ID_PATTERN.test("job-7")); // true
 * ```
 */
export const ID_PATTERN: RegExp = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads an optional writer-chosen id, checking it against {@linkcode ID_PATTERN}.
 *
 * @example
 * ```ts
 * import { hostFail, optId } from "./json_fields.ts";
 * console.log(optId({ id: "mine-1" }, "id", hostFail("demo"))); // "mine-1"
 * ```
 */
export function optId(obj: Record<string, unknown>, key: string, fail: Fail): string | undefined {
  const v = optString(obj, key, fail);
  if (v !== undefined && !ID_PATTERN.test(v)) {
    fail(`field "${key}" must match ${ID_PATTERN.source}, got ${JSON.stringify(v)}`);
  }
  return v;
}
