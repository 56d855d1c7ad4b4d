/**
 * The uploads of HttpFs: files an agent writes in `/uploads/` and then
 * names as a request's body (`"body_file": "name"`), for bodies too large
 * to inline as JSON. A request takes its upload over: the upload leaves
 * `/uploads/` and its bytes are sent as they are.
 *
 * @module
 */

import type { ByteBudget } from "../byte_budget.ts";
import { PagedBytes } from "../paged_bytes.ts";

/**
 * One upload: its bytes and how many handles write it now.
 *
 * @example
 * ```ts
 * import type { HttpUpload } from "@oanix/oanix";
 * type W = HttpUpload["writers"]; // number
 * ```
 */
export interface HttpUpload {
  /** The content. */
  bytes: PagedBytes;
  /** Handles open for writing. */
  writers: number;
}

/**
 * The upload table of one HttpFs.
 *
 * @example
 * ```ts
 * import { ByteBudget, HttpUploads } from "@oanix/oanix";
 * const uploads = new HttpUploads(1 << 20, new ByteBudget(1 << 20));
 * uploads.create("big").bytes.append(new Uint8Array(10));
 * console.log(uploads.names(), uploads.get("big")?.bytes.size); // ["big"] 10
 * ```
 */
export class HttpUploads {
  readonly #limit: number;
  readonly #budget: ByteBudget;
  readonly #uploads = new Map<string, HttpUpload>();

  /**
   * Makes an empty table.
   *
   * @param limit the largest upload, in bytes
   * @param budget the budget uploads are reserved from
   */
  constructor(limit: number, budget: ByteBudget) {
    this.#limit = limit;
    this.#budget = budget;
  }

  /** The upload called `name`, or undefined. */
  get(name: string): HttpUpload | undefined {
    return this.#uploads.get(name);
  }

  /** Makes an empty upload called `name`, replacing (and releasing) one of that name. */
  create(name: string): HttpUpload {
    this.remove(name);
    const upload = {
      bytes: new PagedBytes({ limit: this.#limit, budget: this.#budget }),
      writers: 0,
    };
    this.#uploads.set(name, upload);
    return upload;
  }

  /** Drops an upload and releases its bytes; false when there is none. */
  remove(name: string): boolean {
    const u = this.#uploads.get(name);
    if (u === undefined) return false;
    this.#uploads.delete(name);
    u.bytes.release();
    return true;
  }

  /**
   * Takes an upload out of the table as a Blob (the form `fetch` sends
   * with a Content-Length). Its pages are released; its size stays
   * reserved in the budget, for the caller to release when done.
   */
  take(name: string): Blob {
    const u = this.#uploads.get(name)!;
    this.#uploads.delete(name);
    const blob = new Blob([...u.bytes.chunks()] as BlobPart[]);
    const size = u.bytes.size;
    u.bytes.release();
    this.#budget.tryReserve(size);
    return blob;
  }

  /** The upload names, sorted. */
  names(): string[] {
    return [...this.#uploads.keys()].sort();
  }
}
