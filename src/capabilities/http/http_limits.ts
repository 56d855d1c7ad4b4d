/**
 * The size limits of HttpFs: how large a request or response body may
 * be, how large a body is still shown inline in the JSON files, and how
 * many body bytes one HttpFs holds in memory at once.
 *
 * @module
 */

/**
 * The limits of one HttpFs; every field has a default
 * ({@linkcode DEFAULT_HTTP_LIMITS}).
 *
 * | field | what | default |
 * |---|---|---|
 * | `maxRequestBytes` | the largest request body (inline or uploaded) | 64 MiB |
 * | `maxResponseBytes` | the largest response body; a larger one is cut off while streaming and fails | 64 MiB |
 * | `maxInlineBytes` | bodies up to this size are also inline (`body`) in the JSON files | 1 MiB |
 * | `maxBufferedBytes` | all bodies held at once: uploads, requests not finished, responses not removed | 256 MiB |
 *
 * @example
 * ```ts
 * import { HttpFs } from "@oanix/oanix";
 * const http = new HttpFs({ maxResponseBytes: 10 << 20, maxRequestBytes: 1 << 20 });
 * console.log(http.limits.maxResponseBytes); // 10485760
 * ```
 */
export interface HttpLimits {
  /** The largest request body, in bytes. */
  maxRequestBytes: number;
  /** The largest response body, in bytes. */
  maxResponseBytes: number;
  /** Bodies up to this size are inline in the JSON files too. */
  maxInlineBytes: number;
  /** The most body bytes held at once by one HttpFs. */
  maxBufferedBytes: number;
}

/**
 * The default {@linkcode HttpLimits}.
 *
 * @example
 * ```ts
 * import { DEFAULT_HTTP_LIMITS } from "@oanix/oanix";
 * console.log(DEFAULT_HTTP_LIMITS.maxInlineBytes); // 1048576
 * ```
 */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxRequestBytes: 64 * 1024 * 1024,
  maxResponseBytes: 64 * 1024 * 1024,
  maxInlineBytes: 1024 * 1024,
  maxBufferedBytes: 256 * 1024 * 1024,
});

/**
 * The limits with defaults filled in, checked.
 *
 * @throws {TypeError} naming the field, for a limit that is not a positive integer
 * (`maxInlineBytes` may be 0: nothing inline).
 *
 * @example
 * ```ts
 * import { resolveHttpLimits } from "./http_limits.ts";
 * console.log(resolveHttpLimits({ maxInlineBytes: 0 }).maxResponseBytes); // 67108864
 * ```
 */
export function resolveHttpLimits(given: Partial<HttpLimits> = {}): Readonly<HttpLimits> {
  const out = { ...DEFAULT_HTTP_LIMITS };
  for (const key of Object.keys(DEFAULT_HTTP_LIMITS) as (keyof HttpLimits)[]) {
    const v = given[key];
    if (v === undefined) continue;
    const min = key === "maxInlineBytes" ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new TypeError(`HttpFs: ${key} must be an integer >= ${min}, got ${v}`);
    }
    out[key] = v;
  }
  return Object.freeze(out);
}

/**
 * The failure message of a response cut off at the limit.
 *
 * @example
 * ```ts
 * import { responseTooLarge } from "./http_limits.ts";
 * console.log(responseTooLarge(1024)); // "response too large (limit 1024 bytes)"
 * ```
 */
export function responseTooLarge(limit: number): string {
  return `response too large (limit ${limit} bytes)`;
}

/**
 * The failure message of a body refused because the bodies already held
 * fill the HttpFs's `maxBufferedBytes`.
 *
 * @example
 * ```ts
 * import { bodiesFull } from "./http_limits.ts";
 * console.log(bodiesFull(256));
 * ```
 */
export function bodiesFull(limit: number): string {
  return `no room for the body: the bodies held would pass maxBufferedBytes (${limit} bytes); ` +
    `remove finished responses`;
}
