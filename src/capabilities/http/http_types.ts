/**
 * The JSON formats of HttpFs: a request as written to `/request` (and
 * shown in `/pending/{id}.json`), and an outcome in `/responses/{id}.json`
 * (a response, or a failure with an `error`).
 *
 * @module
 */

import { decodeBase64 } from "../base64.ts";
import {
  expectObject,
  type Fail,
  optId,
  optInteger,
  optString,
  optStringRecord,
  reqString,
} from "../json_fields.ts";

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
  /** The body, if any. */
  body?: string;
  /** How `body` is written. */
  bodyEncoding: BodyEncoding;
  /** The per-attempt timeout in milliseconds, if the writer set one. */
  timeoutMs?: number;
  /** When it was submitted (ms since the epoch). */
  submittedAt: number;
}

/**
 * A completed request: what the server answered (any status, 404 and 500
 * included), in `/responses/{id}.json`.
 *
 * @example
 * ```ts
 * import type { HttpResponse } from "@oanix/oanix";
 * const r: HttpResponse = {
 *   requestId: "req-1", status: 200, statusText: "OK", headers: {}, body: "hi",
 *   bodyEncoding: "utf8", url: "https://example.com/", redirects: 0, attempts: 1,
 *   durationMs: 12, completedAt: Date.now(),
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
  /** The body: text, or base64 when `bodyEncoding` is "base64". */
  body: string;
  /** How `body` is written. */
  bodyEncoding: BodyEncoding;
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
export type HttpErrorKind = "forbidden" | "timeout" | "network" | "redirect" | "shutdown";

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
  /** For "forbidden": the allow-list check that refused (host, method, path, address...). */
  rule?: string;
  /** How many attempts were made. */
  attempts: number;
  /** Time from the first attempt to the failure, in milliseconds. */
  durationMs: number;
  /** When it failed (ms since the epoch). */
  completedAt: number;
}

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

const REQUEST_FIELDS = [
  "id",
  "method",
  "url",
  "headers",
  "body",
  "bodyEncoding",
  "timeoutMs",
] as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks a request (from a file or a host call) and fills in defaults.
 * The id is left for the caller to assign when absent.
 *
 * @example
 * ```ts
 * import { hostFail, parseHttpRequest } from "@oanix/oanix";
 * const r = parseHttpRequest({ url: "https://example.com/", method: "get" }, hostFail("demo"));
 * console.log(r.method); // "GET"
 * ```
 */
export function parseHttpRequest(
  value: unknown,
  fail: Fail,
): Omit<HttpRequest, "id" | "submittedAt"> & { id?: string } {
  return parseHttpRequestParts(value, fail).request;
}

/**
 * {@linkcode parseHttpRequest}, also returning the parsed URL (so callers
 * need not parse it again).
 *
 * @example
 * ```ts
 * import { hostFail, parseHttpRequestParts } from "@oanix/oanix";
 * const { request, url } = parseHttpRequestParts({ url: "https://example.com/a" }, hostFail("demo"));
 * console.log(request.method, url.pathname); // "GET" "/a"
 * ```
 */
export function parseHttpRequestParts(
  value: unknown,
  fail: Fail,
): { request: Omit<HttpRequest, "id" | "submittedAt"> & { id?: string }; url: URL } {
  const obj = expectObject(value, REQUEST_FIELDS, fail, "an HTTP request");
  const id = optId(obj, "id", fail);
  const url = reqString(obj, "url", fail);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(`field "url" must be an absolute URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    fail(`field "url" must be http: or https:, got ${parsed.protocol}`);
  }
  const rawMethod = optString(obj, "method", fail) ?? "GET";
  const method = rawMethod.toUpperCase() as HttpMethod;
  if (!HTTP_METHODS.includes(method)) {
    fail(`field "method" must be one of ${HTTP_METHODS.join(", ")}, got ${rawMethod}`);
  }
  const headers = optStringRecord(obj, "headers", fail) ?? {};
  for (const [name, v] of Object.entries(headers)) {
    if (!TOKEN.test(name)) fail(`header name ${JSON.stringify(name)} is not a valid token`);
    if (/[\r\n\0]/.test(v)) fail(`header ${name} has a line break or NUL in its value`);
  }
  const body = optString(obj, "body", fail);
  const enc = optString(obj, "bodyEncoding", fail) ?? "utf8";
  if (enc !== "utf8" && enc !== "base64") {
    fail(`field "bodyEncoding" must be "utf8" or "base64", got ${JSON.stringify(enc)}`);
  }
  if (body !== undefined && enc === "base64" && decodeBase64(body) === undefined) {
    fail(`field "body" is not valid base64`);
  }
  if (body !== undefined && (method === "GET" || method === "HEAD")) {
    fail(`a ${method} request cannot have a body`);
  }
  const timeoutMs = optInteger(obj, "timeoutMs", fail, 1, 24 * 3600 * 1000);
  const out: Omit<HttpRequest, "id" | "submittedAt"> & { id?: string } = {
    method,
    url: parsed.href,
    headers,
    bodyEncoding: enc,
  };
  if (id !== undefined) out.id = id;
  if (body !== undefined) out.body = body;
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  return { request: out, url: parsed };
}

/**
 * The bytes of a request body (undefined when there is none).
 *
 * @example
 * ```ts
 * import { requestBodyBytes } from "@oanix/oanix";
 * console.log(requestBodyBytes({ body: "AP8=", bodyEncoding: "base64" })); // Uint8Array [0, 255]
 * ```
 */
export function requestBodyBytes(
  req: Pick<HttpRequest, "body" | "bodyEncoding">,
): Uint8Array | undefined {
  if (req.body === undefined) return undefined;
  if (req.bodyEncoding === "base64") return decodeBase64(req.body) ?? new Uint8Array();
  return new TextEncoder().encode(req.body);
}
