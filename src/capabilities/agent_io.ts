/**
 * File-only helpers for agents (and tests) that talk to capability files
 * through any FileService, a namespace included: submit a JSON request and
 * read back its reply on the same handle, and read a file that may not be
 * ready yet without polling.
 *
 * @module
 */

import { FsError, isFsError } from "../fs/errors.ts";
import type { FileService } from "../fs/types.ts";
import { readAllFromHandle } from "../fs/file_io.ts";
import type { FileHandle } from "../fs/types.ts";
import { readAllText, writeAllText } from "./scratch_text.ts";

const NO_BYTES = new Uint8Array(0);
const READ = Object.freeze({ read: true });
const READ_WRITE = Object.freeze({ read: true, write: true });

/**
 * Writes `request` as JSON to a commit file (`/cap/http/request`,
 * `/cap/ws/control`, `/cap/nostr/submit`, ...) and returns the parsed reply
 * read back on the same handle, such as `{ id: "req-1" }`.
 *
 * @throws {FsError} EINVAL (with a reason) when the service refuses the request.
 *
 * @example
 * ```ts
 * import { HttpFs, Namespace, submitJson } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/cap/http", new HttpFs()).build();
 * const { id } = submitJson(ns, "/cap/http/request", { url: "https://example.com/" }) as { id: string };
 * console.log(id); // "req-1"
 * ```
 */
export function submitJson(svc: FileService, path: string, request: unknown): unknown {
  const h = svc.open(path, READ_WRITE);
  let ok = false;
  try {
    writeAllText(h, JSON.stringify(request));
    // The first read commits: an empty one does, so the reply's size is known before it is read.
    h.read(NO_BYTES);
    const reply = JSON.parse(readAllText(h));
    ok = true;
    h.close();
    return reply;
  } finally {
    if (!ok) {
      try {
        h.close();
      } catch { /* the first error is the one to report */ }
    }
  }
}

/**
 * Reads a whole file that may not be ready yet (a capability response, a
 * WebSocket message): while reads fail with EAGAIN it awaits the handle's
 * `whenReadable`, so it never polls.
 *
 * @throws {FsError} EAGAIN when the file is not ready and cannot say when it will be.
 *
 * @example
 * ```ts
 * import { HttpFs, readWhenReady } from "@oanix/oanix";
 * const http = new HttpFs();
 * const id = http.submitRequest({ url: "https://example.com/" });
 * http.completeRequest({ requestId: http.takePending()!.id, status: 204 });
 * const bytes = await readWhenReady(http, `/responses/${id}.json`);
 * console.log(JSON.parse(new TextDecoder().decode(bytes)).status); // 204
 * ```
 */
export function readWhenReady(
  svc: FileService,
  path: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return readOnceReady(svc, path, signal, readAllFromHandle);
}

/** Opens `path`, reads it with `read` once it is ready, and closes it. */
async function readOnceReady<T>(
  svc: FileService,
  path: string,
  signal: AbortSignal | undefined,
  read: (h: FileHandle) => T,
): Promise<T> {
  const h = svc.open(path, READ);
  try {
    // Waiting first avoids an EAGAIN round trip when the content is not there yet.
    if (h.whenReadable !== undefined) await h.whenReadable(signal);
    for (;;) {
      try {
        return read(h);
      } catch (e) {
        if (!isFsError(e, "EAGAIN")) throw e;
        if (h.whenReadable === undefined) throw e;
        await h.whenReadable(signal);
      }
    }
  } finally {
    h.close();
  }
}

/**
 * {@linkcode readWhenReady}, parsed as JSON.
 *
 * @throws {FsError} EINVAL when the content is not JSON.
 *
 * @example
 * ```ts
 * import { HttpFs, readJsonWhenReady } from "@oanix/oanix";
 * const http = new HttpFs();
 * const id = http.submitRequest({ url: "https://example.com/" });
 * http.failRequest(id, "offline");
 * console.log(await readJsonWhenReady(http, `/responses/${id}.json`));
 * ```
 */
export function readJsonWhenReady(
  svc: FileService,
  path: string,
  signal?: AbortSignal,
): Promise<unknown> {
  // Decoded from a scratch array (the bytes are not kept), and parsed in the same step.
  return readOnceReady(svc, path, signal, (h) => {
    const text = readAllText(h);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new FsError("EINVAL", path, `malformed JSON: ${(e as Error).message}`);
    }
  });
}
