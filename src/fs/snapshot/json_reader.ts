/**
 * Strict reading of the JSON an archive holds: every field checked for its
 * type, unknown fields refused, each failure a `corrupt` SnapshotError that
 * says where.
 *
 * @module
 */

import { SnapshotError } from "./snapshot_error.ts";

/**
 * A JSON object being read, with the place it came from for messages.
 *
 * @example
 * ```ts
 * import { JsonReader } from "./json_reader.ts";
 * const r = JsonReader.object({ path: "/a", size: 3 }, "mounts/0.json entry 1");
 * console.log(r.string("path"), r.integer("size")); // "/a" 3
 * r.done();
 * ```
 */
export class JsonReader {
  /** Where the object is, for messages. */
  readonly where: string;
  #obj: Record<string, unknown>;
  #seen = new Set<string>();

  private constructor(obj: Record<string, unknown>, where: string) {
    this.#obj = obj;
    this.where = where;
  }

  /**
   * Reads `value`, which must be a plain object.
   *
   * @throws {SnapshotError} `corrupt` otherwise.
   */
  static object(value: unknown, where: string): JsonReader {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw corrupt(where, `expected an object, got ${describe(value)}`);
    }
    return new JsonReader(value as Record<string, unknown>, where);
  }

  /** True when the field is there. */
  has(name: string): boolean {
    return Object.hasOwn(this.#obj, name);
  }

  /** The raw value of a field (undefined when absent), marked as read. */
  raw(name: string): unknown {
    this.#seen.add(name);
    return this.#obj[name];
  }

  /** A required string field. */
  string(name: string): string {
    const v = this.raw(name);
    if (typeof v !== "string") throw this.#bad(name, "a string", v);
    return v;
  }

  /** An optional string field. */
  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  /** A required integer field ≥ 0. */
  integer(name: string): number {
    const v = this.raw(name);
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw this.#bad(name, "an integer ≥ 0", v);
    }
    return v;
  }

  /** An optional integer field ≥ 0. */
  optionalInteger(name: string): number | undefined {
    return this.has(name) ? this.integer(name) : undefined;
  }

  /** A required finite number. */
  number(name: string): number {
    const v = this.raw(name);
    if (typeof v !== "number" || !Number.isFinite(v)) throw this.#bad(name, "a number", v);
    return v;
  }

  /** A required boolean field. */
  boolean(name: string): boolean {
    const v = this.raw(name);
    if (typeof v !== "boolean") throw this.#bad(name, "true or false", v);
    return v;
  }

  /** A time in nanoseconds, written as a string of decimal digits. */
  nanoseconds(name: string): bigint {
    const v = this.raw(name);
    if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,30})$/.test(v)) {
      throw this.#bad(name, "nanoseconds as a string of digits", v);
    }
    return BigInt(v);
  }

  /** A required field that must be one of `choices`. */
  oneOf<T extends string>(name: string, choices: readonly T[]): T {
    const v = this.raw(name);
    if (!(choices as readonly unknown[]).includes(v)) {
      throw this.#bad(name, `one of ${choices.join(", ")}`, v);
    }
    return v as T;
  }

  /** A required array field. */
  array(name: string): unknown[] {
    const v = this.raw(name);
    if (!Array.isArray(v)) throw this.#bad(name, "an array", v);
    return v;
  }

  /** A required object field, as a reader. */
  object(name: string): JsonReader {
    return JsonReader.object(this.raw(name), `${this.where}: ${name}`);
  }

  /** An optional object field, as a reader. */
  optionalObject(name: string): JsonReader | undefined {
    return this.has(name) ? this.object(name) : undefined;
  }

  /**
   * Refuses fields that were never read.
   *
   * @throws {SnapshotError} `corrupt` naming the first unknown field.
   */
  done(): void {
    for (const key of Object.keys(this.#obj)) {
      if (!this.#seen.has(key)) throw corrupt(this.where, `unknown field "${key}"`);
    }
  }

  #bad(name: string, what: string, got: unknown): SnapshotError {
    return corrupt(
      this.where,
      got === undefined
        ? `"${name}" is missing`
        : `"${name}" must be ${what}, got ${describe(got)}`,
    );
  }
}

/**
 * A `corrupt` SnapshotError about `where`.
 *
 * @example
 * ```ts
 * import { corrupt } from "./json_reader.ts";
 * console.log(corrupt("mounts/0.json", "bad").message); // "snapshot corrupt: mounts/0.json: bad"
 * ```
 */
export function corrupt(where: string, detail: string): SnapshotError {
  return new SnapshotError("corrupt", `${where}: ${detail}`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "object") return "an object";
  return String(v);
}
