/**
 * The capability layer: HttpFs, WsFs and NostrFs, pure state machines with
 * a file protocol (DESIGN.md D6), plus the allow-list and address guard
 * they check before any I/O. The executors (`src/executor/`) do the I/O.
 *
 * One folder per capability (`http/`, `ws/`, `nostr/`); the pieces they
 * share sit beside them.
 *
 * @module
 */

export * from "./notifier.ts";
export * from "./json_fields.ts";
export * from "./virtual_files.ts";
export * from "./commit_file.ts";
export * from "./agent_io.ts";
export * from "./base64.ts";
export * from "./byte_budget.ts";
export * from "./paged_bytes.ts";
export * from "./paged_handle.ts";
export * from "./bounded_queue.ts";
export * from "./recent_set.ts";
export * from "./log_hook.ts";
export * from "./address_guard.ts";
export * from "./allow_list.ts";
export * from "./wire_names.ts";
export * from "./http/mod.ts";
export * from "./ws/mod.ts";
export * from "./nostr/mod.ts";
