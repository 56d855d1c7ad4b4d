/**
 * The executor layer: ExecutorManager, HttpExecutor, WsConnector and
 * NostrRelayConnector do the real network I/O for the capability services.
 *
 * @module
 */

export * from "./abort.ts";
export * from "./retry_policy.ts";
export * from "./executor_config.ts";
export * from "./dns_guard.ts";
export * from "./credentials.ts";
export * from "./http_attempt.ts";
export * from "./http_executor.ts";
export * from "./managed_socket.ts";
export * from "./ws_connector.ts";
export * from "./nostr_relay_connector.ts";
export * from "./executor_manager.ts";
