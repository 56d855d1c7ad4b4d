/**
 * Reading a whole file that may not be ready yet: a capability response
 * whose reads fail with EAGAIN until the executor answers. The shell waits
 * for it as a WASI program's blocking read does, without blocking the
 * event loop.
 *
 * @module
 */

import { isFsError } from "../fs/errors.ts";
import { readFile } from "../fs/file_io.ts";
import type { FileService } from "../fs/types.ts";

const READ = Object.freeze({ read: true });

/**
 * Waits until a read of `path` will not fail with EAGAIN, through the
 * handle's `whenReadable`. A file that cannot say when it will be ready
 * (no `whenReadable`) gives its EAGAIN back.
 */
async function whenReadable(
  fs: FileService,
  path: string,
  notReady: unknown,
  signal: AbortSignal | undefined,
): Promise<void> {
  const h = fs.open(path, READ);
  try {
    if (h.whenReadable === undefined) throw notReady;
    await h.whenReadable(signal);
  } finally {
    h.close();
  }
}

/**
 * The whole content of `path`. While the file says EAGAIN (a capability
 * response not there yet), waits for it to become readable, then reads
 * again; `signal` ends the wait with its reason.
 *
 * @throws {FsError} as the read does (ENOENT, EISDIR, ...), or EAGAIN when
 * the file is not ready and cannot say when it will be.
 *
 * @example
 * ```ts
 * import { HttpFs, Namespace } from "@oanix/oanix";
 * import { readWhole } from "./waiting_read.ts";
 * const http = new HttpFs();
 * const ns = Namespace.builder().mount("/cap/http", http).build();
 * const id = http.submitRequest({ url: "https://example.com/" });
 * const reading = readWhole(ns, `/cap/http/responses/${id}.json`);
 * http.completeRequest({ requestId: http.takePending(id)!.id, status: 204 });
 * console.log(JSON.parse(new TextDecoder().decode(await reading)).status); // 204
 * ```
 */
export async function readWhole(
  fs: FileService,
  path: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      return readFile(fs, path);
    } catch (e) {
      if (!isFsError(e, "EAGAIN")) throw e;
      await whenReadable(fs, path, e, signal);
    }
  }
}
