/**
 * HttpExecutor: runs the requests of an HttpFs with `fetch`.
 *
 * @module
 */

export * from "./credentials.ts";
export * from "./stream_redactor.ts";
export * from "./placeholders.ts";
export * from "./read_body.ts";
export * from "./http_attempt.ts";
export * from "./http_tap.ts";
export * from "./http_executor.ts";
