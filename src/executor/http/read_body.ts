/**
 * Reading a response body into a bounded store. The body is never held
 * whole by `fetch`: a small body with a known length is read in one call,
 * anything else chunk by chunk, and a body that would pass the store's
 * limit is cut off at once (the connection is cancelled, nothing more is
 * read).
 *
 * @module
 */

import { BodyLimitError } from "../../capabilities/byte_budget.ts";
import type { PagedBytes } from "../../capabilities/paged_bytes.ts";
import type { Credentials } from "./credentials.ts";

/**
 * Bodies with a Content-Length up to this size (and no content coding)
 * are read in one call, which costs less than a stream per request.
 *
 * @example
 * ```ts
 * import { ONE_READ_BYTES } from "@oanix/oanix";
 * console.log(ONE_READ_BYTES); // 262144
 * ```
 */
export const ONE_READ_BYTES = 256 * 1024;

/** The body's exact length when the headers promise one (no content coding). */
function exactLength(res: Response): number | undefined {
  const length = res.headers.get("content-length");
  if (length === null || !/^\d+$/.test(length)) return undefined;
  const coding = res.headers.get("content-encoding");
  if (coding !== null && coding.toLowerCase() !== "identity") return undefined;
  return Number(length);
}

/**
 * Reads `res`'s body into a store made by `newBody`, redacting the
 * credentials in `creds` on the way.
 *
 * @throws {BodyLimitError} when the body passes the store's limit or
 * budget; the body is cancelled and the store released.
 *
 * @example
 * ```ts
 * import { Credentials, PagedBytes, readBody } from "@oanix/oanix";
 * const body = await readBody(new Response("hello"), () => new PagedBytes({ limit: 1024 }), new Credentials());
 * console.log(body.size); // 5
 * ```
 */
export async function readBody(
  res: Response,
  newBody: () => PagedBytes,
  creds: Credentials,
): Promise<PagedBytes> {
  const sink = newBody();
  const exact = exactLength(res);
  if (exact !== undefined && exact > sink.limit) {
    sink.release();
    await res.body?.cancel();
    throw new BodyLimitError("size", sink.limit);
  }
  if (res.body === null) return sink;
  if (exact !== undefined && exact <= ONE_READ_BYTES) {
    try {
      const bytes = await res.bytes();
      return sink.adopt(creds.empty ? bytes : creds.redactBytes(bytes));
    } catch (e) {
      sink.release();
      throw e;
    }
  }
  const reader = res.body.getReader();
  const redactor = creds.empty ? undefined : creds.redactor();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sink.append(redactor === undefined ? value : redactor.push(value));
    }
    if (redactor !== undefined) sink.append(redactor.end());
    return sink;
  } catch (e) {
    sink.release();
    await reader.cancel().catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
}
