// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * The state and host API behind NostrFs: the identity and signing, relays,
 * subscriptions, the outbox with per-relay publish results, the verified
 * inbox, and NIP-90 jobs. NostrRelayConnector (an executor) drives the
 * relay side; NostrFs adds the files.
 *
 * @module
 */

import { finalizeEvent, getPublicKey } from "npm:nostr-tools@2.25.2/pure";
import { npubEncode } from "npm:nostr-tools@2.25.2/nip19";
import { AllowList } from "../allow_list.ts";
import type { OnLog } from "../log_hook.ts";
import type {
  NostrChange,
  NostrFsOptions,
  PublishResult,
  RelayInfo,
  RelayState,
} from "./nostr_relay_types.ts";
import { type Fail, hostFail } from "../json_fields.ts";
import { Listeners, Waiters, waitUntil } from "../notifier.ts";
import { NostrInbox } from "./nostr_inbox.ts";
import {
  type JobInput,
  jobRequestTags,
  type NostrEvent,
  type NostrEventTemplate,
  type NostrFilter,
  parseEventTemplate,
  parseFilter,
  parseJobRequest,
} from "./nostr_types.ts";

/**
 * The subscription NostrFs keeps for the results and feedback of its own
 * job requests.
 *
 * @example
 * ```ts
 * import { NostrFs } from "@oanix/oanix";
 * import { JOB_SUBSCRIPTION } from "./nostr_hub.ts";
 * const nostr = NostrFs.generate();
 * nostr.createJobRequest(5050, "hi");
 * console.log(JOB_SUBSCRIPTION in nostr.subscriptions()); // true
 * ```
 */
export const JOB_SUBSCRIPTION = "oanix-jobs";

/**
 * The state and host API of NostrFs. Use NostrFs; this class keeps the
 * state apart from the files.
 *
 * @example
 * ```ts
 * import { NostrFs } from "@oanix/oanix";
 * const nostr = NostrFs.generate();
 * nostr.addRelay("wss://relay.example.com");
 * const job = nostr.createJobRequest(5050, "What is the capital of France?", { model: "x" });
 * console.log(nostr.outboxEvents()[0].id === job.id); // true
 * ```
 */
export class NostrHub {
  /** Which relay URLs may be added. */
  readonly allowList: AllowList;
  readonly #secret: Uint8Array;
  readonly #pubkey: string;
  readonly #onLog: OnLog | undefined;
  readonly #clock: () => number;
  #relays = new Map<string, RelayInfo>();
  #subs = new Map<string, NostrFilter[]>();
  #outbox = new Map<string, { event: NostrEvent; publish: Map<string, PublishResult> }>();
  #inbox: NostrInbox;
  #nextSub = 1;
  #changes = new Listeners<NostrChange>();
  #waiters = new Waiters<string>();

  /**
   * Makes the state for this identity; the key is copied.
   *
   * @param secretKey a 32-byte secret key */
  constructor(secretKey: Uint8Array, options: NostrFsOptions = {}) {
    if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
      throw new TypeError("NostrFs: secretKey must be a 32-byte Uint8Array");
    }
    try {
      this.#pubkey = getPublicKey(secretKey);
    } catch (e) {
      throw new TypeError(`NostrFs: secretKey is not a valid key: ${(e as Error).message}`);
    }
    if (options.allowList !== undefined && !(options.allowList instanceof AllowList)) {
      throw new TypeError("NostrFs: options.allowList must be an AllowList");
    }
    if (options.clock !== undefined && typeof options.clock !== "function") {
      throw new TypeError("NostrFs: options.clock must be a function returning milliseconds");
    }
    this.#clock = options.clock ?? Date.now;
    this.#secret = secretKey.slice();
    this.allowList = options.allowList ?? AllowList.any();
    this.#onLog = options.onLog;
    this.#inbox = new NostrInbox((level, message, data) => this.log(level, message, data), {
      maxInboxEvents: options.maxInboxEvents,
      maxSeenIds: options.maxSeenIds,
    });
  }

  /** The public key, hex. */
  pubkey(): string {
    return this.#pubkey;
  }

  /** The public key, bech32 (`npub1...`). */
  npub(): string {
    return npubEncode(this.#pubkey);
  }

  /** Reports through the `onLog` hook (the connector uses it for relay notices). */
  log(level: Parameters<OnLog>[0], message: string, data?: Record<string, unknown>) {
    try {
      this.#onLog?.(level, message, data);
    } catch { /* a faulty hook must not break the state machine */ }
  }

  #changed(change: NostrChange): void {
    this.#waiters.wake("*");
    this.#changes.emit(change);
  }

  /** Subscribes to changes the connector acts on; returns the unsubscribe function. */
  onChange(listener: (change: NostrChange) => void): () => void {
    return this.#changes.subscribe(listener);
  }

  /** Resolves at the next change of any kind (relay state, inbox, publish result...). */
  nextChange(signal?: AbortSignal): Promise<void> {
    return this.#waiters.wait("*", signal);
  }

  // ---- relays ----

  /** Adds a relay (idempotent); returns its normalised URL. */
  addRelay(url: string): string {
    return this.addRelayWith(url, hostFail("NostrFs.addRelay"));
  }

  /** Adds a relay, reporting refusals through `fail`. */
  protected addRelayWith(url: unknown, fail: Fail): string {
    if (typeof url !== "string") fail(`field "url" must be a string`);
    const d = this.allowList.check(url, "GET", ["ws:", "wss:"]);
    if (!d.allowed) fail(`relay refused (${d.rule}): ${d.reason}`);
    const href = new URL(url).href;
    if (this.#relays.has(href)) return href;
    this.#relays.set(href, { url: href, state: "idle", eose: [] });
    for (const o of this.#outbox.values()) o.publish.set(href, { state: "pending" });
    this.#changed({ type: "relayAdded", url: href });
    return href;
  }

  /** Removes a relay; false when it was not there. */
  removeRelay(url: string): boolean {
    let href: string;
    try {
      href = new URL(url).href;
    } catch {
      return false;
    }
    if (!this.#relays.delete(href)) return false;
    for (const o of this.#outbox.values()) o.publish.delete(href);
    this.#changed({ type: "relayRemoved", url: href });
    return true;
  }

  /** The relays. */
  relays(): RelayInfo[] {
    return [...this.#relays.values()].map((r) => ({ ...r, eose: [...r.eose] }));
  }

  /** Records a relay's state (by the connector). */
  setRelayState(url: string, state: RelayState, error?: string): void {
    const r = this.#relays.get(url);
    if (r === undefined) return;
    r.state = state;
    if (state !== "connected") r.eose = [];
    if (error !== undefined) r.error = error;
    this.#waiters.wake("*");
  }

  /** Records an EOSE (by the connector). */
  recordEose(url: string, subscription: string): void {
    const r = this.#relays.get(url);
    if (r === undefined || r.eose.includes(subscription)) return;
    r.eose.push(subscription);
    this.#waiters.wake("*");
  }

  // ---- subscriptions ----

  /** Adds (or replaces) a subscription; returns its id. */
  subscribe(filters: NostrFilter | NostrFilter[], id?: string): string {
    return this.subscribeWith({ filters, id }, hostFail("NostrFs.subscribe"));
  }

  /** Adds a subscription from `{filters, id?}`, reporting refusals through `fail`. */
  protected subscribeWith(spec: { filters: unknown; id?: unknown }, fail: Fail): string {
    const list = Array.isArray(spec.filters) ? spec.filters : [spec.filters];
    if (list.length === 0) fail(`field "filters" must hold at least one filter`);
    const filters = list.map((f) => parseFilter(f, fail));
    let id = spec.id;
    if (id !== undefined && (typeof id !== "string" || !/^[\x21-\x7e]{1,64}$/.test(id))) {
      fail(`field "id" must be 1-64 printable characters`);
    }
    if (id === JOB_SUBSCRIPTION) fail(`subscription id ${JOB_SUBSCRIPTION} is reserved`);
    if (id === undefined) {
      do id = `sub-${this.#nextSub++}`; while (this.#subs.has(id as string));
    }
    this.#subs.set(id as string, filters);
    this.#changed({ type: "subscribe", id: id as string });
    return id as string;
  }

  /** Removes a subscription (the connector sends CLOSE); false when unknown. */
  unsubscribe(id: string): boolean {
    if (id === JOB_SUBSCRIPTION || !this.#subs.delete(id)) return false;
    for (const r of this.#relays.values()) r.eose = r.eose.filter((s) => s !== id);
    this.#changed({ type: "unsubscribe", id });
    return true;
  }

  /** The subscriptions, by id. */
  subscriptions(): Record<string, NostrFilter[]> {
    return Object.fromEntries([...this.#subs].map(([k, v]) => [k, structuredClone(v)]));
  }

  // ---- outbox ----

  /** Signs a template and queues the event for publication; returns the event. */
  submitEvent(template: NostrEventTemplate): NostrEvent {
    return this.submitWith(template, hostFail("NostrFs.submitEvent"));
  }

  /** Signs and queues, reporting refusals through `fail`. */
  protected submitWith(template: unknown, fail: Fail): NostrEvent {
    return this.#publish(parseEventTemplate(template, fail, this.#clock));
  }

  #publish(t: Required<NostrEventTemplate>): NostrEvent {
    const signed = finalizeEvent(t, this.#secret);
    const event: NostrEvent = JSON.parse(JSON.stringify(signed));
    const publish = new Map<string, PublishResult>();
    for (const url of this.#relays.keys()) publish.set(url, { state: "pending" });
    this.#outbox.set(event.id, { event, publish });
    this.#changed({ type: "publish", id: event.id });
    return structuredClone(event);
  }

  /**
   * Signs a NIP-90 job request (kind 5000-5999) with an `i` tag for the
   * input and `param` tags for `params`, queues it, and subscribes to its
   * results (kind + 1000) and feedback (7000).
   */
  createJobRequest(
    kind: number,
    input: string | JobInput[],
    params: Record<string, string> | Map<string, string> = {},
    options: { bid?: number; relays?: string[]; output?: string } = {},
  ): NostrEvent {
    const p = params instanceof Map ? Object.fromEntries(params) : params;
    return this.jobWith(
      { kind, input, params: p, ...options },
      hostFail("NostrFs.createJobRequest"),
    );
  }

  /** Creates a job request from its JSON form, reporting refusals through `fail`. */
  protected jobWith(value: unknown, fail: Fail): NostrEvent {
    const spec = parseJobRequest(value, fail);
    const event = this.#publish({
      kind: spec.kind,
      content: "",
      tags: jobRequestTags(spec),
      created_at: Math.floor(this.#clock() / 1000),
    });
    this.#inbox.addJob(event.id, spec.kind);
    this.#subs.set(JOB_SUBSCRIPTION, [this.#inbox.jobFilter()]);
    this.#changed({ type: "subscribe", id: JOB_SUBSCRIPTION });
    return event;
  }

  /** Events not yet accepted or refused by every relay (or with no relay yet). */
  outboxEvents(): NostrEvent[] {
    const out: NostrEvent[] = [];
    for (const o of this.#outbox.values()) {
      const done = o.publish.size > 0 &&
        [...o.publish.values()].every((r) => r.state === "ok" || r.state === "failed");
      if (!done) out.push(structuredClone(o.event));
    }
    return out;
  }

  /** An event of the outbox (pending or not), or undefined. */
  outboxEvent(id: string): NostrEvent | undefined {
    const o = this.#outbox.get(id);
    return o && structuredClone(o.event);
  }

  /** The ids of every outbox event. */
  outboxIds(): string[] {
    return [...this.#outbox.keys()];
  }

  /** Per-relay publish results of an outbox event, or undefined. */
  publishResults(id: string): Record<string, PublishResult> | undefined {
    const o = this.#outbox.get(id);
    return o && Object.fromEntries([...o.publish].map(([k, v]) => [k, { ...v }]));
  }

  /** Events to (re)send to a relay that just connected (by the connector). */
  unsentFor(url: string): NostrEvent[] {
    const out: NostrEvent[] = [];
    for (const o of this.#outbox.values()) {
      const s = o.publish.get(url)?.state;
      if (s === "pending" || s === "sent") out.push(o.event);
    }
    return out;
  }

  /** Records a publish step for one event and one relay (by the connector). */
  recordPublish(id: string, url: string, result: PublishResult): void {
    const o = this.#outbox.get(id);
    if (o === undefined || !o.publish.has(url)) return;
    const prev = o.publish.get(url)!.state;
    if (prev === "ok" || prev === "failed") return;
    o.publish.set(url, { ...result });
    this.#waiters.wake(id);
    this.#waiters.wake("*");
  }

  /** Resolves with the per-relay results once every relay accepted or refused the event. */
  published(id: string, signal?: AbortSignal): Promise<Record<string, PublishResult>> {
    return waitUntil(this.#waiters, id, () => {
      const r = this.publishResults(id);
      if (r === undefined) throw new Error(`NostrFs.published: unknown event ${id}`);
      const all = Object.values(r);
      return all.length > 0 && all.every((x) => x.state === "ok" || x.state === "failed")
        ? r
        : undefined;
    }, signal);
  }

  // ---- inbox ----

  /**
   * Takes an event from a relay: it is re-parsed from JSON (so no cached
   * verification can be smuggled in), checked, its signature verified, and
   * de-duplicated. Returns what happened.
   */
  receiveEvent(event: unknown, relay?: string): "added" | "duplicate" | "invalid" {
    const r = this.#inbox.receive(event, relay);
    if (r === "added") this.#waiters.wake("*");
    return r;
  }

  /** The received events, oldest first. */
  inboxEvents(): NostrEvent[] {
    return this.#inbox.events();
  }

  /** A received event, or undefined. */
  inboxEvent(id: string): NostrEvent | undefined {
    return this.#inbox.event(id);
  }

  /** The ids of the received events. */
  inboxIds(): string[] {
    return this.#inbox.ids();
  }

  /** How many received events were dropped unread because the inbox was full. */
  inboxDropped(): number {
    return this.#inbox.dropped;
  }

  /** Forgets a received event (it is not taken again); false when unknown. */
  removeInboxEvent(id: string): boolean {
    return this.#inbox.remove(id);
  }

  /** True when `id` is one of our job requests. */
  isJob(id: string): boolean {
    return this.#inbox.isJob(id);
  }

  /** The result of a job request, if it has arrived. */
  jobResultNow(id: string): NostrEvent | undefined {
    return this.#inbox.resultNow(id);
  }

  /** Feedback events (kind 7000) received for a job request. */
  jobFeedback(id: string): NostrEvent[] {
    return this.#inbox.feedback(id);
  }

  /** Resolves with the result (kind + 1000) of one of our job requests. */
  jobResult(id: string, signal?: AbortSignal): Promise<NostrEvent> {
    return this.#inbox.result(id, signal);
  }
}
