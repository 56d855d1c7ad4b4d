/**
 * The types around HttpFs's request table: its options, what `/status`
 * shows, what an executor completes a request with, and one request's
 * record.
 *
 * @module
 */

import type { AllowList } from "../allow_list.ts";
import type { PagedBytes } from "../paged_bytes.ts";
import type { HttpLimits } from "./http_limits.ts";
import type { HttpOutcome, HttpRequest, HttpResponse } from "./http_types.ts";

/**
 * Options for {@linkcode HttpFs}: the allow-list and the size limits
 * ({@linkcode HttpLimits}; each has a default).
 *
 * @example
 * ```ts
 * import { AllowList, HttpFs } from "@oanix/oanix";
 * const http = new HttpFs({
 *   allowList: AllowList.of(["api.example.com"]),
 *   maxResponseBytes: 10 * 1024 * 1024,
 * });
 * ```
 */
export interface HttpFsOptions extends Partial<HttpLimits> {
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
  /** Body bytes held now (uploads, request bodies, responses), against `maxBufferedBytes`. */
  bufferedBytes: number;
}

/**
 * What an executor passes to {@linkcode HttpFs.completeRequest}; missing
 * fields get defaults. The body is given inline (`body`, with its
 * `bodyEncoding`) or as bytes (`bodyBytes`, such as the store an executor
 * got from {@linkcode HttpFs.newResponseBody} and filled while streaming).
 *
 * @example
 * ```ts
 * import type { HttpResponseInit } from "@oanix/oanix";
 * const r: HttpResponseInit = { requestId: "req-1", status: 200, body: "ok" };
 * ```
 */
export type HttpResponseInit =
  & Pick<HttpResponse, "requestId" | "status">
  & Partial<Omit<HttpResponse, "requestId" | "status" | "bodySize" | "bodyFile">>
  & {
    /** The body as bytes (instead of `body`); the HttpFs takes the store over. */
    bodyBytes?: PagedBytes | Uint8Array;
  };

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
  /** The outcome as the JSON text of its file, made at the first read. */
  json?: string;
  /** The request body's bytes, until the request finishes. */
  requestBody?: Uint8Array | Blob;
  /** The response body (frozen), once completed with a response. */
  responseBody?: PagedBytes;
}
