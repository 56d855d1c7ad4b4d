/**
 * The capability layer: HttpFs, WsFs and NostrFs, pure state machines with
 * a file protocol (DESIGN.md D6), plus the allow-list and address guard
 * they check before any I/O. The executors (`src/executor/`) do the I/O.
 *
 * @module
 */

export * from "./notifier.ts";
export * from "./json_fields.ts";
export * from "./virtual_files.ts";
export * from "./commit_file.ts";
export * from "./agent_io.ts";
export * from "./base64.ts";
export * from "./log_hook.ts";
export * from "./address_guard.ts";
export * from "./allow_list.ts";
export * from "./http_types.ts";
export * from "./http_queue.ts";
export * from "./http_fs.ts";
export * from "./ws_types.ts";
export * from "./ws_connections.ts";
export * from "./ws_fs.ts";
export * from "./nostr_types.ts";
export * from "./nostr_relay_types.ts";
export * from "./nostr_inbox.ts";
export * from "./nostr_hub.ts";
export * from "./nostr_fs.ts";
export * from "./wire_names.ts";
