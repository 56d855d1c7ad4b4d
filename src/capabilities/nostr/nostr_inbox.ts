// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * The verified inbox of NostrFs and the NIP-90 jobs it routes results to.
 *
 * @module
 */

import { verifyEvent } from "npm:nostr-tools@2.25.2/pure";
import { isReportableCount } from "../log_hook.ts";
import { Waiters, waitUntil } from "../notifier.ts";
import { RecentSet } from "../recent_set.ts";
import { EventStore } from "./event_store.ts";
import { isEventShape, type NostrEvent, type NostrFilter } from "./nostr_types.ts";

/**
 * How much a NostrFs inbox holds: events kept for the agent, and event ids
 * remembered to drop duplicates. Past either bound the oldest go, and
 * dropped events are counted and reported (at the 1st, 2nd, 4th... drop).
 *
 * @example
 * ```ts
 * import { DEFAULT_NOSTR_INBOX } from "@oanix/oanix";
 * console.log(DEFAULT_NOSTR_INBOX.maxInboxEvents); // 10000
 * ```
 */
export const DEFAULT_NOSTR_INBOX: Readonly<{ maxInboxEvents: number; maxSeenIds: number }> = Object
  .freeze({ maxInboxEvents: 10_000, maxSeenIds: 100_000 });

type Log = (level: "warn", message: string, data?: Record<string, unknown>) => void;

interface Job {
  kind: number;
  result?: NostrEvent;
  feedback: string[];
}

/**
 * Received events, verified and de-duplicated, and our job requests with
 * their feedback and results. Part of NostrFs.
 *
 * @example
 * ```ts
 * import { NostrInbox } from "./nostr_inbox.ts";
 * const inbox = new NostrInbox(() => {});
 * console.log(inbox.receive({ kind: 1 })); // "invalid"
 * ```
 */
export class NostrInbox {
  #log: Log;
  #inbox: EventStore;
  #seen: RecentSet<string>;
  #jobs = new Map<string, Job>();
  #waiters = new Waiters<string>();

  /**
   * Makes an empty inbox.
   *
   * @param log receives a warning for every event refused or dropped
   * @param bounds how many events it keeps and how many ids it remembers
   */
  constructor(log: Log, bounds: Partial<typeof DEFAULT_NOSTR_INBOX> = {}) {
    this.#log = log;
    const events = bounds.maxInboxEvents ?? DEFAULT_NOSTR_INBOX.maxInboxEvents;
    this.#inbox = new EventStore(events);
    const seen = bounds.maxSeenIds ?? Math.max(DEFAULT_NOSTR_INBOX.maxSeenIds, events);
    if (!Number.isSafeInteger(seen) || seen < events) {
      throw new TypeError(
        `NostrFs: maxSeenIds must be an integer >= maxInboxEvents (${events}), got ${seen}`,
      );
    }
    this.#seen = new RecentSet(seen);
  }

  /** How many events were dropped unread because the inbox was full. */
  get dropped(): number {
    return this.#inbox.dropped;
  }

  /**
   * Takes an event: re-parsed from JSON (so no cached verification can be
   * smuggled in), checked, its signature verified, de-duplicated.
   */
  receive(event: unknown, relay?: string): "added" | "duplicate" | "invalid" {
    let fresh: unknown;
    try {
      fresh = JSON.parse(typeof event === "string" ? event : JSON.stringify(event));
    } catch {
      fresh = undefined;
    }
    if (!isEventShape(fresh)) {
      this.#log("warn", "dropped a malformed event", { relay });
      return "invalid";
    }
    if (this.#seen.has(fresh.id) || this.#inbox.has(fresh.id)) return "duplicate";
    if (!verifyEvent(fresh)) {
      this.#log("warn", "dropped an event with an invalid signature", { id: fresh.id, relay });
      return "invalid";
    }
    const ev: NostrEvent = {
      id: fresh.id,
      pubkey: fresh.pubkey,
      created_at: fresh.created_at,
      kind: fresh.kind,
      tags: fresh.tags,
      content: fresh.content,
      sig: fresh.sig,
    };
    this.#seen.add(ev.id);
    const dropped = this.#inbox.add(ev);
    if (dropped !== undefined && isReportableCount(this.#inbox.dropped)) {
      this.#log("warn", "Nostr inbox full: dropped the oldest events", {
        dropped: this.#inbox.dropped,
        maxInboxEvents: this.#inbox.capacity,
      });
    }
    this.#routeJob(ev);
    return "added";
  }

  #routeJob(ev: NostrEvent): void {
    if (ev.kind !== 7000 && (ev.kind < 6000 || ev.kind > 6999)) return;
    for (const t of ev.tags) {
      const job = t[0] === "e" ? this.#jobs.get(t[1]) : undefined;
      if (job === undefined) continue;
      if (ev.kind === 7000) {
        job.feedback.push(ev.id);
        // Feedback of dropped events cannot be read: keep no more ids than the inbox holds.
        if (job.feedback.length > this.#inbox.capacity) job.feedback.shift();
      } else if (ev.kind === job.kind + 1000 && job.result === undefined) {
        job.result = ev;
        this.#waiters.wake(t[1]);
      }
    }
  }

  /** The received events, oldest first. */
  events(): NostrEvent[] {
    return [...this.#inbox.values()].map((e) => structuredClone(e));
  }

  /** A received event, or undefined. */
  event(id: string): NostrEvent | undefined {
    const e = this.#inbox.get(id);
    return e && structuredClone(e);
  }

  /** The ids of the received events. */
  ids(): string[] {
    return this.#inbox.ids();
  }

  /** Forgets a received event (it is not taken again); false when unknown. */
  remove(id: string): boolean {
    return this.#inbox.delete(id);
  }

  /** Tracks one of our job requests. */
  addJob(id: string, kind: number): void {
    this.#jobs.set(id, { kind, feedback: [] });
  }

  /** The filter for the results and feedback of every tracked job. */
  jobFilter(): NostrFilter {
    const kinds = new Set<number>([7000]);
    for (const j of this.#jobs.values()) kinds.add(j.kind + 1000);
    return { kinds: [...kinds].sort((a, b) => a - b), "#e": [...this.#jobs.keys()] };
  }

  /** True when `id` is one of our job requests. */
  isJob(id: string): boolean {
    return this.#jobs.has(id);
  }

  /** The result of a job request, if it has arrived. */
  resultNow(id: string): NostrEvent | undefined {
    const r = this.#jobs.get(id)?.result;
    return r && structuredClone(r);
  }

  /** Feedback events (kind 7000) received for a job request. */
  feedback(id: string): NostrEvent[] {
    const out: NostrEvent[] = [];
    for (const f of this.#jobs.get(id)?.feedback ?? []) {
      const e = this.event(f);
      if (e !== undefined) out.push(e);
    }
    return out;
  }

  /** Resolves with the result (kind + 1000) of one of our job requests. */
  result(id: string, signal?: AbortSignal): Promise<NostrEvent> {
    if (!this.#jobs.has(id)) {
      return Promise.reject(new Error(`NostrFs.jobResult: unknown job ${id}`));
    }
    return waitUntil(this.#waiters, id, () => this.resultNow(id), signal);
  }
}
