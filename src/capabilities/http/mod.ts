/**
 * HttpFs: HTTP requests and responses as files (see `http_fs.ts`).
 *
 * @module
 */

export * from "./http_types.ts";
export * from "./http_queue.ts";
export * from "./http_fs.ts";
