/**
 * Limits on bytes held in memory: a shared budget, and the error a body
 * store throws when a write would pass its own limit or the budget.
 *
 * @module
 */

/**
 * Why a write was refused: the store's own `limit`, or the shared `budget`.
 *
 * @example
 * ```ts
 * import { BodyLimitError } from "./byte_budget.ts";
 * const e = new BodyLimitError("size", 1024);
 * console.log(e.kind, e.limit); // "size" 1024
 * ```
 */
export class BodyLimitError extends RangeError {
  /** Which limit: the store's size limit, or the shared budget. */
  readonly kind: "size" | "budget";
  /** The limit, in bytes. */
  readonly limit: number;

  /**
   * Makes the error.
   *
   * @param kind which limit refused
   * @param limit that limit, in bytes
   */
  constructor(kind: "size" | "budget", limit: number) {
    super(
      kind === "size"
        ? `larger than the limit of ${limit} bytes`
        : `the bodies held would pass the budget of ${limit} bytes`,
    );
    this.name = "BodyLimitError";
    this.kind = kind;
    this.limit = limit;
  }
}

/**
 * A number of bytes that several stores draw from; what they hold is
 * reserved before it is stored and released when it is dropped.
 *
 * @example
 * ```ts
 * import { ByteBudget } from "@oanix/oanix";
 * const budget = new ByteBudget(100);
 * console.log(budget.tryReserve(60), budget.tryReserve(60)); // true false
 * budget.release(60);
 * console.log(budget.used); // 0
 * ```
 */
export class ByteBudget {
  /** The most bytes held at once. */
  readonly limit: number;
  #used = 0;

  /**
   * Makes an empty budget.
   *
   * @param limit the most bytes held at once (a positive integer, or Infinity)
   */
  constructor(limit: number) {
    if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit > 0))) {
      throw new TypeError(`ByteBudget: limit must be a positive integer, got ${limit}`);
    }
    this.limit = limit;
  }

  /** The bytes reserved now. */
  get used(): number {
    return this.#used;
  }

  /** Reserves `n` bytes; false (and nothing reserved) when they do not fit. */
  tryReserve(n: number): boolean {
    if (this.#used + n > this.limit) return false;
    this.#used += n;
    return true;
  }

  /** Gives back `n` bytes reserved earlier. */
  release(n: number): void {
    this.#used = Math.max(0, this.#used - n);
  }
}
