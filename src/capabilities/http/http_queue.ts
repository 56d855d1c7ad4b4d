/**
 * The request table behind HttpFs: submit, take, complete or fail, and
 * await an outcome. HttpFs adds the files.
 *
 * @module
 */

import { AllowList } from "../allow_list.ts";
import { BodyLimitError, ByteBudget } from "../byte_budget.ts";
import { type Fail, hostFail } from "../json_fields.ts";
import { Listeners, Settlers } from "../notifier.ts";
import { PagedBytes } from "../paged_bytes.ts";
import { toWireNames } from "../wire_names.ts";
import { inlineBody, inlineBytes } from "./http_body.ts";
import { bodiesFull, type HttpLimits, resolveHttpLimits, responseTooLarge } from "./http_limits.ts";
import { type ParsedHttpRequest, parseHttpRequestParts } from "./http_request_parse.ts";
import type {
  HttpFailure,
  HttpFailureDetails,
  HttpOutcome,
  HttpRequest,
  HttpRequestInit,
  HttpResponse,
} from "./http_types.ts";
import { HttpUploads } from "./http_uploads.ts";
import { KnownUrls } from "./known_urls.ts";
import type { HttpEntry, HttpFsOptions, HttpResponseInit, HttpStatus } from "./http_queue_types.ts";

const SUBMIT_FAIL = hostFail("HttpFs.submitRequest");

/** The request record: the parsed fields, the id and the time, in one frozen object. */
function frozenRequest(parsed: ParsedHttpRequest, id: string, submittedAt: number): HttpRequest {
  const request: HttpRequest = {
    id,
    method: parsed.method,
    url: parsed.url,
    headers: Object.isFrozen(parsed.headers) ? parsed.headers : Object.freeze(parsed.headers),
    bodyEncoding: parsed.bodyEncoding,
    bodySize: parsed.bodySize,
    submittedAt,
  };
  if (parsed.body !== undefined) request.body = parsed.body;
  if (parsed.bodyFile !== undefined) request.bodyFile = parsed.bodyFile;
  if (parsed.timeoutMs !== undefined) request.timeoutMs = parsed.timeoutMs;
  return Object.freeze(request);
}

/**
 * The request table and host API of {@linkcode HttpFs}. Use HttpFs; this
 * class keeps the state apart from the files.
 *
 * @example
 * ```ts
 * import { HttpFs, isHttpFailure } from "@oanix/oanix";
 * const http = new HttpFs();
 * const id = http.submitRequest({ method: "GET", url: "https://api.example.com/data" });
 * const req = http.takePending(id)!; // what an executor does
 * http.completeRequest({ requestId: req.id, status: 200, body: '{"result":"success"}' });
 * const out = await http.response(id);
 * if (!isHttpFailure(out)) console.log(out.status, out.body);
 * ```
 */
export class HttpQueue {
  /** Which URLs may be requested, checked at submit and at every redirect. */
  readonly allowList: AllowList;
  /** The size limits. */
  readonly limits: Readonly<HttpLimits>;
  /** The budget every body held is reserved from (`maxBufferedBytes`). */
  protected readonly budget: ByteBudget;
  /** The files written in `/uploads/`. */
  protected readonly uploads: HttpUploads;
  #entries = new Map<string, HttpEntry>();
  /** Request URLs parsed and allow-checked before (agents call the same endpoints again). */
  readonly #urls: KnownUrls;
  /** Queued records, oldest first, from #head on; those no longer queued are skipped. */
  #queue: (HttpEntry | undefined)[] = [];
  #head = 0;
  #queuedCount = 0;
  #nextId = 1;
  #counts = { inFlight: 0, completed: 0, failed: 0 };
  #waiters = new Settlers<string, HttpOutcome>();
  #submitted = new Listeners<string>();

  /**
   * Makes an empty request table.
   *
   * @param options the allow-list and the size limits */
  constructor(options: HttpFsOptions = {}) {
    if (options.allowList !== undefined && !(options.allowList instanceof AllowList)) {
      throw new TypeError("HttpFs: options.allowList must be an AllowList");
    }
    this.allowList = options.allowList ?? AllowList.any();
    this.limits = resolveHttpLimits(options);
    this.budget = new ByteBudget(this.limits.maxBufferedBytes);
    this.#urls = new KnownUrls(this.allowList);
    this.uploads = new HttpUploads(this.limits.maxRequestBytes, this.budget);
  }

  /**
   * Submits a request and returns its id. A request the allow-list refuses
   * is completed at once with a "forbidden" failure.
   *
   * @throws {TypeError} naming the field, for a malformed request.
   */
  submitRequest(init: HttpRequestInit): string {
    return this.submitWith(init, SUBMIT_FAIL);
  }

  /** Submits a parsed-or-not request, reporting refusals through `fail`. */
  protected submitWith(value: unknown, fail: Fail): string {
    const parts = parseHttpRequestParts(value, fail, this.limits.maxRequestBytes, this.#urls.parse);
    const parsed = parts.request;
    let id = parsed.id;
    if (id !== undefined && this.#entries.has(id)) fail(`id ${id} is already used`);
    const upload = parsed.bodyFile;
    if (upload !== undefined) {
      const u = this.uploads.get(upload);
      if (u === undefined) fail(`no upload ${upload} in /uploads`);
      if (u.writers > 0) fail(`upload ${upload} is still open for writing; close it first`);
      parsed.bodySize = u.bytes.size;
    }
    if (parts.body !== undefined && !this.budget.tryReserve(parts.body.length)) {
      fail(bodiesFull(this.limits.maxBufferedBytes));
    }
    if (id === undefined) {
      do id = `req-${this.#nextId++}`; while (this.#entries.has(id));
    }
    const request = frozenRequest(parsed, id, Date.now());
    // Every field present from the start: the record keeps one shape for its life.
    const entry: HttpEntry = {
      request,
      state: "new",
      requestBody: parts.body,
      outcome: undefined,
      json: undefined,
      responseBody: undefined,
    };
    this.#entries.set(id, entry);
    const decision = this.#urls.check(parts.url, request.method);
    if (!decision.allowed) {
      // Nothing is sent: an upload stays in /uploads for another try.
      this.#finish(entry, {
        requestId: id,
        error: `forbidden: ${decision.reason}`,
        errorKind: "forbidden",
        rule: decision.rule,
        attempts: 0,
        durationMs: 0,
        completedAt: Date.now(),
      });
      return id;
    }
    if (upload !== undefined) entry.requestBody = this.uploads.take(upload);
    entry.state = "queued";
    this.#queue.push(entry);
    this.#queuedCount++;
    this.#submitted.emit(id);
    return id;
  }

  /**
   * Calls `listener` with the id of every request queued for execution (not
   * the refused ones). Returns the function that unsubscribes.
   */
  onSubmit(listener: (id: string) => void): () => void {
    return this.#submitted.subscribe(listener);
  }

  /** The ids waiting to be taken, oldest first. */
  pendingIds(): string[] {
    const ids: string[] = [];
    for (let i = this.#head; i < this.#queue.length; i++) {
      const e = this.#queue[i];
      if (e?.state === "queued") ids.push(e.request.id);
    }
    return ids;
  }

  /**
   * Takes a queued request for execution (the given one, or the oldest)
   * and marks it in flight (the request is frozen). Undefined when there
   * is none, or when `id` is not queued.
   */
  takePending(id?: string): HttpRequest | undefined {
    let entry: HttpEntry | undefined;
    if (id === undefined) {
      while (this.#head < this.#queue.length) {
        const e = this.#queue[this.#head];
        this.#queue[this.#head++] = undefined; // not kept once passed
        if (e?.state === "queued") {
          entry = e;
          break;
        }
      }
      this.#compact();
    } else {
      entry = this.#entries.get(id);
    }
    if (entry === undefined || entry.state !== "queued") return undefined;
    this.#queuedCount--;
    entry.state = "inFlight";
    this.#counts.inFlight++;
    return entry.request;
  }

  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** A request that has not finished (queued or in flight; frozen), or undefined. */
  pendingRequest(id: string): HttpRequest | undefined {
    const e = this.#entries.get(id);
    return e && e.state !== "done" ? e.request : undefined;
  }

  /**
   * The body bytes of a request that has not finished (for its executor):
   * the inline body decoded, or the upload as a Blob. Undefined without a
   * body.
   */
  requestBody(id: string): Uint8Array | Blob | undefined {
    const e = this.#entries.get(id);
    return e?.state === "done" ? undefined : e?.requestBody;
  }

  /**
   * An empty store for a response body, limited to `maxResponseBytes` and
   * drawn from this HttpFs's budget: an executor streams a body into it
   * (a write past a limit throws {@linkcode BodyLimitError}), then passes
   * it to {@linkcode HttpFs.completeRequest}, or calls `release()` on it.
   */
  newResponseBody(): PagedBytes {
    return new PagedBytes({ limit: this.limits.maxResponseBytes, budget: this.budget });
  }

  /**
   * Records the response to a request (queued or in flight). A body over
   * `maxResponseBytes` (or over the budget) records a "tooLarge" failure
   * instead.
   *
   * @throws {Error} for an unknown or already finished request, or a bad status.
   */
  completeRequest(response: HttpResponseInit): void {
    const fn = "HttpFs.completeRequest";
    const entry = this.#open(response?.requestId, fn);
    const status = response.status;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new TypeError(`${fn}: field "status" must be an integer 100-599, got ${status}`);
    }
    const enc = response.bodyEncoding ?? "utf8";
    if (enc !== "utf8" && enc !== "base64") {
      throw new TypeError(`${fn}: field "bodyEncoding" must be "utf8" or "base64"`);
    }
    let body: PagedBytes;
    try {
      body = this.#bodyStore(response, fn);
    } catch (e) {
      if (!(e instanceof BodyLimitError)) throw e;
      const limit = this.limits;
      this.failRequest(
        entry.request.id,
        e.kind === "size"
          ? responseTooLarge(limit.maxResponseBytes)
          : bodiesFull(limit.maxBufferedBytes),
        {
          errorKind: "tooLarge",
          attempts: response.attempts,
          durationMs: response.durationMs,
          completedAt: response.completedAt,
        },
      );
      return;
    }
    const id = entry.request.id;
    const headers = response.headers;
    const out: HttpResponse = {
      requestId: id,
      status,
      statusText: response.statusText ?? "",
      // A frozen record cannot change: it is kept as given (an executor hands over a fresh one).
      headers: headers !== undefined && Object.isFrozen(headers) ? headers : { ...headers },
      bodySize: body.size,
      bodyFile: `${id}.body`,
      url: response.url ?? entry.request.url,
      redirects: response.redirects ?? 0,
      attempts: response.attempts ?? 1,
      durationMs: response.durationMs ?? Date.now() - entry.request.submittedAt,
      completedAt: response.completedAt ?? Date.now(),
    };
    if (body.size <= this.limits.maxInlineBytes) {
      const inline = response.body !== undefined && response.bodyBytes === undefined
        ? { body: response.body, bodyEncoding: enc }
        : inlineBody(body);
      out.body = inline.body;
      out.bodyEncoding = inline.bodyEncoding;
    }
    entry.responseBody = body.freeze();
    this.#finish(entry, out);
  }

  /** The body of a completion as a store (the given one, or one made from `body`). */
  #bodyStore(response: HttpResponseInit, fn: string): PagedBytes {
    const given = response.bodyBytes;
    if (given instanceof PagedBytes) return given;
    const opts = { limit: this.limits.maxResponseBytes, budget: this.budget };
    if (given instanceof Uint8Array) return PagedBytes.wrap(given, opts);
    if (given !== undefined) throw new TypeError(`${fn}: "bodyBytes" must be bytes`);
    const text = response.body ?? "";
    if (typeof text !== "string") throw new TypeError(`${fn}: field "body" must be a string`);
    const bytes = inlineBytes(text, response.bodyEncoding ?? "utf8");
    if (bytes === undefined) throw new TypeError(`${fn}: field "body" is not valid base64`);
    return PagedBytes.wrap(bytes, opts);
  }

  /**
   * Records that a request got no response.
   *
   * @throws {Error} for an unknown or already finished request.
   */
  failRequest(
    id: string,
    error: string,
    details: HttpFailureDetails = {},
  ): void {
    const fn = "HttpFs.failRequest";
    const entry = this.#open(id, fn);
    if (typeof error !== "string") throw new TypeError(`${fn}: "error" must be a string`);
    const failure: HttpFailure = {
      requestId: id,
      error,
      errorKind: details.errorKind ?? "network",
      attempts: details.attempts ?? 0,
      durationMs: details.durationMs ?? Date.now() - entry.request.submittedAt,
      completedAt: details.completedAt ?? Date.now(),
    };
    if (details.rule !== undefined) failure.rule = details.rule;
    this.#finish(entry, failure);
  }

  #open(id: unknown, fn: string): HttpEntry {
    if (typeof id !== "string") throw new TypeError(`${fn}: "requestId" must be a string`);
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new Error(`${fn}: unknown request id ${id}`);
    if (entry.state === "done") throw new Error(`${fn}: request ${id} has already finished`);
    return entry;
  }

  #finish(entry: HttpEntry, outcome: HttpOutcome): void {
    const id = entry.request.id;
    if (entry.state === "inFlight") this.#counts.inFlight--;
    if (entry.state === "queued") this.#queuedCount--;
    entry.state = "done";
    if (entry.requestBody !== undefined) {
      this.budget.release(entry.request.bodySize);
      entry.requestBody = undefined;
    }
    if ("headers" in outcome) Object.freeze(outcome.headers);
    entry.outcome = Object.freeze(outcome);
    if ("error" in outcome) this.#counts.failed++;
    else this.#counts.completed++;
    this.#waiters.settle(id, entry.outcome);
  }

  /** The outcome of a finished request (frozen), or undefined. */
  getResponse(id: string): HttpOutcome | undefined {
    const e = this.#entries.get(id);
    return e?.outcome;
  }

  /**
   * The body of a completed response, whatever its size (frozen: read it
   * with `readAt`, `chunks()` or `toBytes()`), or undefined.
   */
  responseBody(id: string): PagedBytes | undefined {
    return this.#entries.get(id)?.responseBody;
  }

  /**
   * Resolves with the outcome once the request has finished.
   *
   * @throws {Error} (rejects) for an unknown id; with the signal's reason when aborted.
   */
  response(id: string, signal?: AbortSignal): Promise<HttpOutcome> {
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      return Promise.reject(new Error(`HttpFs.response: unknown request id ${id}`));
    }
    if (entry.outcome !== undefined) return Promise.resolve(entry.outcome);
    return this.#waiters.wait(id, signal);
  }

  /** Forgets a finished request and releases its body; false when it is unknown or not finished. */
  removeResponse(id: string): boolean {
    const e = this.#entries.get(id);
    if (e === undefined || e.state !== "done") return false;
    this.#entries.delete(id);
    e.responseBody?.release();
    if ("error" in e.outcome!) this.#counts.failed--;
    else this.#counts.completed--;
    return true;
  }

  /** The counts `/status` shows. */
  status(): HttpStatus {
    return { queued: this.#queuedCount, ...this.#counts, bufferedBytes: this.budget.used };
  }

  /** A request's record (for the file layer). */
  protected entry(id: string): HttpEntry | undefined {
    return this.#entries.get(id);
  }

  /** Every record, oldest first (for the file layer). */
  protected allEntries(): IterableIterator<HttpEntry> {
    return this.#entries.values();
  }

  /**
   * A finished request's outcome as the JSON text of its file, made once
   * (kept as text: the file's reads encode it into the reader's buffer).
   */
  protected responseJson(e: HttpEntry): string {
    e.json ??= JSON.stringify(toWireNames(e.outcome!));
    return e.json;
  }
}
