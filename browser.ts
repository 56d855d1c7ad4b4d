/**
 * OANIX for the browser: the part of the API that runs in a web page.
 *
 * It holds the file contract, the namespace, MemFs, MapFs, FuncFs and
 * CowFs, TaskFs and LogsFs, HttpFs and WsFs with executors that use the
 * page's own `fetch` and `WebSocket` ({@linkcode browserExecutors}), and
 * the WASI runtime (which needs JSPI, as in Chromium 137 and later). It
 * leaves out what needs `Deno.*`: WorkspaceFs (a real directory), the
 * environments and scheduler, the sandbox runner and the CLI; and NostrFs,
 * whose signing code comes from npm (only its types are exported here).
 *
 * `deno task build:browser` bundles this file into
 * `examples/browser/oanix.bundle.js`; tests/browser/bundle_test.ts fails
 * when anything that touches `Deno.*` reaches the bundle, and
 * tests/browser/browser_entry_test.ts when mod.ts gains an export this file
 * neither has nor leaves out on purpose.
 *
 * @example
 * ```ts
 * import { CowFs, MapFs, MemFs, Namespace, readText, writeText } from "./browser.ts";
 * const workspace = new CowFs(MapFs.fromObject({ "/hello.txt": "hi" }));
 * const ns = Namespace.builder()
 *   .mount("/workspace", workspace)
 *   .mount("/tmp", new MemFs())
 *   .build();
 * writeText(ns, "/workspace/hello.txt", readText(ns, "/workspace/hello.txt") + "!");
 * console.log(workspace.diff()); // [{ path: "/hello.txt", change: "modified", ... }]
 * ```
 *
 * @module
 */

import { ExecutorConfig } from "./src/executor/executor_config.ts";
import { ExecutorManager } from "./src/executor/executor_manager.ts";

// ---- fs: the contract and the in-memory services (not WorkspaceFs) --------
export * from "./src/fs/errors.ts";
export * from "./src/fs/path.ts";
export * from "./src/fs/types.ts";
export * from "./src/fs/time.ts";
export * from "./src/fs/open_flags.ts";
export * from "./src/fs/byte_buffer.ts";
export * from "./src/fs/buffer_handle.ts";
export * from "./src/fs/file_io.ts";
export * from "./src/fs/mem_fs.ts";
export * from "./src/fs/map_fs.ts";
export * from "./src/fs/func_fs.ts";
export * from "./src/fs/walk.ts";
export { CowFs } from "./src/fs/cow_fs.ts";
export type { CowChange, CowChangeType } from "./src/fs/cow_diff.ts";

// ---- namespace and services -------------------------------------------------
export * from "./src/namespace/mod.ts";
export * from "./src/services/mod.ts";

// ---- capabilities: HttpFs and WsFs (not NostrFs) ---------------------------
export * from "./src/capabilities/notifier.ts";
export * from "./src/capabilities/json_fields.ts";
export * from "./src/capabilities/virtual_files.ts";
export * from "./src/capabilities/commit_file.ts";
export * from "./src/capabilities/agent_io.ts";
export * from "./src/capabilities/base64.ts";
export * from "./src/capabilities/byte_budget.ts";
export * from "./src/capabilities/paged_bytes.ts";
export * from "./src/capabilities/paged_handle.ts";
export * from "./src/capabilities/bounded_queue.ts";
export * from "./src/capabilities/recent_set.ts";
export * from "./src/capabilities/log_hook.ts";
export * from "./src/capabilities/address_guard.ts";
export * from "./src/capabilities/allow_list.ts";
export * from "./src/capabilities/http/mod.ts";
export * from "./src/capabilities/ws/mod.ts";
export * from "./src/capabilities/wire_names.ts";

// ---- executors over the page's fetch and WebSocket -------------------------
export * from "./src/executor/abort.ts";
export * from "./src/executor/retry_policy.ts";
export * from "./src/executor/executor_config.ts";
// Not denoResolver: a page passes browserResolver instead.
export {
  checkResolvedUrl,
  needsDns,
  needsDnsHref,
  type Resolver,
} from "./src/executor/dns_guard.ts";
export * from "./src/executor/http/mod.ts";
export * from "./src/executor/managed_socket.ts";
export * from "./src/executor/ws/ws_connector.ts";
export * from "./src/executor/executor_manager.ts";
// ExecutorManager.attachNostr names NostrFs: its types are exported, but its code (and the
// npm packages it signs with) stays out of the bundle.
export type * from "./src/capabilities/nostr/mod.ts";
export type * from "./src/executor/nostr/nostr_relay_connector.ts";

// ---- WASI ---------------------------------------------------------------------
export * from "./src/wasi/mod.ts";

/**
 * The address guard's resolver in a page. A page cannot look names up, so
 * it returns no addresses: the allow-list still checks every host, IP
 * literals and `localhost` are still classified without DNS, and the
 * browser's own rules (CORS, Private Network Access) guard the rest.
 *
 * @example
 * ```ts
 * import { browserResolver } from "./browser.ts";
 * console.log(await browserResolver("example.com")); // []
 * ```
 */
export function browserResolver(_host: string): Promise<string[]> {
  return Promise.resolve([]);
}

/**
 * An {@linkcode ExecutorManager} for a page: its HTTP executor uses the
 * page's `fetch`, its WebSocket connector the page's `WebSocket`, and names
 * go through {@linkcode browserResolver} instead of `Deno.resolveDns`.
 *
 * @param config timeouts, retries and concurrency (defaults when omitted)
 * @returns a manager; attach capabilities, then `start()` it
 *
 * @example
 * ```ts
 * import { browserExecutors, HttpFs, Namespace } from "./browser.ts";
 * const http = new HttpFs();
 * const executor = browserExecutors().attachHttp(http);
 * executor.start();
 * const ns = Namespace.builder().mount("/cap/http", http).build();
 * // ... the page writes /cap/http/request; fetch runs it ...
 * await executor.shutdown();
 * ```
 */
export function browserExecutors(
  config: ExecutorConfig = ExecutorConfig.default(),
): ExecutorManager {
  return new ExecutorManager(config, { resolve: browserResolver });
}
