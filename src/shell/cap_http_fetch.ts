// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * `curl` in the shell, routed through the namespace's `/cap/http`: each
 * request is written to `/cap/http/request` and its outcome read from
 * `/cap/http/responses/`, exactly as an agent would do by hand. The
 * HttpFs's allow-list decides at submit, the executor enforces it again,
 * and credentials stay with the host. Nothing here touches the network.
 *
 * @module
 */

import type { SecureFetch } from "npm:just-bash@3.4.2";
import { writeFile } from "../fs/file_io.ts";
import type { FileService } from "../fs/types.ts";
import { readWhole } from "./waiting_read.ts";

type FetchOptions = NonNullable<Parameters<SecureFetch>[1]>;
type FetchResult = Awaited<ReturnType<SecureFetch>>;

const decoder = new TextDecoder();

function headerRecord(headers: FetchOptions["headers"]): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  return { ...headers };
}

/** The error curl reports for a failed outcome; its wording picks curl's exit code. */
function failure(outcome: Record<string, unknown>, url: string): Error {
  const reason = String(outcome.error);
  // curl exits 7 on "Network access denied", 28 on "aborted", 47 on "Too many redirects".
  switch (outcome.error_kind) {
    case "forbidden":
      return new Error(`Network access denied: ${reason}: ${url}`);
    case "timeout":
      return new Error(`request aborted: ${reason}`);
    case "redirect":
      return new Error(`Too many redirects: ${reason}`);
    default:
      return new Error(reason);
  }
}

/**
 * A just-bash `SecureFetch` that sends every request through the
 * capability files under `root` (default `/cap/http`) of `namespace`.
 * Waits end with `signal` (the run's) or the request's own signal.
 * Redirects are followed as the executor follows them (curl's `-L` makes
 * no difference), and `--max-time` becomes the request's `timeout_ms`.
 * Each finished response is removed once read, so the capability holds
 * no bodies for the shell.
 *
 * @example
 * ```ts
 * import { HttpFs, Namespace } from "@oanix/oanix";
 * import { capHttpFetch } from "./cap_http_fetch.ts";
 * const http = new HttpFs();
 * const ns = Namespace.builder().mount("/cap/http", http).build();
 * const fetching = capHttpFetch(ns)("https://example.com/");
 * const req = http.takePending()!; // what an executor does
 * http.completeRequest({ requestId: req.id, status: 200, body: "hi" });
 * const res = await fetching;
 * console.log(res.status, new TextDecoder().decode(res.body)); // 200 "hi"
 * ```
 */
export function capHttpFetch(
  namespace: FileService,
  root = "/cap/http",
  signal?: AbortSignal,
): SecureFetch {
  return async (url: string, options: FetchOptions = {}): Promise<FetchResult> => {
    const id = `shell-${crypto.randomUUID()}`;
    const request = {
      id,
      url,
      method: options.method ?? "GET",
      headers: headerRecord(options.headers),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.timeoutMs ? { timeout_ms: options.timeoutMs } : {}),
    };
    writeFile(namespace, `${root}/request`, JSON.stringify(request));
    const signals = [signal, options.signal].filter((s) => s !== undefined);
    const wait = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = `${root}/responses/${id}.json`;
    try {
      const outcome = JSON.parse(decoder.decode(await readWhole(namespace, response, wait)));
      if (typeof outcome.error === "string") throw failure(outcome, url);
      const body = await readWhole(namespace, `${root}/responses/${outcome.body_file}`, wait);
      return {
        status: outcome.status,
        statusText: outcome.status_text ?? "",
        headers: outcome.headers ?? {},
        body,
        url: outcome.url ?? url,
      };
    } finally {
      try {
        namespace.remove(response);
      } catch { /* still pending (the wait was cut short), or removed already */ }
    }
  };
}
