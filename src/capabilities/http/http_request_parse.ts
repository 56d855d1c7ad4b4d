/**
 * Checking a request written to HttpFs (or passed by a host) field by
 * field, and decoding its inline body once.
 *
 * @module
 */

import {
  expectObject,
  type Fail,
  optId,
  optInteger,
  optString,
  optStringRecord,
  reqString,
} from "../json_fields.ts";
import { inlineBytes } from "./http_body.ts";
import { HTTP_METHODS, type HttpMethod, type HttpRequest } from "./http_types.ts";

const REQUEST_FIELDS = [
  "id",
  "method",
  "url",
  "headers",
  "body",
  "bodyEncoding",
  "bodyFile",
  "timeoutMs",
] as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A request as parsed: everything but the id (when the writer chose none)
 * and the submit time.
 *
 * @example
 * ```ts
 * import type { ParsedHttpRequest } from "./http_request_parse.ts";
 * type M = ParsedHttpRequest["method"]; // HttpMethod
 * ```
 */
export type ParsedHttpRequest = Omit<HttpRequest, "id" | "submittedAt"> & { id?: string };

/**
 * Checks a request (from a file or a host call) and fills in defaults.
 * The id is left for the caller to assign when absent.
 *
 * @example
 * ```ts
 * import { hostFail } from "../json_fields.ts";
 * import { parseHttpRequest } from "./http_request_parse.ts";
 * const r = parseHttpRequest({ url: "https://example.com/", method: "get" }, hostFail("demo"));
 * console.log(r.method); // "GET"
 * ```
 */
export function parseHttpRequest(value: unknown, fail: Fail): ParsedHttpRequest {
  return parseHttpRequestParts(value, fail).request;
}

/**
 * Parses a request's URL: it must be absolute, and http: or https:.
 *
 * @example
 * ```ts
 * import { hostFail } from "../json_fields.ts";
 * import { parseRequestUrl } from "./http_request_parse.ts";
 * console.log(parseRequestUrl("https://example.com/a", hostFail("demo")).pathname); // "/a"
 * ```
 */
export function parseRequestUrl(url: string, fail: Fail): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(`field "url" must be an absolute URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    fail(`field "url" must be http: or https:, got ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * {@linkcode parseHttpRequest}, also returning the parsed URL (so callers
 * need not parse it again) and the inline body's bytes, decoded once. An
 * inline body larger than `maxBodyBytes` is refused. `parseUrl` parses the
 * URL ({@linkcode parseRequestUrl} unless a caller remembers URLs).
 *
 * @example
 * ```ts
 * import { hostFail } from "../json_fields.ts";
 * import { parseHttpRequestParts } from "./http_request_parse.ts";
 * const { request, url } = parseHttpRequestParts({ url: "https://example.com/a" }, hostFail("demo"));
 * console.log(request.method, url.pathname); // "GET" "/a"
 * ```
 */
export function parseHttpRequestParts(
  value: unknown,
  fail: Fail,
  maxBodyBytes: number = Infinity,
  parseUrl: (url: string, fail: Fail) => URL = parseRequestUrl,
): { request: ParsedHttpRequest; url: URL; body?: Uint8Array } {
  const obj = expectObject(value, REQUEST_FIELDS, fail, "an HTTP request");
  const id = optId(obj, "id", fail);
  const url = reqString(obj, "url", fail);
  const parsed = parseUrl(url, fail);
  const rawMethod = optString(obj, "method", fail) ?? "GET";
  const method = (rawMethod === "GET" ? rawMethod : rawMethod.toUpperCase()) as HttpMethod;
  if (!HTTP_METHODS.includes(method)) {
    fail(`field "method" must be one of ${HTTP_METHODS.join(", ")}, got ${rawMethod}`);
  }
  const headers = optStringRecord(obj, "headers", fail) ?? NO_HEADERS;
  for (const name in headers) {
    if (!TOKEN.test(name)) fail(`header name ${JSON.stringify(name)} is not a valid token`);
    if (BAD_HEADER_VALUE.test(headers[name])) {
      fail(`header ${name} has a line break or NUL in its value`);
    }
  }
  const body = optString(obj, "body", fail);
  const bodyFile = optId(obj, "bodyFile", fail);
  const enc = optString(obj, "bodyEncoding", fail) ?? "utf8";
  if (enc !== "utf8" && enc !== "base64") {
    fail(`field "bodyEncoding" must be "utf8" or "base64", got ${JSON.stringify(enc)}`);
  }
  if (body !== undefined && bodyFile !== undefined) {
    fail(`give the body inline ("body") or as an upload ("bodyFile"), not both`);
  }
  if (bodyFile !== undefined && obj.bodyEncoding !== undefined) {
    fail(`field "bodyEncoding" applies to an inline body only; an upload is sent as is`);
  }
  if ((body !== undefined || bodyFile !== undefined) && (method === "GET" || method === "HEAD")) {
    fail(`a ${method} request cannot have a body`);
  }
  let bytes: Uint8Array | undefined;
  if (body !== undefined) {
    bytes = inlineBytes(body, enc);
    if (bytes === undefined) fail(`field "body" is not valid base64`);
    if (bytes.length > maxBodyBytes) {
      fail(`request body too large: ${bytes.length} bytes (limit ${maxBodyBytes} bytes)`);
    }
  }
  const timeoutMs = optInteger(obj, "timeoutMs", fail, 1, 24 * 3600 * 1000);
  const out: ParsedHttpRequest = {
    method,
    // The writer's own string when it is already canonical (one string fewer kept per request).
    url: parsed.href === url ? url : parsed.href,
    headers,
    bodyEncoding: enc,
    bodySize: bytes?.length ?? 0,
  };
  if (id !== undefined) out.id = id;
  if (body !== undefined) out.body = body;
  if (bodyFile !== undefined) out.bodyFile = bodyFile;
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  return bytes === undefined
    ? { request: out, url: parsed }
    : { request: out, url: parsed, body: bytes };
}

/**
 * The bytes of an inline request body (undefined when there is none, or
 * when the body is an upload).
 *
 * @example
 * ```ts
 * import { requestBodyBytes } from "./http_request_parse.ts";
 * console.log(requestBodyBytes({ body: "AP8=", bodyEncoding: "base64" })); // Uint8Array [0, 255]
 * ```
 */
export function requestBodyBytes(
  req: Pick<HttpRequest, "body" | "bodyEncoding">,
): Uint8Array | undefined {
  if (req.body === undefined) return undefined;
  return inlineBytes(req.body, req.bodyEncoding) ?? new Uint8Array();
}
