/**
 * WsFs: WebSocket connections as files (see `ws_fs.ts`).
 *
 * @module
 */

export * from "./ws_types.ts";
export * from "./ws_connections.ts";
export * from "./ws_fs.ts";
