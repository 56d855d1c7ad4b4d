/**
 * NostrFs: a Nostr identity, relays, subscriptions and NIP-90 jobs as
 * files (see `nostr_fs.ts`).
 *
 * @module
 */

export * from "./nostr_types.ts";
export * from "./nostr_relay_types.ts";
export * from "./event_store.ts";
export * from "./nostr_inbox.ts";
export * from "./nostr_hub.ts";
export * from "./nostr_fs.ts";
