/**
 * The executor layer: ExecutorManager, HttpExecutor, WsConnector and
 * NostrRelayConnector do the real network I/O for the capability services.
 *
 * One folder per capability (`http/`, `ws/`, `nostr/`); the pieces they
 * share (timers, retry policy, config, DNS guard, sockets, the manager)
 * sit beside them.
 *
 * @module
 */

export * from "./abort.ts";
export * from "./retry_policy.ts";
export * from "./executor_config.ts";
export * from "./dns_guard.ts";
export * from "./http/mod.ts";
export * from "./managed_socket.ts";
export * from "./ws/ws_connector.ts";
export * from "./nostr/nostr_relay_connector.ts";
export * from "./record/mod.ts";
export * from "./executor_manager.ts";
