/**
 * The relay-side data types of NostrFs: options, relay states, publish
 * results and the changes its connector acts on.
 *
 * @module
 */

import type { AllowList } from "../allow_list.ts";
import type { OnLog } from "../log_hook.ts";

/**
 * Options for NostrFs.
 *
 * @example
 * ```ts
 * import { AllowList, NostrFs } from "@oanix/oanix";
 * const nostr = NostrFs.generate({ allowList: AllowList.of(["relay.example.com"]) });
 * ```
 */
export interface NostrFsOptions {
  /** Which relay URLs may be added (ws: and wss:); by default any public host. */
  allowList?: AllowList;
  /** Receives log events (a dropped event with a bad signature, a full inbox, relay notices). */
  onLog?: OnLog;
  /** The most received events kept in `/inbox` (default 10,000); past it the oldest go. */
  maxInboxEvents?: number;
  /** The most event ids remembered to drop duplicates (default: 100,000, or maxInboxEvents if more). */
  maxSeenIds?: number;
  /**
   * The time an event gets when its template has no `created_at` (ms since
   * the epoch; default `Date.now`). A run replayed from a transcript passes
   * the transcript's clock, so its events get the ids they were recorded with.
   */
  clock?: () => number;
}

/**
 * A relay's connection state, as the connector reports it.
 *
 * @example
 * ```ts
 * import type { RelayState } from "@oanix/oanix";
 * const s: RelayState = "connected";
 * ```
 */
export type RelayState = "idle" | "connecting" | "connected" | "reconnecting" | "failed";

/**
 * A relay as `/relays` shows it.
 *
 * @example
 * ```ts
 * import { NostrFs } from "@oanix/oanix";
 * const nostr = NostrFs.generate();
 * nostr.addRelay("wss://relay.example.com");
 * console.log(nostr.relays()[0].state); // "idle"
 * ```
 */
export interface RelayInfo {
  /** The relay URL (normalised). */
  url: string;
  /** Its state. */
  state: RelayState;
  /** The last error, when there was one. */
  error?: string;
  /** Subscriptions for which this relay sent EOSE on the current connection. */
  eose: string[];
}

/**
 * How publishing one event to one relay went: not sent yet, sent and
 * waiting for OK, accepted, or refused (with the relay's message).
 *
 * @example
 * ```ts
 * import type { PublishResult } from "@oanix/oanix";
 * const r: PublishResult = { state: "ok", message: "" };
 * ```
 */
export interface PublishResult {
  /** The state. */
  state: "pending" | "sent" | "ok" | "failed";
  /** The relay's message, if any. */
  message?: string;
}

/**
 * What NostrFs tells its connector.
 *
 * @example
 * ```ts
 * import { NostrFs } from "@oanix/oanix";
 * const nostr = NostrFs.generate();
 * nostr.onChange((c) => console.log(c.type));
 * nostr.addRelay("wss://relay.example.com"); // logs "relayAdded"
 * ```
 */
export type NostrChange =
  | { type: "relayAdded" | "relayRemoved"; url: string }
  | { type: "publish"; id: string }
  | { type: "subscribe" | "unsubscribe"; id: string };
