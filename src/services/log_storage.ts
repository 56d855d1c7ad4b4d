/**
 * Bounded storage for LogsFs streams: the newest bytes (or events) up to a
 * cap, with a count of what was dropped to stay under it.
 *
 * @module
 */

import type { LogEvent } from "./log_event.ts";

const BLOCK_SIZE = 64 * 1024;

/**
 * The newest `cap` bytes of a byte stream, in fixed-size blocks so tiny
 * writes cost no more than big ones. Memory is about `cap` plus one block.
 */
export class BoundedBytes {
  readonly cap: number;
  #blocks: Uint8Array[] = [];
  /** Bytes of `#blocks[0]` already dropped. */
  #head = 0;
  /** Bytes used in the last block. */
  #tail = 0;
  #size = 0;
  /** Bytes dropped since the last call to `takeDropped`. */
  #pendingDrop = 0;
  /** The last block is shared with a fork: copy it before writing into it. */
  #sharedTail = false;
  /** Bytes dropped since the last `clear`. */
  droppedTotal = 0;

  constructor(cap: number) {
    this.cap = cap;
  }

  /** Bytes dropped and not yet reported (see `takeDropped`). */
  get pendingDrop(): number {
    return this.#pendingDrop;
  }

  /**
   * An independent copy, made without copying the bytes: both share the
   * blocks, which are never written again except the last, which the
   * first of the two to append copies first.
   */
  fork(): BoundedBytes {
    const out = new BoundedBytes(this.cap);
    out.#blocks = this.#blocks.slice();
    out.#head = this.#head;
    out.#tail = this.#tail;
    out.#size = this.#size;
    out.#pendingDrop = this.#pendingDrop;
    out.droppedTotal = this.droppedTotal;
    out.#sharedTail = this.#sharedTail = this.#blocks.length > 0;
    return out;
  }

  /** Sets the drop counts (for a restored log). */
  setDropped(total: number, pending: number): void {
    this.droppedTotal = total;
    this.#pendingDrop = pending;
  }

  /** The number of bytes held. */
  get size(): number {
    return this.#size;
  }

  /** Appends a copy of `data`, dropping the oldest bytes beyond the cap. */
  append(data: Uint8Array): void {
    if (data.length === 0) return;
    let src = data;
    if (src.length > this.cap) {
      this.#drop(this.#size + src.length - this.cap);
      this.#blocks = [];
      this.#sharedTail = false;
      this.#head = this.#tail = this.#size = 0;
      src = src.subarray(src.length - this.cap);
    }
    let at = 0;
    while (at < src.length) {
      let last = this.#blocks[this.#blocks.length - 1];
      if (last === undefined || this.#tail === last.length) {
        last = new Uint8Array(Math.min(BLOCK_SIZE, Math.max(this.cap, 64)));
        this.#blocks.push(last);
        this.#tail = 0;
        this.#sharedTail = false;
      } else if (this.#sharedTail) {
        last = this.#blocks[this.#blocks.length - 1] = last.slice();
        this.#sharedTail = false;
      }
      const n = Math.min(last.length - this.#tail, src.length - at);
      last.set(src.subarray(at, at + n), this.#tail);
      this.#tail += n;
      at += n;
    }
    this.#size += src.length;
    if (this.#size > this.cap) this.#dropOldest(this.#size - this.cap);
  }

  #drop(n: number): void {
    this.#pendingDrop += n;
    this.droppedTotal += n;
  }

  #dropOldest(n: number): void {
    this.#drop(n);
    this.#size -= n;
    while (n > 0) {
      const first = this.#blocks[0];
      const used = this.#blocks.length === 1 ? this.#tail : first.length;
      const take = Math.min(n, used - this.#head);
      this.#head += take;
      n -= take;
      if (this.#head === used && this.#blocks.length > 1) {
        this.#blocks.shift();
        this.#head = 0;
      }
    }
  }

  /** A copy of the bytes held. */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let at = 0;
    this.#blocks.forEach((block, i) => {
      const start = i === 0 ? this.#head : 0;
      const end = i === this.#blocks.length - 1 ? this.#tail : block.length;
      out.set(block.subarray(start, end), at);
      at += end - start;
    });
    return out;
  }

  /** Returns the bytes dropped since the last call, and resets that count. */
  takeDropped(): number {
    const n = this.#pendingDrop;
    this.#pendingDrop = 0;
    return n;
  }

  /** Forgets everything, counts included. */
  clear(): void {
    this.#blocks = [];
    this.#sharedTail = false;
    this.#head = this.#tail = this.#size = 0;
    this.#pendingDrop = 0;
    this.droppedTotal = 0;
  }
}

const encoder = new TextEncoder();

/**
 * The newest events whose JSON lines (newline included) fit in `cap`
 * bytes. The newest event is always kept, whatever its size.
 */
export class BoundedEvents {
  readonly cap: number;
  #items: Array<{ event: LogEvent; line: string; bytes: number }> = [];
  #head = 0;
  #bytes = 0;
  /** Events dropped since the last `clear`. */
  droppedEvents = 0;
  /** Bytes of events dropped since the last `clear`. */
  droppedBytes = 0;
  /** When the last event was dropped (milliseconds since the epoch). */
  lastDropAt = 0;

  constructor(cap: number) {
    this.cap = cap;
  }

  /** An independent copy (the events themselves are immutable, so shared). */
  fork(): BoundedEvents {
    const out = new BoundedEvents(this.cap);
    out.#items = this.#items.slice(this.#head);
    out.#bytes = this.#bytes;
    out.droppedEvents = this.droppedEvents;
    out.droppedBytes = this.droppedBytes;
    out.lastDropAt = this.lastDropAt;
    return out;
  }

  /** The number of bytes the held events take as JSON lines. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends `event`, dropping the oldest beyond the cap. */
  append(event: LogEvent): void {
    const line = event.toLine() + "\n";
    const bytes = encoder.encode(line).length;
    this.#items.push({ event, line, bytes });
    this.#bytes += bytes;
    while (this.#bytes > this.cap && this.#items.length - this.#head > 1) {
      const old = this.#items[this.#head];
      this.#items[this.#head++] = undefined as never;
      this.#bytes -= old.bytes;
      this.droppedEvents++;
      this.droppedBytes += old.bytes;
      this.lastDropAt = Date.now();
    }
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The events held, oldest first. */
  events(): LogEvent[] {
    const out: LogEvent[] = [];
    for (let i = this.#head; i < this.#items.length; i++) out.push(this.#items[i].event);
    return out;
  }

  /** The held events as JSONL text. */
  text(): string {
    let out = "";
    for (let i = this.#head; i < this.#items.length; i++) out += this.#items[i].line;
    return out;
  }

  /** Forgets everything, counts included. */
  clear(): void {
    this.#items = [];
    this.#head = this.#bytes = 0;
    this.droppedEvents = this.droppedBytes = this.lastDropAt = 0;
  }
}
