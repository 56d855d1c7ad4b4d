/**
 * HttpExecutor: runs the requests of an HttpFs with `fetch`.
 *
 * It is woken by HttpFs on every submit (no polling on the hot path), runs
 * up to `httpMaxConcurrent` requests at once, gives each attempt its own
 * timeout, and retries network errors, timeouts, 408, 429 and 5xx with
 * exponential backoff and full jitter, honouring `Retry-After` up to the
 * policy's `maxDelayMs` (a longer Retry-After ends the retries and the
 * response is returned as is). Only idempotent methods are retried, and
 * POST or PATCH only with an `Idempotency-Key` header.
 *
 * Every taken request ends in exactly one response or failure, whatever
 * happens; at shutdown, requests in flight or still queued fail with
 * `"shutdown"`.
 *
 * @module
 */

import type { HttpFs } from "../../capabilities/http/http_fs.ts";
import type { HttpRequest } from "../../capabilities/http/http_types.ts";
import { Deadlines, ShutdownError, sleep } from "../abort.ts";
import { Credentials, type HostCredentials, type HostSecrets } from "./credentials.ts";
import { denoResolver, type Resolver } from "../dns_guard.ts";
import type { ExecutorConfig } from "../executor_config.ts";
import { type AttemptContext, attemptHttp, type AttemptResult } from "./http_attempt.ts";
import type { HttpTap } from "./http_tap.ts";

/**
 * Options for {@linkcode HttpExecutor}.
 *
 * @example
 * ```ts
 * import type { HttpExecutorOptions } from "@oanix/oanix";
 * const opts: HttpExecutorOptions = {
 *   credentials: { "api.example.com": { Authorization: "Bearer s3cret" } },
 * };
 * ```
 */
export interface HttpExecutorOptions {
  /** Headers added on the wire per host; never visible to the agent. */
  credentials?: HostCredentials;
  /** Named secrets the agent refers to as `{{secret:NAME}}`, filled in for their hosts only. */
  secrets?: HostSecrets;
  /** How host names are resolved for the address guard (default `Deno.resolveDns`). */
  resolve?: Resolver;
  /** Hears of every request taken and of its outcome (a transcript recorder). */
  tap?: HttpTap;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

function canRetry(req: HttpRequest): boolean {
  if (IDEMPOTENT.has(req.method)) return true;
  return Object.keys(req.headers).some((k) => k.toLowerCase() === "idempotency-key");
}

/**
 * Executes an HttpFs's requests. Usually made by ExecutorManager.attachHttp.
 *
 * @example
 * ```ts
 * import { ExecutorConfig, HttpExecutor, HttpFs } from "@oanix/oanix";
 * const http = new HttpFs();
 * const exec = new HttpExecutor(http, ExecutorConfig.default());
 * exec.start();
 * // ... http.submitRequest(...); await http.response(id);
 * await exec.shutdown();
 * ```
 */
export class HttpExecutor {
  readonly #http: HttpFs;
  readonly #config: ExecutorConfig;
  readonly #credentials: Credentials;
  readonly #resolve: Resolver;
  readonly #tap: HttpTap | undefined;
  readonly #redact = (text: string): string => this.#credentials.redactText(text);
  readonly #stop = new AbortController();
  #active = 0;
  #idle: (() => void) | undefined;
  readonly #ctx: AttemptContext;
  readonly #attempts = new Set<AbortController>();
  readonly #deadlines = new Deadlines();
  #off: (() => void) | undefined;
  #state: "idle" | "running" | "stopped" = "idle";

  /**
   * Makes an executor for `http` (not started).
   *
   * @param http the HttpFs whose requests to run (the mounted instance)
   * @param config timeouts, retries and concurrency
   * @param options credentials and resolver
   */
  constructor(http: HttpFs, config: ExecutorConfig, options: HttpExecutorOptions = {}) {
    this.#http = http;
    this.#config = config;
    this.#credentials = new Credentials(options.credentials ?? {}, options.secrets ?? {});
    this.#resolve = options.resolve ?? denoResolver;
    this.#tap = options.tap;
    this.#ctx = {
      allowList: http.allowList,
      credentials: this.#credentials,
      resolve: this.#resolve,
      timeoutMs: config.httpTimeoutMs,
      deadlines: this.#deadlines,
      running: this.#attempts,
      shutdown: this.#stop.signal,
      newBody: () => http.newResponseBody(),
    };
  }

  /** Subscribes to submits and starts the queued requests. */
  start(): void {
    if (this.#state !== "idle") throw new Error(`HttpExecutor.start: already ${this.#state}`);
    this.#state = "running";
    this.#off = this.#http.onSubmit(() => this.pump());
    this.pump();
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#active;
  }

  /** Starts queued requests while there is room (called on submit, on completion, and by the sweep). */
  pump(): void {
    while (this.#state === "running" && this.#active < this.#config.httpMaxConcurrent) {
      const req = this.#http.takePending();
      if (req === undefined) return;
      this.#active++;
      this.#run(req);
    }
  }

  /** The fallback sweep: the same as {@linkcode HttpExecutor.pump}. */
  sweep(): void {
    this.pump();
  }

  /** Fails what is queued, aborts what is in flight (both with "shutdown"), and waits. */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#off?.();
    const reason = new ShutdownError();
    this.#stop.abort(reason);
    for (const ac of this.#attempts) ac.abort(reason);
    for (let req = this.#http.takePending(); req; req = this.#http.takePending()) {
      this.#settle(() => this.#http.failRequest(req!.id, "shutdown", { errorKind: "shutdown" }));
    }
    if (this.#active > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
  }

  /** Runs one request to its single outcome; never rejects. */
  async #run(req: HttpRequest): Promise<void> {
    const started = Date.now();
    let attempts = 0;
    const ctx = req.timeoutMs === undefined
      ? this.#ctx
      : { ...this.#ctx, timeoutMs: req.timeoutMs };
    // A request written without a body (most GETs) has none to look up.
    const body = req.body === undefined && req.bodyFile === undefined
      ? undefined
      : this.#http.requestBody(req.id);
    const end = this.#tap?.begin(req, body, this.#redact);
    try {
      for (;;) {
        attempts++;
        const result = await attemptHttp(req, ctx, body);
        const wait = this.#retryWait(req, result, attempts);
        if (wait === undefined) {
          this.#finish(req, result, attempts, started);
          return;
        }
        if (result.kind === "response") result.body.release();
        await sleep(wait, this.#stop.signal);
      }
    } catch (e) {
      const shutdown = this.#stop.signal.aborted;
      this.#settle(() =>
        this.#http.failRequest(req.id, shutdown ? "shutdown" : `executor error: ${e}`, {
          errorKind: shutdown ? "shutdown" : "network",
          attempts,
          durationMs: Date.now() - started,
        })
      );
    } finally {
      end?.(this.#http.getResponse(req.id), this.#http.responseBody(req.id));
      this.#active--;
      if (this.#active === 0 && this.#idle !== undefined) this.#idle();
      this.pump();
    }
  }

  #retryWait(req: HttpRequest, r: AttemptResult, attempts: number): number | undefined {
    const policy = this.#config.httpRetry;
    if (r.kind === "response" && !(r.status === 408 || r.status === 429 || r.status >= 500)) {
      return undefined;
    }
    if (!policy.allows(attempts) || !canRetry(req)) return undefined;
    if (r.kind === "error") return r.retryable ? policy.delayMs(attempts) : undefined;
    if (r.retryAfterMs !== undefined) {
      return r.retryAfterMs <= policy.maxDelayMs ? r.retryAfterMs : undefined;
    }
    return policy.delayMs(attempts);
  }

  #finish(req: HttpRequest, r: AttemptResult, attempts: number, started: number): void {
    const durationMs = Date.now() - started;
    if (r.kind === "error") {
      this.#settle(() =>
        this.#http.failRequest(req.id, r.error, {
          errorKind: r.errorKind,
          rule: r.rule,
          attempts,
          durationMs,
        })
      );
      return;
    }
    try {
      this.#http.completeRequest({
        requestId: req.id,
        status: r.status,
        statusText: r.statusText,
        headers: r.headers,
        bodyBytes: r.body,
        url: r.url,
        redirects: r.redirects,
        attempts,
        durationMs,
      });
    } catch {
      // Already finished (by the host): exactly one outcome stands.
      r.body.release();
    }
  }

  /** Records an outcome; a request finished meanwhile by the host is left alone. */
  #settle(record: () => void): void {
    try {
      record();
    } catch { /* already finished (by the host): exactly one outcome stands */ }
  }
}
