/**
 * One HTTP attempt: fetch with `redirect: "manual"`, each hop checked
 * against the allow-list and the address guard, then (and only then) host
 * credentials added and secret placeholders filled in, for their own host
 * only; the body read into a bounded store, and every credential redacted
 * from what comes back.
 *
 * @module
 */

import type { AllowList } from "../../capabilities/allow_list.ts";
import { BodyLimitError } from "../../capabilities/byte_budget.ts";
import type { HttpErrorKind, HttpRequest } from "../../capabilities/http/http_types.ts";
import { bodiesFull, responseTooLarge } from "../../capabilities/http/http_limits.ts";
import type { PagedBytes } from "../../capabilities/paged_bytes.ts";
import { AttemptTimeoutError, type Deadlines, ShutdownError } from "../abort.ts";
import { checkResolvedUrl, needsDnsHref, type Resolver } from "../dns_guard.ts";
import { type Credentials, Refusal } from "./credentials.ts";
import {
  fillBytes,
  fillHeaders,
  fillUrl,
  hasPlaceholder,
  hasPlaceholderBytes,
} from "./placeholders.ts";
import { readBody } from "./read_body.ts";

/**
 * The most redirects one attempt follows.
 *
 * @example
 * ```ts
 * import { MAX_REDIRECTS } from "./http_attempt.ts";
 * console.log(MAX_REDIRECTS); // 10
 * ```
 */
export const MAX_REDIRECTS = 10;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CROSS_ORIGIN_DROPPED = ["authorization", "cookie", "proxy-authorization"];

/**
 * What one attempt produced: an HTTP response (any status), or an error
 * saying whether another attempt may help.
 *
 * @example
 * ```ts
 * import type { AttemptResult } from "./http_attempt.ts";
 * function retryable(r: AttemptResult) {
 *   return r.kind === "error" ? r.retryable : r.status >= 500;
 * }
 * ```
 */
export type AttemptResult =
  | {
    kind: "response";
    status: number;
    statusText: string;
    headers: Record<string, string>;
    /** The body (redacted), in a store drawn from the HttpFs's budget. */
    body: PagedBytes;
    url: string;
    redirects: number;
    /** The server's Retry-After, in milliseconds, when it sent one. */
    retryAfterMs?: number;
  }
  | {
    kind: "error";
    errorKind: HttpErrorKind;
    error: string;
    rule?: string;
    retryable: boolean;
  };

/**
 * What an attempt needs besides the request.
 *
 * @example
 * ```ts
 * import type { AttemptContext } from "./http_attempt.ts";
 * type T = AttemptContext["timeoutMs"]; // number
 * ```
 */
export interface AttemptContext {
  /** The allow-list each hop is checked against. */
  allowList: AllowList;
  /** Headers added per host, and redacted from responses. */
  credentials: Credentials;
  /** How host names are resolved for the address guard. */
  resolve: Resolver;
  /** The attempt's timeout, in milliseconds (connect, headers and body). */
  timeoutMs: number;
  /** Where the timeout is armed. */
  deadlines: Deadlines;
  /** The controllers of running attempts: the executor aborts them at shutdown. */
  running: Set<AbortController>;
  /** Aborted at executor shutdown. */
  shutdown: AbortSignal;
  /** Makes the store a response body is read into (limited, budgeted). */
  newBody: () => PagedBytes;
}

/**
 * Parses a Retry-After header (seconds, or an HTTP date) into milliseconds.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./http_attempt.ts";
 * console.log(parseRetryAfter("2")); // 2000
 * ```
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isEmpty(o: Record<string, string>): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * The headers of one hop: the agent's (less those a cross-origin hop or
 * a dropped body must lose), their placeholders filled in when `fill`,
 * then the host's credentials for this host.
 */
function hopHeaders(
  req: HttpRequest,
  url: URL,
  crossOrigin: boolean,
  dropBody: boolean,
  credentials: Credentials,
  fill: boolean,
): Record<string, string> | undefined | Refusal {
  const creds = credentials.empty ? undefined : credentials.headersFor(url);
  let out: Record<string, string> | undefined;
  for (const k in req.headers) {
    const name = k.toLowerCase();
    if (crossOrigin && CROSS_ORIGIN_DROPPED.includes(name)) continue;
    if (dropBody && (name === "content-type" || name === "content-length")) continue;
    if (creds !== undefined && Object.keys(creds).some((c) => c.toLowerCase() === name)) continue;
    (out ??= {})[k] = req.headers[k];
  }
  if (fill && out !== undefined) {
    const filled = fillHeaders(out, url, credentials);
    if (filled instanceof Refusal) return filled;
    out = filled;
  }
  if (creds !== undefined) out = { ...out, ...creds };
  return out;
}

/** The response's headers as a record, redacted; frozen, so HttpFs keeps it without a copy. */
function responseHeaders(res: Response, credentials: Credentials): Record<string, string> {
  const out: Record<string, string> = {};
  if (credentials.empty) {
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
  } else {
    res.headers.forEach((v, k) => {
      out[k] = credentials.redactText(v);
    });
  }
  return Object.freeze(out);
}

/** True when the agent wrote a secret placeholder anywhere in the request. */
function usesSecrets(req: HttpRequest, body: Uint8Array | Blob | undefined): boolean {
  if (hasPlaceholder(req.url)) return true;
  for (const k in req.headers) if (hasPlaceholder(req.headers[k])) return true;
  return body instanceof Uint8Array && hasPlaceholderBytes(body);
}

/**
 * Runs one attempt of a request; `body` is the request body's bytes (see
 * `HttpFs.requestBody`).
 *
 * @example
 * ```ts
 * import { AllowList, PagedBytes } from "@oanix/oanix";
 * import { attemptHttp } from "./http_attempt.ts";
 * import { Credentials } from "./credentials.ts";
 * import { Deadlines } from "../abort.ts";
 * import { denoResolver } from "../dns_guard.ts";
 * const r = await attemptHttp(
 *   {
 *     id: "r", method: "GET", url: "https://example.com/", headers: {}, bodyEncoding: "utf8",
 *     bodySize: 0, submittedAt: 0,
 *   },
 *   {
 *     allowList: AllowList.of(["example.com"]),
 *     credentials: new Credentials(),
 *     resolve: denoResolver,
 *     timeoutMs: 5000,
 *     deadlines: new Deadlines(),
 *     running: new Set(),
 *     shutdown: new AbortController().signal,
 *     newBody: () => new PagedBytes({ limit: 1 << 20 }),
 *   },
 * );
 * ```
 */
export async function attemptHttp(
  req: HttpRequest,
  ctx: AttemptContext,
  body?: Uint8Array | Blob,
): Promise<AttemptResult> {
  if (ctx.shutdown.aborted) {
    return { kind: "error", errorKind: "shutdown", error: "shutdown", retryable: false };
  }
  const ac = new AbortController();
  const cancelTimeout = ctx.deadlines.add(ctx.timeoutMs, ac);
  ctx.running.add(ac);
  // Placeholders fail closed: once written, every hop must fill them for its own host.
  const secrets = usesSecrets(req, body);
  // The URL is parsed only when needed: for a DNS check, headers, or a redirect.
  let url: URL | undefined;
  let href = req.url;
  let method: string = req.method;
  let redirects = 0;
  let origin: string | undefined;
  try {
    for (;;) {
      // The first hop was checked at submit against the same (immutable) list.
      if (redirects > 0) {
        const allowed = ctx.allowList.check(url!, method);
        if (!allowed.allowed) return forbidden(allowed.rule, allowed.reason, redirects);
      }
      if (needsDnsHref(href)) {
        url ??= new URL(href);
        const resolved = await checkResolvedUrl(url, ctx.allowList, ctx.resolve);
        if (!resolved.allowed) return forbidden(resolved.rule, resolved.reason, redirects);
      }
      const init: RequestInit = { redirect: "manual", signal: ac.signal };
      if (method !== "GET") init.method = method;
      let target = href;
      let sent = body;
      if (!ctx.credentials.empty || secrets || redirects > 0 || !isEmpty(req.headers)) {
        url ??= new URL(href);
        origin ??= url.origin;
        const cross = url.origin !== origin;
        const headers = hopHeaders(req, url, cross, body === undefined, ctx.credentials, secrets);
        if (headers instanceof Refusal) return forbidden("secret", headers.reason, redirects);
        if (headers !== undefined) init.headers = headers;
        if (secrets && redirects === 0) {
          const filled = fillUrl(url, ctx.credentials);
          if (filled instanceof Refusal) return forbidden("secret", filled.reason, redirects);
          target = filled.href;
        }
        if (secrets && sent instanceof Uint8Array) {
          const filled = fillBytes(sent, url, ctx.credentials);
          if (filled instanceof Refusal) return forbidden("secret", filled.reason, redirects);
          sent = filled;
        }
      }
      if (sent !== undefined) init.body = sent as BodyInit;
      const res = await fetch(target, init);
      const location = REDIRECTS.has(res.status) ? res.headers.get("location") : null;
      if (location !== null) {
        await res.body?.cancel();
        if (++redirects > MAX_REDIRECTS) {
          return {
            kind: "error",
            errorKind: "redirect",
            error: "too many redirects",
            retryable: false,
          };
        }
        if (
          res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")
        ) {
          if (method !== "HEAD") method = "GET";
          body = undefined;
        }
        url ??= new URL(href);
        origin ??= url.origin;
        url = new URL(location, url);
        href = url.href;
        continue;
      }
      const headers = responseHeaders(res, ctx.credentials);
      const result: AttemptResult = {
        kind: "response",
        status: res.status,
        statusText: res.statusText,
        headers,
        body: await readBody(res, headers, ctx.newBody, ctx.credentials),
        url: href,
        redirects,
      };
      if (res.status >= 400) {
        const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
        if (retryAfter !== undefined) result.retryAfterMs = retryAfter;
      }
      return result;
    }
  } catch (e) {
    if (e instanceof BodyLimitError) {
      const error = e.kind === "size" ? responseTooLarge(e.limit) : bodiesFull(e.limit);
      return { kind: "error", errorKind: "tooLarge", error, retryable: false };
    }
    const reason = ac.signal.aborted ? ac.signal.reason : e;
    if (reason instanceof ShutdownError) {
      return { kind: "error", errorKind: "shutdown", error: "shutdown", retryable: false };
    }
    if (reason instanceof AttemptTimeoutError) {
      return { kind: "error", errorKind: "timeout", error: reason.message, retryable: true };
    }
    const message = ctx.credentials.redactText((e as Error)?.message ?? String(e));
    return { kind: "error", errorKind: "network", error: message, retryable: true };
  } finally {
    cancelTimeout();
    ctx.running.delete(ac);
  }
}

function forbidden(rule: string, reason: string, redirects: number): AttemptResult {
  const where = redirects > 0 ? ` (after ${redirects} redirect${redirects > 1 ? "s" : ""})` : "";
  return {
    kind: "error",
    errorKind: "forbidden",
    error: `forbidden: ${reason}${where}`,
    rule,
    retryable: false,
  };
}
