/**
 * HttpExecutor: runs the requests of an HttpFs with `fetch`.
 *
 * @module
 */

export * from "./credentials.ts";
export * from "./http_attempt.ts";
export * from "./http_executor.ts";
