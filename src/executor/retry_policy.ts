/**
 * Retry and reconnect policies: exponential backoff with full jitter.
 *
 * @module
 */

/**
 * How many times to retry (or reconnect) and how long to wait between
 * tries. The wait before retry `n` (1-based) is a random duration in
 * `[0, min(maxDelayMs, initialDelayMs * 2^(n-1))]` ("full jitter").
 * `maxDelayMs` also caps how long a server's `Retry-After` is honoured.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@oanix/oanix";
 * const p = RetryPolicy.exponential(3, 100, 2000); // up to 3 retries: 4 attempts
 * console.log(p.maxAttempts); // 4
 * console.log(p.delayMs(2, () => 1)); // 200
 * ```
 */
export class RetryPolicy {
  /** Retries after the first attempt (Infinity for reconnecting forever). */
  readonly maxRetries: number;
  /** The ceiling of the first wait, in milliseconds. */
  readonly initialDelayMs: number;
  /** The largest wait, in milliseconds. */
  readonly maxDelayMs: number;

  /**
   * Makes a policy; {@linkcode RetryPolicy.exponential} is the usual way.
   *
   * @param maxRetries retries after the first attempt
   * @param initialDelayMs the ceiling of the first wait
   * @param maxDelayMs the largest wait
   */
  constructor(maxRetries: number, initialDelayMs: number, maxDelayMs: number) {
    if (!(maxRetries === Infinity || (Number.isInteger(maxRetries) && maxRetries >= 0))) {
      throw new TypeError(`RetryPolicy: maxRetries must be an integer >= 0, got ${maxRetries}`);
    }
    if (!Number.isFinite(initialDelayMs) || initialDelayMs < 0) {
      throw new TypeError(`RetryPolicy: initialDelayMs must be >= 0, got ${initialDelayMs}`);
    }
    if (!Number.isFinite(maxDelayMs) || maxDelayMs < initialDelayMs) {
      throw new TypeError(
        `RetryPolicy: maxDelayMs must be >= initialDelayMs (${initialDelayMs}), got ${maxDelayMs}`,
      );
    }
    this.maxRetries = maxRetries;
    this.initialDelayMs = initialDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /**
   * Exponential backoff with full jitter.
   *
   * @example
   * ```ts
   * import { RetryPolicy } from "@oanix/oanix";
   * const p = RetryPolicy.exponential(3, 100); // max delay defaults to 30 s
   * ```
   */
  static exponential(maxRetries: number, initialDelayMs: number, maxDelayMs = 30_000): RetryPolicy {
    return new RetryPolicy(maxRetries, initialDelayMs, Math.max(maxDelayMs, initialDelayMs));
  }

  /**
   * No retries.
   *
   * @example
   * ```ts
   * import { RetryPolicy } from "@oanix/oanix";
   * console.log(RetryPolicy.none().maxAttempts); // 1
   * ```
   */
  static none(): RetryPolicy {
    return new RetryPolicy(0, 0, 0);
  }

  /** Attempts in all: `maxRetries + 1`. */
  get maxAttempts(): number {
    return this.maxRetries + 1;
  }

  /** True when another try may follow `attemptsMade` tries. */
  allows(attemptsMade: number): boolean {
    return attemptsMade <= this.maxRetries;
  }

  /** The wait before retry `retry` (1-based), with full jitter. */
  delayMs(retry: number, random: () => number = Math.random): number {
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** Math.max(0, retry - 1));
    return Math.floor(random() * ceiling);
  }
}
