/**
 * Bytes in fixed-size pages: the store behind large HTTP bodies (uploads,
 * streamed responses). Growing never copies what is already held (unlike
 * a doubling array), a size is not bounded by the engine's largest typed
 * array, and a store can be limited by its own size and by a budget it
 * shares with others.
 *
 * @module
 */

import { BodyLimitError, type ByteBudget } from "./byte_budget.ts";

/**
 * The page size: 1 MiB. Only the last page of a store may be smaller (it
 * grows by doubling up to a page), so small bodies stay small.
 *
 * @example
 * ```ts
 * import { PAGE_SIZE } from "./paged_bytes.ts";
 * console.log(PAGE_SIZE); // 1048576
 * ```
 */
export const PAGE_SIZE = 1 << 20;

/**
 * Options for {@linkcode PagedBytes}.
 *
 * @example
 * ```ts
 * import { ByteBudget } from "@oanix/oanix";
 * import { type PagedBytesOptions } from "./paged_bytes.ts";
 * const opts: PagedBytesOptions = { limit: 1024, budget: new ByteBudget(4096) };
 * ```
 */
export interface PagedBytesOptions {
  /** The most bytes this store may hold (default: no limit). */
  limit?: number;
  /** A budget the store's bytes are reserved from. */
  budget?: ByteBudget;
}

/**
 * A growable byte store in pages, with random reads and writes.
 *
 * @example
 * ```ts
 * import { PagedBytes } from "@oanix/oanix";
 * const body = new PagedBytes({ limit: 1 << 30 });
 * body.append(new TextEncoder().encode("hello "));
 * body.append(new TextEncoder().encode("world"));
 * const out = new Uint8Array(5);
 * body.readAt(out, 6);
 * console.log(body.size, new TextDecoder().decode(out)); // 11 "world"
 * ```
 */
export class PagedBytes {
  /** The most bytes this store may hold. */
  readonly limit: number;
  readonly #budget: ByteBudget | undefined;
  #pages: Uint8Array[] = [];
  #size = 0;
  #frozen = false;
  /** The capacity of the page `room()` last lent out (0: none lent). */
  #roomCap = 0;

  /**
   * Makes an empty store.
   *
   * @param options its limit and budget
   */
  constructor(options: PagedBytesOptions = {}) {
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new TypeError(`PagedBytes: limit must be an integer >= 0, got ${limit}`);
    }
    this.limit = limit;
    this.#budget = options.budget;
  }

  /**
   * A store holding `bytes` without copying them (the store takes them
   * over: do not change them afterwards).
   *
   * @throws {BodyLimitError} when they pass the limit or the budget.
   *
   * @example
   * ```ts
   * import { PagedBytes } from "@oanix/oanix";
   * console.log(PagedBytes.wrap(new Uint8Array(3)).size); // 3
   * ```
   */
  static wrap(bytes: Uint8Array, options: PagedBytesOptions = {}): PagedBytes {
    return new PagedBytes(options).adopt(bytes);
  }

  /**
   * Appends bytes the store may keep without copying (the caller gives
   * them up): an empty store takes them over as its pages.
   *
   * @throws {BodyLimitError} when they pass the limit or the budget.
   */
  adopt(bytes: Uint8Array): this {
    if (this.#size > 0) {
      this.append(bytes);
      return this;
    }
    this.#writable();
    this.#grow(bytes.length);
    if (bytes.length <= PAGE_SIZE) {
      // One page (the common case): the bytes themselves, no view made.
      if (bytes.length > 0) this.#pages = [bytes];
    } else {
      this.#pages = [];
      for (let at = 0; at < bytes.length; at += PAGE_SIZE) {
        this.#pages.push(bytes.subarray(at, Math.min(at + PAGE_SIZE, bytes.length)));
      }
    }
    this.#size = bytes.length;
    return this;
  }

  /** The number of bytes held. */
  get size(): number {
    return this.#size;
  }

  /** True once {@linkcode PagedBytes.freeze} was called. */
  get frozen(): boolean {
    return this.#frozen;
  }

  /** Refuses every later change; a last page less than half used is cut to its content. */
  freeze(): this {
    this.#frozen = true;
    const i = this.#pages.length - 1;
    const used = this.#size - i * PAGE_SIZE;
    if (i >= 0 && used < this.#pages[i].length / 2) this.#pages[i] = this.#pages[i].slice(0, used);
    return this;
  }

  /** Reserves the bytes that growing to `end` adds, or throws. */
  #grow(end: number): void {
    if (end <= this.#size) return;
    if (end > this.limit) throw new BodyLimitError("size", this.limit);
    if (this.#budget !== undefined && !this.#budget.tryReserve(end - this.#size)) {
      throw new BodyLimitError("budget", this.#budget.limit);
    }
  }

  #writable(): void {
    if (this.#frozen) throw new TypeError("PagedBytes: the store is frozen");
  }

  /** Makes sure the pages cover `[0, end)`; new bytes are zero. */
  #cover(end: number): void {
    if (end === 0) return;
    const last = Math.ceil(end / PAGE_SIZE) - 1;
    const pages = this.#pages;
    // Widen the current last page (a partial page grows by doubling).
    if (pages.length > 0) {
      const i = pages.length - 1;
      const want = i < last ? PAGE_SIZE : end - i * PAGE_SIZE;
      if (pages[i].length < want) {
        const cap = i < last ? PAGE_SIZE : Math.min(PAGE_SIZE, Math.max(want, pages[i].length * 2));
        const next = new Uint8Array(cap);
        next.set(pages[i]);
        pages[i] = next;
      }
    }
    while (pages.length <= last) {
      const i = pages.length;
      const cap = i < last ? PAGE_SIZE : Math.min(PAGE_SIZE, Math.max(end - i * PAGE_SIZE, 64));
      pages.push(new Uint8Array(cap));
    }
  }

  /**
   * Writes `data` at `offset`, growing (and zero-filling) as needed.
   *
   * @throws {BodyLimitError} when the store would pass its limit or the budget
   * (nothing is written then).
   */
  writeAt(data: Uint8Array, offset: number): number {
    this.#writable();
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new RangeError(`PagedBytes.writeAt: bad offset ${offset}`);
    }
    const end = offset + data.length;
    this.#grow(end);
    this.#cover(end);
    let from = 0;
    while (from < data.length) {
      const at = offset + from;
      const page = this.#pages[Math.floor(at / PAGE_SIZE)];
      const inPage = at % PAGE_SIZE;
      const n = Math.min(data.length - from, PAGE_SIZE - inPage);
      page.set(data.subarray(from, from + n), inPage);
      from += n;
    }
    if (end > this.#size) this.#size = end;
    return data.length;
  }

  /** Writes `data` at the end. */
  append(data: Uint8Array): number {
    return this.writeAt(data, this.#size);
  }

  /**
   * Room at the end to read into in place (a BYOB read, so no chunk is
   * made and copied): a view of at most `max` bytes inside the last page,
   * which is allocated when needed, sized for `expect` (the size the
   * store will have, when known). Pass the view the read gives back to
   * {@linkcode PagedBytes.commit}.
   */
  room(max: number, expect: number = this.#size + PAGE_SIZE): Uint8Array {
    this.#writable();
    const i = Math.floor(this.#size / PAGE_SIZE);
    const used = this.#size - i * PAGE_SIZE;
    if (i === this.#pages.length) {
      this.#pages.push(new Uint8Array(Math.max(1, Math.min(PAGE_SIZE, expect - i * PAGE_SIZE))));
    }
    let page = this.#pages[i];
    // The read moves the page's whole buffer: the page must own it, and have room.
    if (used === page.length || page.byteOffset !== 0 || page.buffer.byteLength !== page.length) {
      const own = new Uint8Array(
        Math.min(PAGE_SIZE, used < page.length ? page.length : Math.max(page.length * 2, 64)),
      );
      own.set(page.subarray(0, used));
      page = this.#pages[i] = own;
    }
    this.#roomCap = page.length;
    return new Uint8Array(page.buffer, used, Math.min(max, page.length - used));
  }

  /**
   * Appends the bytes a BYOB read put into the view {@linkcode PagedBytes.room}
   * gave (the read moved the page's memory to `view.buffer`).
   *
   * @throws {BodyLimitError} when they pass the limit or the budget (they are not kept).
   */
  commit(view: Uint8Array): void {
    this.#writable();
    if (this.#roomCap === 0 || view.buffer.byteLength !== this.#roomCap) {
      throw new RangeError("PagedBytes.commit: the view is not from room()");
    }
    this.#pages[Math.floor(this.#size / PAGE_SIZE)] = new Uint8Array(view.buffer);
    this.#roomCap = 0;
    this.#grow(this.#size + view.length);
    this.#size += view.length;
  }

  /** Copies up to `buf.length` bytes from `offset` into `buf`; returns the count (0 at the end). */
  readAt(buf: Uint8Array, offset: number): number {
    if (offset >= this.#size) return 0;
    const total = Math.min(buf.length, this.#size - offset);
    let done = 0;
    while (done < total) {
      const at = offset + done;
      const page = this.#pages[Math.floor(at / PAGE_SIZE)];
      const inPage = at % PAGE_SIZE;
      const n = Math.min(total - done, PAGE_SIZE - inPage);
      buf.set(page.subarray(inPage, inPage + n), done);
      done += n;
    }
    return total;
  }

  /**
   * Cuts or zero-extends the content to `size` bytes.
   *
   * @throws {BodyLimitError} when growing would pass the limit or the budget.
   */
  truncate(size: number): void {
    this.#writable();
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`PagedBytes.truncate: bad size ${size}`);
    }
    if (size >= this.#size) {
      this.#grow(size);
      this.#cover(size);
      this.#size = size;
      return;
    }
    const keep = Math.ceil(size / PAGE_SIZE);
    this.#pages.length = keep;
    if (keep > 0) {
      const last = this.#pages[keep - 1];
      last.fill(0, size - (keep - 1) * PAGE_SIZE);
    }
    this.#budget?.release(this.#size - size);
    this.#size = size;
  }

  /** The content, page by page, as views (no copy). */
  *chunks(): IterableIterator<Uint8Array> {
    for (let i = 0; i < this.#pages.length; i++) {
      const start = i * PAGE_SIZE;
      if (start >= this.#size) return;
      yield this.#pages[i].subarray(0, Math.min(PAGE_SIZE, this.#size - start));
    }
  }

  /** The content as one array: a view of the only page (no copy), else a copy. */
  contiguous(): Uint8Array {
    if (this.#pages.length === 0) return new Uint8Array();
    if (this.#pages.length === 1) {
      const page = this.#pages[0];
      return page.length === this.#size ? page : page.subarray(0, this.#size);
    }
    return this.toBytes();
  }

  /** The content as one new array (a copy). */
  toBytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.chunks()) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Drops the content and gives its bytes back to the budget. */
  release(): void {
    this.#budget?.release(this.#size);
    this.#pages = [];
    this.#size = 0;
  }
}
