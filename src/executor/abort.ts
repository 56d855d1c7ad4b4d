/**
 * Timers and cancellation that leave nothing behind.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds; rejects with the signal's reason when it aborts
 * first. The timer is always cleared.
 *
 * @example
 * ```ts
 * import { sleep } from "./abort.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The reason an executor's work is aborted at shutdown.
 *
 * @example
 * ```ts
 * import { ShutdownError } from "@oanix/oanix";
 * console.log(new ShutdownError().message); // "shutdown"
 * ```
 */
export class ShutdownError extends Error {
  /** Makes the shutdown reason. */
  constructor() {
    super("shutdown");
    this.name = "ShutdownError";
  }
}

/**
 * The reason an attempt is aborted when its timeout expires.
 *
 * @example
 * ```ts
 * import { AttemptTimeoutError } from "./abort.ts";
 * console.log(new AttemptTimeoutError(100).message); // "timed out after 100 ms"
 * ```
 */
export class AttemptTimeoutError extends Error {
  /**
   * Makes the timeout reason.
   *
   * @param ms the timeout that expired, in milliseconds
   */
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "AttemptTimeoutError";
  }
}

interface Entry {
  at: number;
  controller: AbortController;
  live: boolean;
}

/** One FIFO of deadlines that share a duration, so they expire in order. */
class Lane {
  readonly #ms: number;
  readonly #onEmpty: () => void;
  #queue: Entry[] = [];
  #head = 0;
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, onEmpty: () => void) {
    this.#ms = ms;
    this.#onEmpty = onEmpty;
  }

  add(controller: AbortController): () => void {
    const entry: Entry = { at: Date.now() + this.#ms, controller, live: true };
    this.#queue.push(entry);
    this.#live++;
    if (this.#timer === undefined) this.#arm();
    return () => {
      if (!entry.live) return;
      entry.live = false;
      if (--this.#live === 0) this.#stop();
    };
  }

  #arm(): void {
    while (this.#head < this.#queue.length && !this.#queue[this.#head].live) this.#head++;
    if (this.#head >= this.#queue.length) return this.#stop();
    const wait = Math.max(0, this.#queue[this.#head].at - Date.now());
    this.#timer = setTimeout(() => this.#fire(), wait);
  }

  #fire(): void {
    this.#timer = undefined;
    const now = Date.now();
    while (this.#head < this.#queue.length) {
      const e = this.#queue[this.#head];
      if (e.live && e.at > now) break;
      this.#head++;
      if (e.live) {
        e.live = false;
        this.#live--;
        e.controller.abort(new AttemptTimeoutError(this.#ms));
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#live === 0) this.#stop();
    else this.#arm();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
    this.#onEmpty();
  }
}

/**
 * Timeouts for many concurrent attempts with few timers: deadlines that
 * share a duration expire in order, so each duration needs one timer, armed
 * for the earliest live deadline. When nothing is pending, no timer exists.
 * An expired attempt's controller aborts with {@linkcode AttemptTimeoutError}.
 *
 * @example
 * ```ts
 * import { Deadlines } from "./abort.ts";
 * const deadlines = new Deadlines();
 * const ac = new AbortController();
 * const done = deadlines.add(1000, ac);
 * try {
 *   // await fetch(url, { signal: ac.signal });
 * } finally {
 *   done(); // cancels the deadline; the last one clears the timer
 * }
 * ```
 */
export class Deadlines {
  #lanes = new Map<number, Lane>();

  /** Aborts `controller` after `ms` unless the returned function is called first. */
  add(ms: number, controller: AbortController): () => void {
    let lane = this.#lanes.get(ms);
    if (lane === undefined) {
      lane = new Lane(ms, () => this.#lanes.delete(ms));
      this.#lanes.set(ms, lane);
    }
    return lane.add(controller);
  }

  /** How many durations have a timer armed. */
  get timers(): number {
    return this.#lanes.size;
  }
}
