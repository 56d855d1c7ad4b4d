/**
 * Reading a response body into a bounded store. The body is never held
 * whole by `fetch`: a small body with a known length is read in one call,
 * a larger one straight into the store's pages (a BYOB read), and one
 * whose secrets must be redacted chunk by chunk; a body that would pass the store's limit is cut
 * off at once (the connection is cancelled, nothing more is read).
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
 * import { ONE_READ_BYTES } from "./read_body.ts";
 * console.log(ONE_READ_BYTES); // 262144
 * ```
 */
export const ONE_READ_BYTES = 256 * 1024;

const DIGITS = /^\d+$/;

/** The body's exact length when the headers (lower-case names) promise one (no content coding). */
function exactLength(headers: Record<string, string>): number | undefined {
  const length = headers["content-length"];
  if (length === undefined || !DIGITS.test(length)) return undefined;
  const coding = headers["content-encoding"];
  if (coding !== undefined && coding.toLowerCase() !== "identity") return undefined;
  return Number(length);
}

/**
 * Reads `res`'s body into a store made by `newBody`, redacting the
 * credentials in `creds` on the way. `headers` are `res`'s headers as a
 * record with lower-case names (the caller has made it already).
 *
 * @throws {BodyLimitError} (rejects) when the body passes the store's
 * limit or budget; the body is cancelled and the store released.
 *
 * @example
 * ```ts
 * import { PagedBytes } from "@oanix/oanix";
 * import { Credentials } from "./credentials.ts";
 * import { readBody } from "./read_body.ts";
 * const res = new Response("hello");
 * const body = await readBody(res, {}, () => new PagedBytes({ limit: 1024 }), new Credentials());
 * console.log(body.size); // 5
 * ```
 */
export function readBody(
  res: Response,
  headers: Record<string, string>,
  newBody: () => PagedBytes,
  creds: Credentials,
): Promise<PagedBytes> {
  const sink = newBody();
  const exact = exactLength(headers);
  if (exact !== undefined && exact > sink.limit) return refuse(res, sink);
  if (res.body === null) return Promise.resolve(sink);
  if (exact !== undefined && exact <= ONE_READ_BYTES) {
    // The common case, without an async function of its own: one read, then the store takes it.
    return res.bytes().then(
      (bytes) => adoptOrRelease(sink, creds.empty ? bytes : creds.redactBytes(bytes)),
      (e) => {
        sink.release();
        throw e;
      },
    );
  }
  return readStreamed(res, sink, exact, creds);
}

/** A body whose Content-Length is over the limit: cancelled unread. */
async function refuse(res: Response, sink: PagedBytes): Promise<never> {
  sink.release();
  await res.body?.cancel();
  throw new BodyLimitError("size", sink.limit);
}

function adoptOrRelease(sink: PagedBytes, bytes: Uint8Array): PagedBytes {
  try {
    return sink.adopt(bytes);
  } catch (e) {
    sink.release();
    throw e;
  }
}

/** A body read as it streams: in place (BYOB) when nothing is redacted, else chunk by chunk. */
async function readStreamed(
  res: Response,
  sink: PagedBytes,
  exact: number | undefined,
  creds: Credentials,
): Promise<PagedBytes> {
  const stream = res.body!;
  if (creds.empty) {
    const byob = byobReader(stream);
    if (byob !== undefined) return await readInPlace(byob, sink, exact);
  }
  const reader = stream.getReader();
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

function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: "byob" });
  } catch {
    return undefined; // not a byte stream
  }
}

/** The first page of a body of unknown length. */
const FIRST_PAGE = 64 * 1024;

/**
 * Reads straight into the store's pages (BYOB), so no chunk is made,
 * copied and left to the collector: a body costs about its own size. One
 * byte past the limit is asked for, to see a body that passes it.
 */
async function readInPlace(
  reader: ReadableStreamBYOBReader,
  sink: PagedBytes,
  exact: number | undefined,
): Promise<PagedBytes> {
  try {
    for (;;) {
      // Without a length, pages start small and grow (a small body stays small).
      const expect = exact ?? Math.max(2 * sink.size, FIRST_PAGE);
      const { done, value } = await reader.read(sink.room(sink.limit - sink.size + 1, expect));
      if (value !== undefined) sink.commit(value);
      if (done) return sink;
    }
  } catch (e) {
    sink.release();
    await reader.cancel().catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
}
