/**
 * Listeners and keyed waiters: how a capability tells its executor that
 * there is work, and how a writer waits for the result without polling
 * (DESIGN.md D2, D6).
 *
 * @module
 */

/**
 * A set of listeners called synchronously, in order of subscription, with
 * one event. A listener that throws does not stop the others; its error is
 * handed to `onError` (by default `console.error`), so a faulty listener is
 * reported but cannot corrupt the caller's state.
 *
 * @example
 * ```ts
 * import { Listeners } from "./notifier.ts";
 * const changes = new Listeners<string>();
 * const off = changes.subscribe((what) => console.log("changed:", what));
 * changes.emit("/status");
 * off();
 * ```
 */
export class Listeners<E> {
  #fns = new Set<(event: E) => void>();
  #onError: (e: unknown) => void;

  /**
   * Makes an empty set of listeners.
   *
   * @param onError receives a listener's error */
  constructor(onError: (e: unknown) => void = (e) => console.error("listener failed:", e)) {
    this.#onError = onError;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(fn: (event: E) => void): () => void {
    if (typeof fn !== "function") throw new TypeError("Listeners.subscribe: fn must be a function");
    const own = (event: E) => fn(event);
    this.#fns.add(own);
    return () => {
      this.#fns.delete(own);
    };
  }

  /** The number of listeners. */
  get size(): number {
    return this.#fns.size;
  }

  /** Calls every listener with `event`. */
  emit(event: E): void {
    // A Set iterates safely while listeners come and go.
    for (const fn of this.#fns) {
      try {
        fn(event);
      } catch (e) {
        this.#onError(e);
      }
    }
  }
}

/**
 * Promises keyed by a name (a request id, a connection id) that resolve
 * when the key is woken. A waiter can be cancelled with an AbortSignal, and
 * then rejects with the signal's reason; nothing is left behind either way.
 *
 * @example
 * ```ts
 * import { Waiters } from "./notifier.ts";
 * const w = new Waiters<string>();
 * const done = w.wait("req-1");
 * w.wake("req-1");
 * await done;
 * ```
 */
export class Waiters<K> {
  #waiting = new Map<K, Set<() => void>>();

  /** Resolves at the next `wake(key)` (or `wakeAll()`). */
  wait(key: K, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let set = this.#waiting.get(key);
      if (set === undefined) {
        set = new Set();
        this.#waiting.set(key, set);
      }
      const entries = set;
      const onAbort = () => {
        done();
        reject(signal!.reason);
      };
      const done = () => {
        entries.delete(wake);
        if (entries.size === 0 && this.#waiting.get(key) === entries) this.#waiting.delete(key);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = () => {
        done();
        resolve();
      };
      entries.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Resolves every waiter for `key`. */
  wake(key: K): void {
    const set = this.#waiting.get(key);
    if (set === undefined) return;
    for (const fn of [...set]) fn();
  }

  /** Resolves every waiter. */
  wakeAll(): void {
    for (const key of [...this.#waiting.keys()]) this.wake(key);
  }

  /** The number of keys someone waits for. */
  get size(): number {
    return this.#waiting.size;
  }
}

/**
 * Waits until `ready()` returns a value other than `undefined`, checking
 * again each time `key` is woken in `waiters`.
 *
 * @example
 * ```ts
 * import { Waiters, waitUntil } from "./notifier.ts";
 * const w = new Waiters<string>();
 * let value: number | undefined;
 * const p = waitUntil(w, "k", () => value);
 * value = 42;
 * w.wake("k");
 * console.log(await p); // 42
 * ```
 */
export async function waitUntil<K, T>(
  waiters: Waiters<K>,
  key: K,
  ready: () => T | undefined,
  signal?: AbortSignal,
): Promise<T> {
  for (;;) {
    const value = ready();
    if (value !== undefined) return value;
    await waiters.wait(key, signal);
  }
}

/**
 * Promises of a value keyed by a name (a request id): `wait(key)` resolves
 * with the value given to `settle(key, value)`. A waiter can be cancelled
 * with an AbortSignal, and then rejects with the signal's reason; nothing
 * is left behind either way.
 *
 * @example
 * ```ts
 * import { Settlers } from "./notifier.ts";
 * const s = new Settlers<string, number>();
 * const answer = s.wait("req-1");
 * s.settle("req-1", 42);
 * console.log(await answer); // 42
 * ```
 */
export class Settlers<K, V> {
  #waiting = new Map<K, ((value: V) => void)[]>();

  /** Resolves at the next `settle(key, value)`, with that value. */
  wait(key: K, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<V>((resolve, reject) => {
      let list = this.#waiting.get(key);
      if (list === undefined) this.#waiting.set(key, list = []);
      if (signal === undefined) {
        list.push(resolve);
        return;
      }
      const own = list;
      const onAbort = () => {
        const i = own.indexOf(settle);
        if (i >= 0) own.splice(i, 1);
        if (own.length === 0 && this.#waiting.get(key) === own) this.#waiting.delete(key);
        reject(signal.reason);
      };
      const settle = (value: V) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      };
      own.push(settle);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Resolves every waiter for `key` with `value`. */
  settle(key: K, value: V): void {
    const list = this.#waiting.get(key);
    if (list === undefined) return;
    this.#waiting.delete(key);
    for (const resolve of list) resolve(value);
  }

  /** The number of keys someone waits for. */
  get size(): number {
    return this.#waiting.size;
  }
}
