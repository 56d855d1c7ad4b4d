/**
 * The received events of NostrFs, by id, in arrival order, bounded: when
 * one more would pass the bound, the oldest is dropped (and counted).
 *
 * @module
 */

import type { NostrEvent } from "./nostr_types.ts";

/**
 * A bounded, ordered store of events.
 *
 * @example
 * ```ts
 * import { type NostrEvent } from "@oanix/oanix";
 * import { EventStore } from "./event_store.ts";
 * const store = new EventStore(1);
 * store.add({ id: "a" } as NostrEvent);
 * console.log(store.add({ id: "b" } as NostrEvent), store.dropped, store.ids()); // "a" 1 ["b"]
 * ```
 */
export class EventStore {
  /** The most events held. */
  readonly capacity: number;
  readonly #events = new Map<string, NostrEvent>();
  /** Ids in arrival order from #head on; ids no longer held are skipped. */
  #order: string[] = [];
  #head = 0;
  #dropped = 0;

  /**
   * Makes an empty store.
   *
   * @param capacity the most events held (an integer >= 1)
   */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new TypeError(`NostrFs: maxInboxEvents must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** The events held. */
  get size(): number {
    return this.#events.size;
  }

  /** How many events were dropped to make room so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True when the event is held. */
  has(id: string): boolean {
    return this.#events.has(id);
  }

  /** The event, or undefined. */
  get(id: string): NostrEvent | undefined {
    return this.#events.get(id);
  }

  /** Adds an event (its id must be new); returns the id of the event dropped to make room. */
  add(event: NostrEvent): string | undefined {
    this.#events.set(event.id, event);
    this.#order.push(event.id);
    let dropped: string | undefined;
    if (this.#events.size > this.capacity) {
      dropped = this.#oldest();
      this.#events.delete(dropped!);
      this.#dropped++;
    }
    this.#compact();
    return dropped;
  }

  /** Forgets an event; false when it is not held. */
  delete(id: string): boolean {
    const had = this.#events.delete(id);
    if (had) this.#compact();
    return had;
  }

  /** The held ids, oldest first. */
  ids(): string[] {
    return [...this.#events.keys()];
  }

  /** The held events, oldest first. */
  values(): IterableIterator<NostrEvent> {
    return this.#events.values();
  }

  #oldest(): string | undefined {
    while (this.#head < this.#order.length) {
      const id = this.#order[this.#head++];
      if (this.#events.has(id)) return id;
    }
    return undefined;
  }

  /** Keeps the order list near the events held: passed ids and deleted ids leave it. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
    if (this.#order.length - this.#head > 2 * this.#events.size + 1024) {
      this.#order = this.#order.slice(this.#head).filter((id) => this.#events.has(id));
      this.#head = 0;
    }
  }
}
