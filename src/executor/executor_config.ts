/**
 * ExecutorConfig: every knob of the executors, each of them used.
 *
 * @module
 */

import { RetryPolicy } from "./retry_policy.ts";

/**
 * The executors' settings. Build one with {@linkcode ExecutorConfig.builder}.
 *
 * | field | used by | default |
 * |---|---|---|
 * | `pollIntervalMs` | ExecutorManager: the fallback sweep (work is normally picked up on submit) | 500 |
 * | `httpTimeoutMs` | HttpExecutor: per-attempt timeout when a request sets none | 30 000 |
 * | `httpRetry` | HttpExecutor: retries of network errors, 408, 429, 5xx | exponential(3, 100, 5000) |
 * | `httpMaxConcurrent` | HttpExecutor: requests in flight at once | 32 |
 * | `wsConnectTimeoutMs` | WsConnector and NostrRelayConnector: opening handshake | 10 000 |
 * | `wsMaxConcurrent` | WsConnector: open sockets at once | 100 |
 * | `wsReconnect` | WsConnector: reconnects of connections opened with `reconnect: true` | exponential(5, 200, 10 000) |
 * | `nostrReconnect` | NostrRelayConnector: reconnects to a relay that dropped | exponential(Infinity, 500, 30 000) |
 *
 * @example
 * ```ts
 * import { ExecutorConfig, RetryPolicy } from "@oanix/oanix";
 * const config = ExecutorConfig.builder()
 *   .pollInterval(50)
 *   .httpTimeout(30_000)
 *   .httpRetry(RetryPolicy.exponential(3, 100))
 *   .wsConnectTimeout(10_000)
 *   .wsMaxConcurrent(100)
 *   .build();
 * console.log(config.httpMaxConcurrent); // 32
 * ```
 */
export class ExecutorConfig {
  /** The fallback sweep interval, in milliseconds. */
  readonly pollIntervalMs: number;
  /** The default per-attempt HTTP timeout, in milliseconds. */
  readonly httpTimeoutMs: number;
  /** How HTTP requests are retried. */
  readonly httpRetry: RetryPolicy;
  /** The most HTTP requests in flight at once. */
  readonly httpMaxConcurrent: number;
  /** The WebSocket opening-handshake timeout, in milliseconds. */
  readonly wsConnectTimeoutMs: number;
  /** The most WebSocket connections (WsFs) open at once. */
  readonly wsMaxConcurrent: number;
  /** How WsFs connections that asked for it reconnect. */
  readonly wsReconnect: RetryPolicy;
  /** How relay connections reconnect. */
  readonly nostrReconnect: RetryPolicy;

  /** Use {@linkcode ExecutorConfig.builder} or {@linkcode ExecutorConfig.default}. */
  constructor(fields: ExecutorConfigFields) {
    this.pollIntervalMs = fields.pollIntervalMs;
    this.httpTimeoutMs = fields.httpTimeoutMs;
    this.httpRetry = fields.httpRetry;
    this.httpMaxConcurrent = fields.httpMaxConcurrent;
    this.wsConnectTimeoutMs = fields.wsConnectTimeoutMs;
    this.wsMaxConcurrent = fields.wsMaxConcurrent;
    this.wsReconnect = fields.wsReconnect;
    this.nostrReconnect = fields.nostrReconnect;
    Object.freeze(this);
  }

  /**
   * A builder starting from the defaults.
   *
   * @example
   * ```ts
   * import { ExecutorConfig } from "@oanix/oanix";
   * const c = ExecutorConfig.builder().httpMaxConcurrent(8).build();
   * ```
   */
  static builder(): ExecutorConfigBuilder {
    return new ExecutorConfigBuilder();
  }

  /**
   * The defaults.
   *
   * @example
   * ```ts
   * import { ExecutorConfig } from "@oanix/oanix";
   * console.log(ExecutorConfig.default().httpTimeoutMs); // 30000
   * ```
   */
  static default(): ExecutorConfig {
    return new ExecutorConfigBuilder().build();
  }
}

/**
 * The fields of an {@linkcode ExecutorConfig}.
 *
 * @example
 * ```ts
 * import type { ExecutorConfigFields } from "@oanix/oanix";
 * type F = keyof ExecutorConfigFields; // "pollIntervalMs" | ...
 * ```
 */
export type ExecutorConfigFields = {
  -readonly [K in keyof ExecutorConfig]: ExecutorConfig[K];
};

function positive(name: string, v: number, integer = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new TypeError(
      `ExecutorConfig: ${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`,
    );
  }
  return v;
}

function policy(name: string, p: RetryPolicy): RetryPolicy {
  if (!(p instanceof RetryPolicy)) {
    throw new TypeError(`ExecutorConfig: ${name} must be a RetryPolicy`);
  }
  return p;
}

/**
 * Builds an {@linkcode ExecutorConfig}; durations are milliseconds.
 *
 * @example
 * ```ts
 * import { ExecutorConfigBuilder, RetryPolicy } from "@oanix/oanix";
 * const c = new ExecutorConfigBuilder().httpRetry(RetryPolicy.none()).build();
 * ```
 */
export class ExecutorConfigBuilder {
  #f: ExecutorConfigFields = {
    pollIntervalMs: 500,
    httpTimeoutMs: 30_000,
    httpRetry: RetryPolicy.exponential(3, 100, 5_000),
    httpMaxConcurrent: 32,
    wsConnectTimeoutMs: 10_000,
    wsMaxConcurrent: 100,
    wsReconnect: RetryPolicy.exponential(5, 200, 10_000),
    nostrReconnect: RetryPolicy.exponential(Infinity, 500, 30_000),
  };

  /** The fallback sweep interval. */
  pollInterval(ms: number): this {
    this.#f.pollIntervalMs = positive("pollInterval", ms);
    return this;
  }

  /** The default per-attempt HTTP timeout. */
  httpTimeout(ms: number): this {
    this.#f.httpTimeoutMs = positive("httpTimeout", ms);
    return this;
  }

  /** How HTTP requests are retried. */
  httpRetry(p: RetryPolicy): this {
    this.#f.httpRetry = policy("httpRetry", p);
    return this;
  }

  /** The most HTTP requests in flight at once. */
  httpMaxConcurrent(n: number): this {
    this.#f.httpMaxConcurrent = positive("httpMaxConcurrent", n, true);
    return this;
  }

  /** The WebSocket handshake timeout (WsFs and relays). */
  wsConnectTimeout(ms: number): this {
    this.#f.wsConnectTimeoutMs = positive("wsConnectTimeout", ms);
    return this;
  }

  /** The most WsFs sockets open at once. */
  wsMaxConcurrent(n: number): this {
    this.#f.wsMaxConcurrent = positive("wsMaxConcurrent", n, true);
    return this;
  }

  /** How WsFs connections opened with `reconnect: true` reconnect. */
  wsReconnect(p: RetryPolicy): this {
    this.#f.wsReconnect = policy("wsReconnect", p);
    return this;
  }

  /** How relay connections reconnect. */
  nostrReconnect(p: RetryPolicy): this {
    this.#f.nostrReconnect = policy("nostrReconnect", p);
    return this;
  }

  /** The config. */
  build(): ExecutorConfig {
    return new ExecutorConfig({ ...this.#f });
  }
}
