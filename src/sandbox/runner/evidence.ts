/**
 * The host's evidence of a run, kept apart from what the agent logs: the
 * child's reports (refusals inside the namespace, spawn attempts) and the
 * runner's own (limits reached). It has its own budget, so no amount of
 * agent output evicts it, and every event it holds is marked by the host
 * (`origin: "oanix"`) when written, while agent events are marked
 * `origin: "agent"` whatever they say.
 *
 * @module
 */

/** The most distinct host events kept; past it they are only counted. */
const MAX_DISTINCT = 20_000;

function keyOf(event: Record<string, unknown>): string {
  const d = (event.data ?? {}) as Record<string, unknown>;
  return JSON.stringify([d.source, d.permission, d.op, d.path, d.code, d.value, event.message]);
}

/**
 * Host events, each distinct one kept once with its latest count.
 *
 * @example
 * ```ts
 * import { HostEvidence } from "./evidence.ts";
 * const ev = new HostEvidence();
 * ev.add({ level: "warn", message: "denied", data: { source: "namespace", path: "/a", count: 1 } });
 * ev.add({ level: "warn", message: "denied", data: { source: "namespace", path: "/a", count: 5 } });
 * console.log(ev.items().length, ev.denials()); // 1 5
 * ```
 */
export class HostEvidence {
  #events = new Map<string, Record<string, unknown>>();
  #folded = 0;

  /** Adds (or updates, by what it is about) one event. */
  add(event: Record<string, unknown>): void {
    const key = keyOf(event);
    if (this.#events.has(key) || this.#events.size < MAX_DISTINCT) this.#events.set(key, event);
    else this.#folded++;
  }

  /** Denials among them, repeats counted. */
  denials(): number {
    let n = 0;
    for (const e of this.#events.values()) {
      const d = e.data as Record<string, unknown> | undefined;
      if (d?.denied === true) n += typeof d.count === "number" ? d.count : 1;
    }
    return n;
  }

  /** The events, marked as the host's, and one more saying how many were folded. */
  items(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [...this.#events.values()].map((e) => ({
      ...e,
      origin: "oanix",
    }));
    if (this.#folded > 0) {
      out.push({
        timestamp: Date.now(),
        level: "warn",
        message: `${this.#folded} more host event(s) past ${MAX_DISTINCT} distinct`,
        data: { source: "oanix", folded: this.#folded },
        origin: "oanix",
      });
    }
    return out;
  }
}
