/**
 * HttpTap: how an HTTP executor tells an observer (a transcript recorder)
 * about each request it takes and the outcome it recorded.
 *
 * @module
 */

import type { HttpOutcome, HttpRequest } from "../../capabilities/http/http_types.ts";
import type { PagedBytes } from "../../capabilities/paged_bytes.ts";

/**
 * What an executor calls once the outcome of a taken request stands: the
 * outcome HttpFs holds (undefined when the host removed it first) and its
 * body.
 *
 * @example
 * ```ts
 * import type { HttpTapEnd } from "./http_tap.ts";
 * const end: HttpTapEnd = (outcome) => console.log(outcome?.requestId);
 * ```
 */
export type HttpTapEnd = (outcome: HttpOutcome | undefined, body: PagedBytes | undefined) => void;

/**
 * Observes the requests of an HTTP executor: `begin` is called when a
 * request is taken (in the order they are taken), and the function it
 * returns when its outcome stands.
 *
 * @example
 * ```ts
 * import type { HttpTap } from "./http_tap.ts";
 * const log: HttpTap = {
 *   begin: (req) => (outcome) => console.log(req.method, req.url, outcome),
 * };
 * ```
 */
export interface HttpTap {
  /**
   * A request was taken. `body` is its body as sent (inline bytes, an
   * upload's Blob, or none); `redact` replaces the executor's credentials
   * in a text.
   */
  begin(
    req: HttpRequest,
    body: Uint8Array | Blob | undefined,
    redact: (text: string) => string,
  ): HttpTapEnd;
}
