/**
 * HttpFs: HTTP requests and responses as files (see `http_fs.ts`).
 *
 * @module
 */

export * from "./http_types.ts";
export * from "./http_limits.ts";
export * from "./http_request_parse.ts";
export * from "./http_body.ts";
export * from "./http_uploads.ts";
export * from "./http_queue_types.ts";
export * from "./http_queue.ts";
export * from "./http_fs.ts";
