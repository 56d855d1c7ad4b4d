/**
 * One HTTP attempt: fetch with `redirect: "manual"`, each hop checked
 * against the allow-list and the address guard, host credentials added
 * for their own host only, and secrets redacted from what comes back.
 *
 * @module
 */

import type { AllowList } from "../../capabilities/allow_list.ts";
import {
  type HttpErrorKind,
  type HttpRequest,
  requestBodyBytes,
} from "../../capabilities/http/http_types.ts";
import { AttemptTimeoutError, type Deadlines, ShutdownError } from "../abort.ts";
import type { Credentials } from "./credentials.ts";
import { checkResolvedUrl, needsDnsHref, type Resolver } from "../dns_guard.ts";

/**
 * The most redirects one attempt follows.
 *
 * @example
 * ```ts
 * import { MAX_REDIRECTS } from "@oanix/oanix";
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
 * import type { AttemptResult } from "@oanix/oanix";
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
    body: Uint8Array;
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
 * import type { AttemptContext } from "@oanix/oanix";
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
}

/**
 * Parses a Retry-After header (seconds, or an HTTP date) into milliseconds.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "@oanix/oanix";
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

function hopHeaders(
  req: HttpRequest,
  url: URL,
  crossOrigin: boolean,
  dropBody: boolean,
  credentials: Credentials,
): Record<string, string> | undefined {
  const creds = credentials.empty ? undefined : credentials.headersFor(url.hostname);
  let out: Record<string, string> | undefined;
  for (const k in req.headers) {
    const name = k.toLowerCase();
    if (crossOrigin && CROSS_ORIGIN_DROPPED.includes(name)) continue;
    if (dropBody && (name === "content-type" || name === "content-length")) continue;
    if (creds !== undefined && Object.keys(creds).some((c) => c.toLowerCase() === name)) continue;
    (out ??= {})[k] = req.headers[k];
  }
  if (creds !== undefined) out = { ...out, ...creds };
  return out;
}

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
  return out;
}

/**
 * Runs one attempt of a request.
 *
 * @example
 * ```ts
 * import { AllowList, attemptHttp, Credentials, Deadlines, denoResolver } from "@oanix/oanix";
 * const r = await attemptHttp(
 *   { id: "r", method: "GET", url: "https://example.com/", headers: {}, bodyEncoding: "utf8", submittedAt: 0 },
 *   {
 *     allowList: AllowList.of(["example.com"]),
 *     credentials: new Credentials(),
 *     resolve: denoResolver,
 *     timeoutMs: 5000,
 *     deadlines: new Deadlines(),
 *     running: new Set(),
 *     shutdown: new AbortController().signal,
 *   },
 * );
 * ```
 */
export async function attemptHttp(req: HttpRequest, ctx: AttemptContext): Promise<AttemptResult> {
  if (ctx.shutdown.aborted) {
    return { kind: "error", errorKind: "shutdown", error: "shutdown", retryable: false };
  }
  const ac = new AbortController();
  const cancelTimeout = ctx.deadlines.add(ctx.timeoutMs, ac);
  ctx.running.add(ac);
  // The URL is parsed only when needed: for a DNS check, headers, or a redirect.
  let url: URL | undefined;
  let href = req.url;
  let method: string = req.method;
  let body = requestBodyBytes(req);
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
      if (!ctx.credentials.empty || redirects > 0 || !isEmpty(req.headers)) {
        url ??= new URL(href);
        origin ??= url.origin;
        const cross = url.origin !== origin;
        const headers = hopHeaders(req, url, cross, body === undefined, ctx.credentials);
        if (headers !== undefined) init.headers = headers;
      }
      if (body !== undefined) init.body = body as BodyInit;
      const res = await fetch(href, init);
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
      let bytes: Uint8Array = await res.bytes();
      if (!ctx.credentials.empty) bytes = ctx.credentials.redactBytes(bytes);
      const result: AttemptResult = {
        kind: "response",
        status: res.status,
        statusText: res.statusText,
        headers: responseHeaders(res, ctx.credentials),
        body: bytes,
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
