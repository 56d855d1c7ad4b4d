/**
 * The JSON formats of HttpFs: a request as written to `/request` (and
 * shown in `/pending/{id}.json`), and an outcome in `/responses/{id}.json`
 * (a response, or a failure with an `error`).
 *
 * @module
 */

/**
 * The HTTP methods HttpFs accepts.
 *
 * @example
 * ```ts
 * import { HTTP_METHODS } from "@oanix/oanix";
 * console.log(HTTP_METHODS.includes("PATCH")); // true
 * ```
 */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/**
 * One of {@linkcode HTTP_METHODS}.
 *
 * @example
 * ```ts
 * import type { HttpMethod } from "@oanix/oanix";
 * const m: HttpMethod = "GET";
 * ```
 */
export type HttpMethod = typeof HTTP_METHODS[number];

/**
 * How a body is written in JSON: UTF-8 text as is, or bytes as base64.
 *
 * @example
 * ```ts
 * import type { BodyEncoding } from "@oanix/oanix";
 * const e: BodyEncoding = "base64";
 * ```
 */
export type BodyEncoding = "utf8" | "base64";

/**
 * What a writer submits. Only `url` is required; `method` defaults to GET.
 * A body is given inline (`body`, text or base64), or as the name of an
 * upload (`bodyFile`): a file the writer wrote in `/uploads/` first, sent
 * byte for byte, for bodies too large to inline.
 *
 * @example
 * ```ts
 * import type { HttpRequestInit } from "@oanix/oanix";
 * const req: HttpRequestInit = {
 *   method: "POST",
 *   url: "https://api.example.com/items",
 *   headers: { "Content-Type": "application/json", "Idempotency-Key": "k-1" },
 *   body: '{"name":"x"}',
 *   timeoutMs: 5000,
 * };
 * ```
 */
export interface HttpRequestInit {
  /** An id chosen by the writer (unique; see ID_PATTERN); one is assigned when absent. */
  id?: string;
  /** The method (case-insensitive); GET by default. */
  method?: HttpMethod | Lowercase<HttpMethod>;
  /** An absolute http(s) URL. */
  url: string;
  /** Request headers. */
  headers?: Record<string, string>;
  /** The body: text, or base64 when `bodyEncoding` is "base64". */
  body?: string;
  /** How `body` is written; "utf8" by default. */
  bodyEncoding?: BodyEncoding;
  /** The name of a file in `/uploads/` to send as the body (instead of `body`). */
  bodyFile?: string;
  /** A per-attempt timeout in milliseconds, overriding the executor's default. */
  timeoutMs?: number;
}

/**
 * A submitted request, as `/pending/{id}.json` shows it. It never holds
 * host credentials: those are added by the executor on the wire only.
 *
 * @example
 * ```ts
 * import { HttpFs } from "@oanix/oanix";
 * const http = new HttpFs();
 * const id = http.submitRequest({ url: "https://example.com/" });
 * console.log(http.pendingRequest(id)?.method); // "GET"
 * ```
 */
export interface HttpRequest {
  /** The request id. */
  id: string;
  /** The method. */
  method: HttpMethod;
  /** The URL, as written. */
  url: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** The inline body, if any. */
  body?: string;
  /** How `body` is written. */
  bodyEncoding: BodyEncoding;
  /** The upload the body was taken from, if any. */
  bodyFile?: string;
  /** The body's size in bytes (0 without a body). */
  bodySize: number;
  /** The per-attempt timeout in milliseconds, if the writer set one. */
  timeoutMs?: number;
  /** When it was submitted (ms since the epoch). */
  submittedAt: number;
}

/**
 * A completed request: what the server answered (any status, 404 and 500
 * included), in `/responses/{id}.json`. The raw body is always in the
 * file `bodyFile` beside it (`/responses/{id}.body`); a body of up to
 * `maxInlineBytes` is also inline, in `body` (text, or base64 when it is
 * not UTF-8). A larger body has no `body` field: read the file.
 *
 * @example
 * ```ts
 * import type { HttpResponse } from "@oanix/oanix";
 * const r: HttpResponse = {
 *   requestId: "req-1", status: 200, statusText: "OK", headers: {}, body: "hi",
 *   bodyEncoding: "utf8", bodySize: 2, bodyFile: "req-1.body", url: "https://example.com/",
 *   redirects: 0, attempts: 1, durationMs: 12, completedAt: Date.now(),
 * };
 * ```
 */
export interface HttpResponse {
  /** The request id. */
  requestId: string;
  /** The HTTP status. */
  status: number;
  /** The status text. */
  statusText: string;
  /** Response headers (lower-case names). */
  headers: Record<string, string>;
  /** The inline body (text, or base64 when `bodyEncoding` is "base64"); absent when too large. */
  body?: string;
  /** How `body` is written; absent with `body`. */
  bodyEncoding?: BodyEncoding;
  /** The body's size in bytes. */
  bodySize: number;
  /** The name of the file in `/responses/` that holds the raw body. */
  bodyFile: string;
  /** The final URL, after redirects. */
  url: string;
  /** How many redirects were followed. */
  redirects: number;
  /** How many attempts were made (1 when the first succeeded). */
  attempts: number;
  /** Time from the first attempt to completion, in milliseconds. */
  durationMs: number;
  /** When it completed (ms since the epoch). */
  completedAt: number;
}

/**
 * Why a request failed.
 *
 * @example
 * ```ts
 * import type { HttpErrorKind } from "@oanix/oanix";
 * const k: HttpErrorKind = "forbidden";
 * ```
 */
export type HttpErrorKind =
  | "forbidden"
  | "timeout"
  | "network"
  | "redirect"
  | "shutdown"
  | "tooLarge"
  | "notInTranscript";

/**
 * A request that got no HTTP response, in `/responses/{id}.json`. It has
 * an `error` (a response does not).
 *
 * @example
 * ```ts
 * import type { HttpFailure } from "@oanix/oanix";
 * const f: HttpFailure = {
 *   requestId: "req-2", error: "host evil.test is not in the allow-list",
 *   errorKind: "forbidden", rule: "host", attempts: 0, durationMs: 0, completedAt: Date.now(),
 * };
 * ```
 */
export interface HttpFailure {
  /** The request id. */
  requestId: string;
  /** A readable reason. */
  error: string;
  /** The kind of failure. */
  errorKind: HttpErrorKind;
  /** For "forbidden": the check that refused (host, method, path, address, secret...). */
  rule?: string;
  /** How many attempts were made. */
  attempts: number;
  /** Time from the first attempt to the failure, in milliseconds. */
  durationMs: number;
  /** When it failed (ms since the epoch). */
  completedAt: number;
}

/**
 * What an executor may say about a failure besides its message (see
 * `HttpFs.failRequest`); a missing duration or time is measured now.
 *
 * @example
 * ```ts
 * import type { HttpFailureDetails } from "./http_types.ts";
 * const d: HttpFailureDetails = { errorKind: "timeout", attempts: 3, completedAt: 1700000000000 };
 * ```
 */
export type HttpFailureDetails = Partial<
  Pick<HttpFailure, "errorKind" | "rule" | "attempts" | "durationMs" | "completedAt">
>;

/**
 * What `/responses/{id}.json` holds.
 *
 * @example
 * ```ts
 * import { type HttpOutcome, isHttpFailure } from "@oanix/oanix";
 * function show(o: HttpOutcome) {
 *   return isHttpFailure(o) ? o.error : o.status;
 * }
 * ```
 */
export type HttpOutcome = HttpResponse | HttpFailure;

/**
 * True when an outcome is a failure.
 *
 * @example
 * ```ts
 * import { isHttpFailure } from "@oanix/oanix";
 * console.log(isHttpFailure({ requestId: "r", error: "x", errorKind: "network", attempts: 1, durationMs: 1, completedAt: 0 })); // true
 * ```
 */
export function isHttpFailure(o: HttpOutcome): o is HttpFailure {
  return typeof (o as HttpFailure).error === "string";
}
