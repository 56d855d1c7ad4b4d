/**
 * The request table behind HttpFs: submit, take, complete or fail, and
 * await an outcome. HttpFs adds the files.
 *
 * @module
 */

import { AllowList } from "../allow_list.ts";
import { type Fail, hostFail } from "../json_fields.ts";
import {
  type HttpErrorKind,
  type HttpFailure,
  type HttpOutcome,
  type HttpRequest,
  type HttpRequestInit,
  type HttpResponse,
  parseHttpRequestParts,
} from "./http_types.ts";
import { Listeners } from "../notifier.ts";
import { jsonBytes } from "../virtual_files.ts";
import { toWireNames } from "../wire_names.ts";

/**
 * Options for {@linkcode HttpFs}.
 *
 * @example
 * ```ts
 * import { AllowList, HttpFs } from "@oanix/oanix";
 * const http = new HttpFs({ allowList: AllowList.of(["api.example.com"]) });
 * ```
 */
export interface HttpFsOptions {
  /** Which URLs may be requested; by default any public host. */
  allowList?: AllowList;
}

/**
 * What `/status` shows.
 *
 * @example
 * ```ts
 * import { HttpFs } from "@oanix/oanix";
 * console.log(new HttpFs().status().queued); // 0
 * ```
 */
export interface HttpStatus {
  /** Submitted, not yet taken by an executor. */
  queued: number;
  /** Taken by an executor, not finished. */
  inFlight: number;
  /** Finished with a response. */
  completed: number;
  /** Finished with a failure. */
  failed: number;
}

/**
 * What an executor passes to {@linkcode HttpFs.completeRequest}; missing
 * fields get defaults.
 *
 * @example
 * ```ts
 * import type { HttpResponseInit } from "@oanix/oanix";
 * const r: HttpResponseInit = { requestId: "req-1", status: 200, body: "ok" };
 * ```
 */
export type HttpResponseInit =
  & Pick<HttpResponse, "requestId" | "status">
  & Partial<Omit<HttpResponse, "requestId" | "status">>;

/**
 * Where a request is: just made, queued, taken by an executor, or done.
 *
 * @example
 * ```ts
 * import type { HttpRequestState } from "@oanix/oanix";
 * const s: HttpRequestState = "inFlight";
 * ```
 */
export type HttpRequestState = "new" | "queued" | "inFlight" | "done";

/**
 * One request's record inside HttpFs (for its file layer).
 *
 * @example
 * ```ts
 * import type { HttpEntry } from "@oanix/oanix";
 * type S = HttpEntry["state"]; // "new" | "queued" | "inFlight" | "done"
 * ```
 */
export interface HttpEntry {
  /** The request, as submitted (frozen). */
  request: HttpRequest;
  /** Where it is. */
  state: HttpRequestState;
  /** The outcome, once done (frozen). */
  outcome?: HttpOutcome;
  /** The outcome as JSON bytes, encoded at the first read. */
  bytes?: Uint8Array;
}

const SUBMIT_FAIL = hostFail("HttpFs.submitRequest");

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
  #entries = new Map<string, HttpEntry>();
  /** Queued ids, oldest first, from #head on; ids no longer queued are skipped. */
  #queue: string[] = [];
  #head = 0;
  #queuedCount = 0;
  #nextId = 1;
  #counts = { inFlight: 0, completed: 0, failed: 0 };
  #resolvers = new Map<string, ((o: HttpOutcome) => void)[]>();
  #submitted = new Listeners<string>();

  /**
   * Makes an empty request table.
   *
   * @param options the allow-list */
  constructor(options: HttpFsOptions = {}) {
    if (options.allowList !== undefined && !(options.allowList instanceof AllowList)) {
      throw new TypeError("HttpFs: options.allowList must be an AllowList");
    }
    this.allowList = options.allowList ?? AllowList.any();
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
    const { request: parsed, url } = parseHttpRequestParts(value, fail);
    let id = parsed.id;
    if (id !== undefined && this.#entries.has(id)) fail(`id ${id} is already used`);
    if (id === undefined) {
      do id = `req-${this.#nextId++}`; while (this.#entries.has(id));
    }
    Object.freeze(parsed.headers);
    const request: HttpRequest = Object.freeze({ ...parsed, id, submittedAt: Date.now() });
    const entry: HttpEntry = { request, state: "new" };
    this.#entries.set(id, entry);
    const decision = this.allowList.check(url, request.method);
    if (!decision.allowed) {
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
    entry.state = "queued";
    this.#queue.push(id);
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
    return this.#queue.slice(this.#head).filter((id) => this.#entries.get(id)?.state === "queued");
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
        const e = this.#entries.get(this.#queue[this.#head++]);
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
   * Records the response to a request (queued or in flight).
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
    if (
      response.bodyEncoding !== undefined && response.bodyEncoding !== "utf8" &&
      response.bodyEncoding !== "base64"
    ) {
      throw new TypeError(`${fn}: field "bodyEncoding" must be "utf8" or "base64"`);
    }
    this.#finish(entry, {
      requestId: entry.request.id,
      status,
      statusText: response.statusText ?? "",
      headers: { ...response.headers },
      body: response.body ?? "",
      bodyEncoding: response.bodyEncoding ?? "utf8",
      url: response.url ?? entry.request.url,
      redirects: response.redirects ?? 0,
      attempts: response.attempts ?? 1,
      durationMs: response.durationMs ?? Date.now() - entry.request.submittedAt,
      completedAt: response.completedAt ?? Date.now(),
    });
  }

  /**
   * Records that a request got no response.
   *
   * @throws {Error} for an unknown or already finished request.
   */
  failRequest(
    id: string,
    error: string,
    details: { errorKind?: HttpErrorKind; rule?: string; attempts?: number; durationMs?: number } =
      {},
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
      completedAt: Date.now(),
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
    if ("headers" in outcome) Object.freeze(outcome.headers);
    entry.outcome = Object.freeze(outcome);
    if ("error" in outcome) this.#counts.failed++;
    else this.#counts.completed++;
    const waiting = this.#resolvers.get(id);
    if (waiting !== undefined) {
      this.#resolvers.delete(id);
      for (const resolve of waiting) resolve(entry.outcome);
    }
  }

  /** The outcome of a finished request (frozen), or undefined. */
  getResponse(id: string): HttpOutcome | undefined {
    const e = this.#entries.get(id);
    return e?.outcome;
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
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<HttpOutcome>((resolve, reject) => {
      let waiting = this.#resolvers.get(id);
      if (waiting === undefined) this.#resolvers.set(id, waiting = []);
      if (signal === undefined) {
        waiting.push(resolve);
        return;
      }
      const list = waiting;
      const onAbort = () => {
        const i = list.indexOf(settle);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0 && this.#resolvers.get(id) === list) this.#resolvers.delete(id);
        reject(signal.reason);
      };
      const settle = (o: HttpOutcome) => {
        signal.removeEventListener("abort", onAbort);
        resolve(o);
      };
      list.push(settle);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Forgets a finished request; false when it is unknown or not finished. */
  removeResponse(id: string): boolean {
    const e = this.#entries.get(id);
    if (e === undefined || e.state !== "done") return false;
    this.#entries.delete(id);
    if ("error" in e.outcome!) this.#counts.failed--;
    else this.#counts.completed--;
    return true;
  }

  /** The counts `/status` shows. */
  status(): HttpStatus {
    return { queued: this.#queuedCount, ...this.#counts };
  }

  /** A request's record (for the file layer). */
  protected entry(id: string): HttpEntry | undefined {
    return this.#entries.get(id);
  }

  /** Every record, oldest first (for the file layer). */
  protected allEntries(): IterableIterator<HttpEntry> {
    return this.#entries.values();
  }

  /** A finished request's outcome as JSON bytes, encoded once. */
  protected responseBytes(e: HttpEntry): Uint8Array {
    e.bytes ??= jsonBytes(toWireNames(e.outcome!));
    return e.bytes;
  }
}
