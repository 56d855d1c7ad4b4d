/**
 * Structured log events: one JSON object per line of `/logs/events.jsonl`.
 *
 * @module
 */

import { describeValue, frozenJson, type JsonValue } from "./json_value.ts";

/**
 * The level of a log event, from least to most severe.
 *
 * @example
 * ```ts
 * import { LOG_LEVELS } from "@oanix/oanix";
 * console.log(LOG_LEVELS); // ["debug", "info", "warn", "error"]
 * ```
 */
export const LOG_LEVELS: readonly ["debug", "info", "warn", "error"] = Object.freeze(
  ["debug", "info", "warn", "error"] as const,
);

/**
 * One of {@linkcode LOG_LEVELS}.
 *
 * @example
 * ```ts
 * import type { LogLevel } from "@oanix/oanix";
 * const level: LogLevel = "warn";
 * ```
 */
export type LogLevel = typeof LOG_LEVELS[number];

/**
 * A log event as plain JSON: the shape of one line of `events.jsonl`.
 * `timestamp` is milliseconds since the epoch; `data` is left out when
 * there is none.
 *
 * @example
 * ```ts
 * import type { LogEventJson } from "@oanix/oanix";
 * const line: LogEventJson = { timestamp: 0, level: "info", message: "started" };
 * ```
 */
export interface LogEventJson {
  /** When it happened, in milliseconds since the epoch. */
  timestamp: number;
  /** How severe it is. */
  level: LogLevel;
  /** What happened, in words. */
  message: string;
  /** Any JSON detail. */
  data?: JsonValue;
}

const FIELDS = ["timestamp", "level", "message", "data"];

function checkLevel(level: unknown, where: string): LogLevel {
  if (!(LOG_LEVELS as readonly unknown[]).includes(level)) {
    throw new TypeError(
      `${where}level must be one of ${LOG_LEVELS.join("|")}, got ${
        typeof level === "string" ? JSON.stringify(level) : describeValue(level)
      }`,
    );
  }
  return level as LogLevel;
}

/**
 * An immutable structured log event.
 *
 * @example
 * ```ts
 * import { LogEvent } from "@oanix/oanix";
 * const plain = new LogEvent("info", "Task started");
 * const detailed = LogEvent.withData("debug", "Config loaded", { timeout: 300 });
 * console.log(detailed.toLine()); // {"timestamp":...,"level":"debug","message":"Config loaded","data":{"timeout":300}}
 * console.log(plain.data); // undefined
 * ```
 */
export class LogEvent {
  /** When it happened, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** How severe it is. */
  readonly level: LogLevel;
  /** What happened, in words. */
  readonly message: string;
  /** Any JSON detail (a frozen copy), or undefined. */
  readonly data: JsonValue | undefined;

  /**
   * Makes an event.
   *
   * @param level one of {@linkcode LOG_LEVELS}
   * @param message what happened
   * @param data optional JSON detail (copied and frozen)
   * @param timestamp milliseconds since the epoch; defaults to now
   * @throws {TypeError} naming the bad field.
   */
  constructor(level: LogLevel, message: string, data?: JsonValue, timestamp?: number) {
    this.level = checkLevel(level, "LogEvent: ");
    if (typeof message !== "string") {
      throw new TypeError(`LogEvent: message must be a string, got ${describeValue(message)}`);
    }
    if (timestamp !== undefined && (typeof timestamp !== "number" || !Number.isFinite(timestamp))) {
      throw new TypeError(
        `LogEvent: timestamp must be a finite number of milliseconds, got ${
          describeValue(timestamp)
        }`,
      );
    }
    this.message = message;
    this.data = data === undefined ? undefined : frozenJson(data, "LogEvent: data");
    this.timestamp = timestamp ?? Date.now();
    Object.freeze(this);
  }

  /**
   * An event with detail data.
   *
   * @example
   * ```ts
   * import { LogEvent } from "@oanix/oanix";
   * const e = LogEvent.withData("debug", "Config loaded", { timeout: 300 });
   * console.log(e.data); // { timeout: 300 }
   * ```
   */
  static withData(level: LogLevel, message: string, data: JsonValue): LogEvent {
    return new LogEvent(level, message, data);
  }

  /**
   * Reads one line of `events.jsonl`. `message` is required; `level`
   * defaults to `info` and `timestamp` to now. Other fields are refused.
   *
   * @throws {SyntaxError} when the line is not JSON.
   * @throws {TypeError} when it is JSON of the wrong shape, naming the field.
   *
   * @example
   * ```ts
   * import { LogEvent } from "@oanix/oanix";
   * const e = LogEvent.parse('{"level":"warn","message":"disk almost full"}');
   * console.log(e.level, e.message); // "warn" "disk almost full"
   * ```
   */
  static parse(line: string): LogEvent {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new TypeError(`an event must be a JSON object, got ${describeValue(value)}`);
    }
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!FIELDS.includes(key)) {
        throw new TypeError(`unknown field "${key}" (put extra fields under "data")`);
      }
    }
    if (typeof obj.message !== "string") {
      throw new TypeError(
        obj.message === undefined
          ? "message is missing"
          : `message must be a string, got ${describeValue(obj.message)}`,
      );
    }
    const level = obj.level === undefined ? "info" : checkLevel(obj.level, "");
    const ts = obj.timestamp;
    if (ts !== undefined && (typeof ts !== "number" || !Number.isFinite(ts))) {
      throw new TypeError(
        `timestamp must be a number of milliseconds, got ${describeValue(ts)}`,
      );
    }
    return new LogEvent(level, obj.message, obj.data as JsonValue | undefined, ts);
  }

  /** The event as plain JSON (what `JSON.stringify` uses). */
  toJSON(): LogEventJson {
    const out: LogEventJson = {
      timestamp: this.timestamp,
      level: this.level,
      message: this.message,
    };
    if (this.data !== undefined) out.data = this.data;
    return out;
  }

  /** The event as one line of `events.jsonl`, without the newline. */
  toLine(): string {
    return JSON.stringify(this);
  }
}
