/**
 * The times of an in-memory entry, cheap to stamp and to report. Internal
 * to the in-memory services (MemFs, MapFs, CowFs).
 *
 * A write stamps the entry with `Date.now()` (whole milliseconds, as coarse
 * as the clock Linux stamps files with, and a third of the cost of a
 * sub-millisecond clock); the nanosecond `bigint` the contract reports is
 * made only when someone asks for it, then kept. Times set explicitly
 * (`setTimes`, a copy of a base entry) keep every nanosecond.
 *
 * @module
 */

import { msToNs } from "./time.ts";
import type { Stat } from "./types.ts";

/**
 * Modification and access times, in milliseconds with the nanoseconds made
 * on demand.
 *
 * @example
 * ```ts
 * import { Timestamped } from "./file_times.ts";
 * const t = new Timestamped(1_000);
 * t.setTimesNs(undefined, 2_000_000_003n);
 * console.log(t.mtimeMs, t.mtimeNs, t.atimeNs); // 2000.000003 2000000003n 1000000000n
 * ```
 */
export class Timestamped {
  /** Modification time, ms (may be fractional when set from nanoseconds). */
  mtimeMs: number;
  /** Access time, ms. */
  atimeMs: number;
  /** The modification time in ns once made or set (plain fields: the hot path reads them). */
  mtimeNsKnown: bigint | undefined = undefined;
  /** The access time in ns once made or set. */
  atimeNsKnown: bigint | undefined = undefined;
  /**
   * The entry's last stat, frozen, until it changes: repeated stats of an
   * unchanged entry allocate nothing. Every change to what a stat reports
   * clears it (the time setters here; size and link count by `changed()`).
   */
  cachedStat: Stat | undefined = undefined;

  /**
   * Stamps both times with `ms`, a whole number of milliseconds.
   *
   * @param ms the time, from `Date.now()`
   */
  constructor(ms: number) {
    this.mtimeMs = ms;
    this.atimeMs = ms;
  }

  /** Modification time, ns. */
  get mtimeNs(): bigint {
    return this.mtimeNsKnown ??= BigInt(this.mtimeMs) * 1_000_000n;
  }

  /** Access time, ns. */
  get atimeNs(): bigint {
    return this.atimeNsKnown ??= BigInt(this.atimeMs) * 1_000_000n;
  }

  /** Marks a change now. */
  touch(): void {
    this.mtimeMs = Date.now();
    this.mtimeNsKnown = undefined;
    this.cachedStat = undefined;
  }

  /** Notes a change to what a stat reports other than the times (the link count). */
  changed(): void {
    this.cachedStat = undefined;
  }

  /** Marks a change at `other`'s modification time (a parent stamped with its new child). */
  touchAs(other: Timestamped): void {
    this.mtimeMs = other.mtimeMs;
    this.mtimeNsKnown = other.mtimeNsKnown;
    this.cachedStat = undefined;
  }

  /** Sets either time in nanoseconds; undefined keeps it. */
  setTimesNs(atimeNs: bigint | undefined, mtimeNs: bigint | undefined): void {
    this.cachedStat = undefined;
    if (atimeNs !== undefined) {
      this.atimeNsKnown = atimeNs;
      this.atimeMs = Number(atimeNs) / 1e6;
    }
    if (mtimeNs !== undefined) {
      this.mtimeNsKnown = mtimeNs;
      this.mtimeMs = Number(mtimeNs) / 1e6;
    }
  }

  /** Takes the times a stat reports (nanoseconds when it has them). */
  copyTimesOf(st: Stat): void {
    this.cachedStat = undefined;
    this.mtimeMs = st.mtime;
    this.mtimeNsKnown = st.mtimeNs ?? msToNs(st.mtime);
    // A stat has no access time in ms: the ns value stands (the ms one is never reported).
    this.atimeNsKnown = st.atimeNs ?? this.mtimeNsKnown;
    this.atimeMs = st.mtime;
  }

  /** Takes another entry's times. */
  copyTimesFrom(other: Timestamped): void {
    this.cachedStat = undefined;
    this.mtimeMs = other.mtimeMs;
    this.atimeMs = other.atimeMs;
    this.mtimeNsKnown = other.mtimeNsKnown;
    this.atimeNsKnown = other.atimeNsKnown;
  }
}
