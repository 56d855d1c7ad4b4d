/**
 * Stopping a guest: its `signal`, its `timeoutMs`, and the checks every
 * host call makes so that a guest spinning through any import is stopped.
 *
 * Three mechanisms work together:
 *
 * - **A deadline check in every host call.** With `timeoutMs`, each call
 *   compares the clock with the deadline (one `performance.now()`, about
 *   50–100 ns), so a guest that spins through `clock_time_get` or
 *   `fd_write` ends at its first call after the deadline. No timer is
 *   needed for that, and none could fire while the guest holds the thread.
 * - **Time slices.** A `signal` is aborted by code that runs on the event
 *   loop, which a busy guest never gives back. So when a run has a signal,
 *   every import may suspend (they are all `WebAssembly.Suspending`), and
 *   the first host call after each slice (25 ms) of uninterrupted running
 *   yields one event-loop turn: timers fire, other guests and servers run,
 *   and an abort is seen at once.
 * - **Suspensions race the stop.** A guest waiting in `poll_oneoff`,
 *   `fd_read` or `sched_yield` is woken by the stop (a timer for
 *   `timeoutMs`, the abort event for `signal`).
 *
 * A guest that spins without any host call cannot be stopped from its own
 * thread: that is the process-level runner's job (`src/sandbox` runs the
 * guest in a child process and kills it at its timeout).
 *
 * @module
 */

import { WasiAbortError } from "./errors.ts";

/** Bound once: a little cheaper per call than `performance.now()`. */
const perfNow: () => number = performance.now.bind(performance);
const nextTurn: (f: () => void) => void =
  (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ??
    ((f) => setTimeout(f, 0));

/**
 * How long a guest runs, when it has a signal, before a host call yields
 * one event-loop turn.
 *
 * @example
 * ```ts
 * import { SLICE_MS } from "./stop.ts";
 * console.log(SLICE_MS); // 25
 * ```
 */
export const SLICE_MS = 25;

/**
 * What stops a run: an abort signal and a timeout, both optional.
 *
 * @example
 * ```ts
 * import type { StopOptions } from "./stop.ts";
 * const o: StopOptions = { timeoutMs: 1_000 };
 * ```
 */
export interface StopOptions {
  /** Stops the guest when aborted (exit code 130). */
  signal?: AbortSignal;
  /** Stops the guest after this many milliseconds (exit code 124). */
  timeoutMs?: number;
  /**
   * Yield an event-loop turn every {@linkcode SLICE_MS} of busy running.
   * Default: when there is a `signal` (without slices, a busy guest sees an
   * abort only when it waits). Costs about 0.1–0.2 µs per host call.
   */
  slicing?: boolean;
}

/**
 * The stop state of one run. Every host call calls
 * {@linkcode RunStop.check} (or reads `stopped` and `nextCheck` inline).
 *
 * @example
 * ```ts
 * import { RunStop } from "./stop.ts";
 * const stop = new RunStop({ timeoutMs: 0 });
 * try {
 *   stop.check();
 * } catch (e) {
 *   console.log((e as Error).message); // "wasi guest stopped: timed out after 0 ms"
 * }
 * stop.close();
 * ```
 */
export class RunStop {
  /** Set once the guest must stop; every import throws it. */
  stopped: WasiAbortError | undefined;
  /** The `performance.now()` time at which a host call must look at the clock. */
  nextCheck: number;
  /** True when the next host call that can suspend should yield a turn first. */
  yieldDue = false;
  /** Whether the run yields every slice (it has a signal to honour). */
  slicing: boolean;
  /** Aborted when the guest is stopped: hand it to waits. */
  readonly signal: AbortSignal;
  /** Rejects with the stop: race suspensions against it. */
  readonly whenStopped: Promise<never>;
  readonly #deadline: number;
  readonly #timeoutMs: number | undefined;
  #sliceEnd: number;
  #controller = new AbortController();
  #reject!: (e: WasiAbortError) => void;
  #cleanup: Array<() => void> = [];

  /**
   * The stop state for a run with these options.
   * @param opts the run's signal and timeout
   * @throws {RangeError} for a negative or non-numeric `timeoutMs`.
   * @throws {TypeError} for a `signal` that is no AbortSignal.
   */
  constructor(opts: StopOptions = {}) {
    const { signal, timeoutMs, slicing } = opts;
    if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs >= 0))) {
      throw new RangeError(`bad timeoutMs ${timeoutMs}: expected a number of milliseconds >= 0`);
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("signal must be an AbortSignal");
    }
    if (slicing !== undefined && typeof slicing !== "boolean") {
      throw new TypeError("slicing must be a boolean");
    }
    this.signal = this.#controller.signal;
    this.whenStopped = new Promise<never>((_, reject) => (this.#reject = reject));
    this.whenStopped.catch(() => {});
    const now = perfNow();
    this.#timeoutMs = timeoutMs;
    this.#deadline = timeoutMs === undefined ? Infinity : now + timeoutMs;
    this.slicing = slicing ?? signal !== undefined;
    this.#sliceEnd = this.slicing ? now + SLICE_MS : Infinity;
    this.nextCheck = Math.min(this.#deadline, this.#sliceEnd);
    if (signal !== undefined) {
      const onAbort = () =>
        this.stop(new WasiAbortError(false, describe(signal.reason), signal.reason));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        this.#cleanup.push(() => signal.removeEventListener("abort", onAbort));
      }
    }
    if (timeoutMs !== undefined && this.stopped === undefined) {
      // Wakes a guest that is suspended (waiting) when the time is up; a
      // busy guest meets the deadline check in its next host call instead.
      const timer = setTimeout(() => this.#timeUp(), timeoutMs);
      this.#cleanup.push(() => clearTimeout(timer));
    }
  }

  /** True when a host call must read the clock (a deadline or slices). */
  get timed(): boolean {
    return this.nextCheck !== Infinity || this.slicing;
  }

  /** Stops the guest with `e` (the first stop wins). */
  stop(e: WasiAbortError): void {
    if (this.stopped !== undefined) return;
    this.stopped = e;
    this.nextCheck = -Infinity;
    this.#reject(e);
    this.#controller.abort(e);
  }

  /** Throws the stop if there is one; checks the clock when it is due. */
  check(): void {
    if (this.stopped !== undefined || perfNow() >= this.nextCheck) this.checkpoint();
  }

  /**
   * The slow path of a host call's check: throws the stop, stops at the
   * deadline, and marks a yield as due at the end of a slice.
   */
  checkpoint(now: number = perfNow()): void {
    if (this.stopped === undefined && now >= this.#deadline) this.#timeUp();
    if (this.stopped !== undefined) throw this.stopped;
    if (now >= this.#sliceEnd) {
      this.yieldDue = true;
      this.#sliceEnd = Infinity;
    }
    this.nextCheck = Math.min(this.#deadline, this.#sliceEnd);
  }

  /**
   * Yields one event-loop turn (timers, I/O and other guests run), then
   * starts a new slice. Rejects with the stop if it came meanwhile.
   */
  async yieldTurn(): Promise<void> {
    this.yieldDue = false;
    await Promise.race([new Promise<void>((r) => nextTurn(r)), this.whenStopped]);
    this.#sliceEnd = perfNow() + SLICE_MS;
    this.nextCheck = Math.min(this.#deadline, this.#sliceEnd);
  }

  /**
   * Turns time slices off, for a guest that cannot suspend in every import
   * (one with a start section, which runs outside `WebAssembly.promising`).
   * Its signal is then seen at host calls that wait.
   */
  withoutSlices(): void {
    this.slicing = false;
    this.#sliceEnd = Infinity;
    if (this.stopped === undefined) this.nextCheck = this.#deadline;
  }

  /** Removes the abort listener and the timer. */
  close(): void {
    for (const f of this.#cleanup.splice(0)) f();
  }

  #timeUp(): void {
    this.stop(new WasiAbortError(true, `timed out after ${this.#timeoutMs} ms`));
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason === undefined) return "aborted";
  return String(reason);
}
