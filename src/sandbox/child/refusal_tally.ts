/**
 * Refusals inside the namespace, counted in the child: each distinct
 * refusal is reported once, live; repeats are counted and reported with
 * the final tally. An agent that repeats one refused operation a million
 * times costs one event, not a million.
 *
 * @module
 */

import type { Denial } from "./denial_audit.ts";

/** The most distinct refusals kept; past it they are only counted. */
const MAX_DISTINCT = 10_000;

/** One refusal as a host event. */
export function refusalEvent(d: Denial, count = 1): Record<string, unknown> {
  return {
    timestamp: Date.now(),
    level: "warn",
    message: `denied by the namespace: ${d.op} ${d.path} (${d.code})`,
    data: { source: "namespace", permission: "namespace", ...d, denied: true, count },
  };
}

/** Counts refusals by operation, path and code. */
export class RefusalTally {
  #seen = new Map<string, { denial: Denial; count: number }>();
  #folded = 0;

  /** Counts one refusal; true when it is the first of its kind (report it now). */
  add(d: Denial): boolean {
    const key = `${d.op}\0${d.path}\0${d.code}`;
    const known = this.#seen.get(key);
    if (known !== undefined) {
      known.count++;
      return false;
    }
    if (this.#seen.size >= MAX_DISTINCT) {
      this.#folded++;
      return false;
    }
    this.#seen.set(key, { denial: d, count: 1 });
    return true;
  }

  /** The events to send at the end: the repeated refusals with their counts, and the folded. */
  summary(): Record<string, unknown>[] {
    const out = [...this.#seen.values()].filter((r) => r.count > 1)
      .map((r) => refusalEvent(r.denial, r.count));
    if (this.#folded > 0) {
      out.push({
        timestamp: Date.now(),
        level: "warn",
        message:
          `denied by the namespace: ${this.#folded} more refusal(s) past ${MAX_DISTINCT} distinct`,
        data: { source: "namespace", permission: "namespace", denied: true, folded: this.#folded },
      });
    }
    return out;
  }
}
