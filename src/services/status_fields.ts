/**
 * Reading a status record that arrives as data (a file, a message): the
 * object, its times and its closed set of fields, each mistake a
 * `TypeError` naming the field.
 *
 * @module
 */

/**
 * The readers of one status record, as {@linkcode statusFields} gives them.
 *
 * @example
 * ```ts
 * import { statusFields } from "./status_fields.ts";
 * const { time } = statusFields({ at: 5 });
 * console.log(time("at")); // 5
 * ```
 */
export interface StatusFields {
  /** The record. */
  obj: Record<string, unknown>;
  /** The field's value, which must be milliseconds since the epoch. */
  time(field: string): number;
  /** Refuses any field outside `fields`. */
  only(fields: readonly string[]): void;
}

/**
 * Checks that `value` is an object and returns its readers; `what` names
 * it in errors.
 *
 * @throws {TypeError} when `value` is not a plain object.
 *
 * @example
 * ```ts
 * import { statusFields } from "./status_fields.ts";
 * const { obj, only } = statusFields({ status: "pending" }, "status");
 * only(["status"]);
 * console.log(obj.status); // "pending"
 * ```
 */
export function statusFields(value: unknown, what = "status"): StatusFields {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object`);
  }
  const obj = value as Record<string, unknown>;
  return {
    obj,
    time(field) {
      const t = obj[field];
      if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
        throw new TypeError(`${what}.${field} must be milliseconds since the epoch`);
      }
      return t;
    },
    only(fields) {
      for (const key of Object.keys(obj)) {
        if (!fields.includes(key)) throw new TypeError(`${what} has an unknown field "${key}"`);
      }
    },
  };
}
