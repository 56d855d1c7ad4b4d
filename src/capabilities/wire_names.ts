/**
 * The JSON field names of capability files. The seed's file formats use
 * snake_case (`request_id`, `status_text`, `duration_ms`, ...); the host
 * API uses camelCase. Files are written in snake_case, and a file an agent
 * writes may use either spelling.
 *
 * @module
 */

/** Our own field names, turned once (a file is written per response, with the same dozen names). */
const snakeNames = new Map<string, string>();

function snake(key: string): string {
  let name = snakeNames.get(key);
  if (name === undefined) {
    name = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snakeNames.size < 256) snakeNames.set(key, name);
  }
  return name;
}

function camel(key: string): string {
  return key.includes("_") ? key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : key;
}

/**
 * A copy of `value` with its top-level keys in snake_case. Nested objects
 * (headers, say) are left as they are.
 *
 * @example
 * ```ts
 * import { toWireNames } from "./wire_names.ts";
 * console.log(toWireNames({ requestId: "r", durationMs: 5, headers: { "X-Id": "1" } }));
 * // { request_id: "r", duration_ms: 5, headers: { "X-Id": "1" } }
 * ```
 */
export function toWireNames(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const k in record) if (Object.hasOwn(record, k)) out[snake(k)] = record[k];
  return out;
}

/**
 * A copy of an agent's JSON object with snake_case top-level keys turned
 * to camelCase. Giving one field in both spellings is refused.
 *
 * @example
 * ```ts
 * import { fromWireNames } from "./wire_names.ts";
 * console.log(fromWireNames({ body_encoding: "base64", url: "u" }, (m) => { throw new Error(m); }));
 * // { bodyEncoding: "base64", url: "u" }
 * ```
 */
export function fromWireNames(value: unknown, fail: (message: string) => never): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = camel(k);
    if (name in out) fail(`field "${k}" is given twice (as ${name} and ${k})`);
    out[name] = v;
  }
  return out;
}
