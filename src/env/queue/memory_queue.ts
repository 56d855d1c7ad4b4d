/**
 * The in-memory queue backend: one process, no setup. Waiting jobs are
 * ordered by the Scheduler's own priority structure (`JobQueue`: higher
 * priority first, FIFO among equals); delayed ones wait in a heap by due
 * time, under one timer; leases lapse when not renewed, checked by a timer
 * that runs only while jobs are leased.
 *
 * @module
 */

import { describeValue, frozenJson, type JsonValue } from "../../services/json_value.ts";
import { JobQueue } from "../job_queue.ts";
import {
  type EnqueueOptions,
  type Lease,
  LeaseLostError,
  type LeaseOptions,
  type QueueBackend,
  type QueueCounts,
  type QueueEvent,
  type QueueJobInfo,
  type QueueJobState,
} from "./queue_backend.ts";
import {
  backoffDelay,
  checkEnqueueOptions,
  checkLeaseOptions,
  checkQueueTiming,
  type QueueTiming,
} from "./queue_options.ts";
import { TimeHeap } from "./time_heap.ts";

/**
 * The reason a job that stalled too often fails with (BullMQ's words).
 *
 * @example
 * ```ts
 * import { STALLED_TOO_OFTEN } from "./memory_queue.ts";
 * const stalled = (reason: string) => reason === STALLED_TOO_OFTEN;
 * ```
 */
export const STALLED_TOO_OFTEN = "job stalled more than allowable limit";

/** The longest a timer can wait (setTimeout's limit). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Rec<T extends JsonValue, R extends JsonValue> {
  id: string;
  data: T;
  priority: number;
  /** Renewed at each requeue: heap entries with another seq are stale. */
  seq: number;
  state: QueueJobState;
  attemptsMade: number;
  attempts: number;
  backoff: EnqueueOptions["backoff"];
  token: string | undefined;
  lockUntil: number;
  stalls: number;
  result: R | undefined;
  reason: string | undefined;
}

/** Ids in arrival order, read from `head` (amortised O(1) at both ends). */
class IdFifo {
  #ids: string[] = [];
  #head = 0;
  get size(): number {
    return this.#ids.length - this.#head;
  }
  push(id: string): void {
    this.#ids.push(id);
  }
  shift(): string | undefined {
    const id = this.#ids[this.#head++];
    if (this.#head >= 1024 && this.#head * 2 >= this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#head = 0;
    }
    return id;
  }
}

/**
 * Options for a {@linkcode MemoryQueue}: the timing every backend shares.
 *
 * @example
 * ```ts
 * import type { MemoryQueueOptions } from "./memory_queue.ts";
 * const opts: MemoryQueueOptions = { lockMs: 5000, stalledCheckMs: 1000 };
 * ```
 */
export type MemoryQueueOptions = Partial<QueueTiming>;

/**
 * The in-memory {@linkcode QueueBackend}: the embedded default, for one
 * process. It keeps the whole contract (priorities, delays, leases with
 * heartbeats, retries with backoff, stalled leases given back, events), so
 * code written against it runs unchanged on `BullMqQueue`.
 *
 * @example
 * ```ts
 * import { MemoryQueue } from "./memory_queue.ts";
 * const queue = new MemoryQueue<string, string>();
 * await queue.enqueue("low", { priority: 1 });
 * await queue.enqueue("high", { priority: 9 });
 * const lease = await queue.lease();
 * console.log(lease?.data); // "high"
 * await lease?.complete("done");
 * await queue.close();
 * ```
 */
export class MemoryQueue<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue>
  implements QueueBackend<T, R> {
  /** Always `memory`. */
  readonly kind = "memory" as const;
  /** How long a lease holds without a heartbeat. */
  readonly lockMs: number;
  readonly #timing: QueueTiming;
  readonly #jobs = new Map<string, Rec<T, R>>();
  readonly #waiting = new JobQueue();
  readonly #delayed = new TimeHeap();
  readonly #active = new Set<Rec<T, R>>();
  readonly #retained = { completed: new IdFifo(), failed: new IdFifo() };
  readonly #counts: QueueCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
  readonly #listeners = new Set<(event: QueueEvent) => void>();
  readonly #wakers = new Set<() => void>();
  #delayTimer: ReturnType<typeof setTimeout> | undefined;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #autoId = 0;
  #closed = false;

  /**
   * Makes an empty queue.
   *
   * @throws {TypeError} naming a bad option.
   */
  constructor(options: MemoryQueueOptions = {}) {
    this.#timing = checkQueueTiming(options, "MemoryQueue");
    this.lockMs = this.#timing.lockMs;
  }

  /** Adds a job (see {@linkcode QueueBackend.enqueue}). */
  enqueue(data: T, options?: EnqueueOptions): Promise<string> {
    try {
      return Promise.resolve(this.#enqueue(data, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #enqueue(data: T, options: EnqueueOptions | undefined): string {
    const o = checkEnqueueOptions(options);
    const frozen = frozenJson(data, "enqueue: data");
    if (this.#closed) throw new Error("MemoryQueue: the queue is closed");
    if (o.id !== undefined && this.#jobs.has(o.id)) return o.id;
    let id = o.id;
    while (id === undefined || this.#jobs.has(id)) id = `mem-${++this.#autoId}`;
    const rec: Rec<T, R> = {
      id,
      data: frozen,
      priority: o.priority,
      seq: 0,
      state: "waiting",
      attemptsMade: 0,
      attempts: o.attempts,
      backoff: o.backoff,
      token: undefined,
      lockUntil: 0,
      stalls: 0,
      result: undefined,
      reason: undefined,
    };
    this.#jobs.set(id, rec);
    this.#counts.waiting++;
    this.#emit({ type: "enqueued", id });
    this.#requeue(rec, o.delayMs);
    return id;
  }

  /** Puts `rec` (counted as waiting) back in line, now or after `delayMs`. */
  #requeue(rec: Rec<T, R>, delayMs: number): void {
    rec.seq = ++this.#seq;
    rec.token = undefined;
    if (delayMs > 0) {
      this.#move(rec, "delayed");
      this.#delayed.push({ at: Date.now() + delayMs, seq: rec.seq, id: rec.id });
      this.#armDelayTimer();
    } else {
      this.#move(rec, "waiting");
      this.#waiting.push({ priority: rec.priority, seq: rec.seq, id: rec.id });
      this.#wakeAll();
    }
  }

  #move(rec: Rec<T, R>, state: QueueJobState): void {
    this.#counts[rec.state]--;
    this.#counts[state]++;
    if (rec.state === "active") this.#active.delete(rec);
    rec.state = state;
    if (state === "active") this.#active.add(rec);
  }

  /** Leases the next job (see {@linkcode QueueBackend.lease}). */
  async lease(options?: LeaseOptions): Promise<Lease<T, R> | undefined> {
    const { waitMs, signal } = checkLeaseOptions(options);
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (this.#closed || signal?.aborted) return undefined;
      this.#promoteDue();
      const rec = this.#takeWaiting();
      if (rec !== undefined) return this.#activate(rec);
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.#workOrTimeout(left, signal);
    }
  }

  #takeWaiting(): Rec<T, R> | undefined {
    for (let e = this.#waiting.pop(); e !== undefined; e = this.#waiting.pop()) {
      const rec = this.#jobs.get(e.id);
      if (rec?.state === "waiting" && rec.seq === e.seq) return rec;
    }
    return undefined;
  }

  /** Resolves when work may have come, after `ms`, on the signal, or on close. */
  #workOrTimeout(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, MAX_TIMER_MS));
      this.#wakers.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  #wakeAll(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  #promoteDue(): void {
    const now = Date.now();
    for (let e = this.#delayed.peek(); e !== undefined && e.at <= now; e = this.#delayed.peek()) {
      this.#delayed.pop();
      const rec = this.#jobs.get(e.id);
      if (rec?.state !== "delayed" || rec.seq !== e.seq) continue;
      this.#move(rec, "waiting");
      this.#waiting.push({ priority: rec.priority, seq: rec.seq, id: rec.id });
    }
  }

  #armDelayTimer(): void {
    clearTimeout(this.#delayTimer);
    this.#delayTimer = undefined;
    const next = this.#delayed.peek();
    if (next === undefined || this.#closed) return;
    this.#delayTimer = setTimeout(() => {
      this.#delayTimer = undefined;
      this.#promoteDue();
      this.#armDelayTimer();
      this.#wakeAll();
    }, Math.min(Math.max(0, next.at - Date.now()), MAX_TIMER_MS));
  }

  #armStallCheck(): void {
    if (this.#stallTimer !== undefined || this.#active.size === 0 || this.#closed) return;
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      this.#checkStalled();
      this.#armStallCheck();
    }, this.#timing.stalledCheckMs);
  }

  #checkStalled(): void {
    const now = Date.now();
    for (const rec of [...this.#active]) {
      if (rec.lockUntil > now) continue;
      rec.stalls++;
      this.#emit({ type: "stalled", id: rec.id });
      if (rec.stalls > this.#timing.maxStalls) this.#finish(rec, "failed", STALLED_TOO_OFTEN);
      else this.#requeue(rec, 0);
    }
  }

  #activate(rec: Rec<T, R>): Lease<T, R> {
    const token = crypto.randomUUID();
    this.#move(rec, "active");
    rec.token = token;
    rec.lockUntil = Date.now() + this.lockMs;
    this.#emit({ type: "active", id: rec.id });
    this.#armStallCheck();
    const held = (): Rec<T, R> => {
      if (rec.token !== token || rec.state !== "active" || this.#jobs.get(rec.id) !== rec) {
        throw new LeaseLostError(rec.id);
      }
      return rec;
    };
    const settle = <V>(fn: () => V): Promise<V> => {
      try {
        return Promise.resolve(fn());
      } catch (e) {
        return Promise.reject(e);
      }
    };
    return Object.freeze({
      id: rec.id,
      data: rec.data,
      attempt: rec.attemptsMade + 1,
      attempts: rec.attempts,
      heartbeat: () =>
        settle(() => {
          held().lockUntil = Date.now() + this.lockMs;
        }),
      complete: (result: R) =>
        settle(() => {
          const value = frozenJson((result ?? null) as R, "complete: result");
          held().attemptsMade++;
          this.#finish(rec, "completed", undefined, value);
        }),
      fail: (reason: string, options?: { retry?: boolean }) =>
        settle(() => {
          if (typeof reason !== "string") {
            throw new TypeError(`fail: reason must be a string, got ${describeValue(reason)}`);
          }
          held().attemptsMade++;
          rec.reason = reason;
          if (options?.retry === false || rec.attemptsMade >= rec.attempts) {
            this.#finish(rec, "failed", reason);
            return "failed" as const;
          }
          this.#requeue(rec, backoffDelay(rec.backoff, rec.attemptsMade));
          return "retrying" as const;
        }),
      release: () =>
        settle(() => {
          this.#requeue(held(), 0);
        }),
    });
  }

  #finish(rec: Rec<T, R>, state: "completed" | "failed", reason?: string, result?: R): void {
    this.#move(rec, state);
    rec.token = undefined;
    if (reason !== undefined) rec.reason = reason;
    if (result !== undefined) rec.result = result;
    const kept = this.#retained[state];
    kept.push(rec.id);
    while (kept.size > this.#timing.maxRetained) {
      const old = this.#jobs.get(kept.shift()!);
      if (old?.state === state) {
        this.#jobs.delete(old.id);
        this.#counts[state]--;
      }
    }
    this.#emit(
      state === "completed"
        ? { type: "completed", id: rec.id, result: rec.result ?? null }
        : { type: "failed", id: rec.id, reason: rec.reason ?? "" },
    );
  }

  /** Removes a job that has not started (see {@linkcode QueueBackend.cancel}). */
  cancel(id: string): Promise<boolean> {
    const rec = this.#jobs.get(id);
    if (rec === undefined || (rec.state !== "waiting" && rec.state !== "delayed")) {
      return Promise.resolve(false);
    }
    this.#counts[rec.state]--;
    this.#jobs.delete(id);
    this.#emit({ type: "cancelled", id });
    return Promise.resolve(true);
  }

  /** A job (see {@linkcode QueueBackend.job}). */
  job(id: string): Promise<QueueJobInfo<T, R> | undefined> {
    const rec = this.#jobs.get(id);
    if (rec === undefined) return Promise.resolve(undefined);
    const info: QueueJobInfo<T, R> = {
      id,
      state: rec.state,
      data: rec.data,
      attemptsMade: rec.attemptsMade,
    };
    if (rec.result !== undefined) info.result = rec.result;
    if (rec.reason !== undefined) info.reason = rec.reason;
    return Promise.resolve(info);
  }

  /** How many jobs are where. */
  counts(): Promise<QueueCounts> {
    this.#promoteDue();
    return Promise.resolve({ ...this.#counts });
  }

  /** Listens to every event from now on (see {@linkcode QueueBackend.subscribe}). */
  subscribe(listener: (event: QueueEvent) => void): Promise<() => void> {
    if (typeof listener !== "function") {
      return Promise.reject(
        new TypeError(`subscribe: listener must be a function, got ${describeValue(listener)}`),
      );
    }
    this.#listeners.add(listener);
    return Promise.resolve(() => void this.#listeners.delete(listener));
  }

  #emit(event: QueueEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch { /* a listener's failure is its own, never the queue's */ }
    }
  }

  /** Stops the timers and every waiting lease; the queue takes nothing more. */
  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#delayTimer);
    clearTimeout(this.#stallTimer);
    this.#delayTimer = this.#stallTimer = undefined;
    this.#wakeAll();
    this.#listeners.clear();
    return Promise.resolve();
  }
}
