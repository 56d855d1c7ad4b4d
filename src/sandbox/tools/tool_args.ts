/**
 * Reading a tool call's arguments: each checked against what the tool
 * takes, unknown ones refused, every problem a {@linkcode ToolError} the
 * client can read.
 *
 * @module
 */

import { describeValue } from "../../services/json_value.ts";

/**
 * A tool call the environment refused or could not do: its message goes
 * back to the client as a tool error.
 *
 * @example
 * ```ts
 * import { ToolError } from "./tool_args.ts";
 * console.log(new ToolError("no such file").name); // "ToolError"
 * ```
 */
export class ToolError extends Error {
  /** Makes the error. */
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/**
 * A tool call's arguments, read one by one; `done()` refuses the rest.
 *
 * @example
 * ```ts
 * import { ToolArgs } from "./tool_args.ts";
 * const a = new ToolArgs("read", { path: "a.txt" });
 * console.log(a.string("path"), a.optionalInteger("limit")); // "a.txt" undefined
 * a.done();
 * ```
 */
export class ToolArgs {
  readonly #tool: string;
  readonly #args: Record<string, unknown>;
  readonly #seen = new Set<string>();

  /** Reads `args` for `tool`; they must be an object (or absent). */
  constructor(tool: string, args: unknown) {
    this.#tool = tool;
    if (args === undefined || args === null) args = {};
    if (typeof args !== "object" || Array.isArray(args)) {
      throw new ToolError(`${tool}: the arguments must be an object, got ${describeValue(args)}`);
    }
    this.#args = args as Record<string, unknown>;
  }

  #take(key: string): unknown {
    this.#seen.add(key);
    return this.#args[key];
  }

  #bad(key: string, expected: string, value: unknown): ToolError {
    return new ToolError(`${this.#tool}: ${key} must be ${expected}, got ${describeValue(value)}`);
  }

  /** Any JSON value (required). */
  value(key: string): unknown {
    const v = this.#take(key);
    if (v === undefined) throw new ToolError(`${this.#tool}: ${key} is required`);
    return v;
  }

  /** A string (required). */
  string(key: string): string {
    const v = this.#take(key);
    if (v === undefined) throw new ToolError(`${this.#tool}: ${key} is required`);
    if (typeof v !== "string") throw this.#bad(key, "a string", v);
    return v;
  }

  /** A string, or undefined. */
  optionalString(key: string): string | undefined {
    const v = this.#take(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw this.#bad(key, "a string", v);
    return v;
  }

  /** A whole number ≥ `min`, or undefined. */
  optionalInteger(key: string, min = 0): number | undefined {
    const v = this.#take(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
      throw this.#bad(key, `a whole number ≥ ${min}`, v);
    }
    return v;
  }

  /** `true` or `false`, or undefined. */
  optionalBoolean(key: string): boolean | undefined {
    const v = this.#take(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") throw this.#bad(key, "true or false", v);
    return v;
  }

  /** An object of string values, or undefined. */
  optionalStringMap(key: string): Record<string, string> | undefined {
    const v = this.#take(key);
    if (v === undefined || v === null) return undefined;
    if (
      typeof v !== "object" || Array.isArray(v) ||
      !Object.values(v).every((x) => typeof x === "string")
    ) {
      throw this.#bad(key, "an object of strings", v);
    }
    return v as Record<string, string>;
  }

  /** Refuses arguments the tool does not take. */
  done(): void {
    const extra = Object.keys(this.#args).filter((k) => !this.#seen.has(k));
    if (extra.length > 0) {
      throw new ToolError(
        `${this.#tool}: unknown argument${extra.length > 1 ? "s" : ""} ${extra.join(", ")}`,
      );
    }
  }
}
