/**
 * A small static file server for the browser example: serves
 * `examples/browser/` on 127.0.0.1 and prints the URL.
 *
 * ```sh
 * deno task build:browser
 * deno task serve:browser          # http://127.0.0.1:8080/
 * deno task serve:browser 9000     # another port; 0 picks a free one
 * ```
 *
 * It serves GET and HEAD only, never lists a directory (a directory gives
 * its index.html), refuses paths that leave the root (`..`, encoded
 * slashes, symlinks pointing out), and sends `Cache-Control: no-cache`, so
 * a rebuilt bundle is picked up on reload.
 *
 * @module
 */

import { extname, join, normalize } from "@std/path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The folder served by default: `examples/browser/` next to this file's parent. */
export const BROWSER_ROOT: string = new URL("../examples/browser/", import.meta.url).pathname;

/**
 * Options of {@linkcode serveBrowser}.
 *
 * @example
 * ```ts
 * import type { ServeBrowserOptions } from "./tools/serve_browser.ts";
 * const opts: ServeBrowserOptions = { port: 0, quiet: true };
 * ```
 */
export interface ServeBrowserOptions {
  /** The folder to serve (default {@linkcode BROWSER_ROOT}). */
  root?: string;
  /** The port on 127.0.0.1; 0 picks a free one (default 8080). */
  port?: number;
  /** Print nothing (tests). Default false. */
  quiet?: boolean;
}

/**
 * A running server and its URL.
 *
 * @example
 * ```ts
 * import { serveBrowser, type ServedBrowser } from "./tools/serve_browser.ts";
 * const s: ServedBrowser = serveBrowser({ port: 0, quiet: true });
 * await s.server.shutdown();
 * ```
 */
export interface ServedBrowser {
  /** The server; `await server.shutdown()` stops it. */
  server: Deno.HttpServer<Deno.NetAddr>;
  /** Its URL, such as `http://127.0.0.1:8080/`. */
  url: string;
}

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
  });
}

/** Maps a URL path to a file under `root`, or undefined when it would leave it. */
function localPath(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const rel = normalize(`/${decoded}`);
  if (rel.split("/").includes("..")) return undefined;
  return join(root, rel);
}

async function within(root: string, path: string): Promise<boolean> {
  const [realRoot, real] = await Promise.all([Deno.realPath(root), Deno.realPath(path)]);
  return real === realRoot || real.startsWith(realRoot.endsWith("/") ? realRoot : `${realRoot}/`);
}

async function handle(root: string, req: Request): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const asked = localPath(root, new URL(req.url).pathname);
  if (asked === undefined) return plain(400, "bad path");
  let path = asked;
  try {
    let info = await Deno.stat(path);
    if (info.isDirectory) {
      path = join(path, "index.html");
      info = await Deno.stat(path);
    }
    if (!info.isFile || !(await within(root, path))) return plain(404, "not found");
    const headers = {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream",
      "content-length": String(info.size),
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    };
    if (req.method === "HEAD") return new Response(null, { headers });
    const file = await Deno.open(path, { read: true });
    return new Response(file.readable, { headers });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return plain(404, "not found");
    return plain(500, `cannot read this file: ${(e as Error).message}`);
  }
}

/**
 * Serves a folder (by default `examples/browser/`) on 127.0.0.1.
 *
 * @param options the folder, the port (0 for a free one) and quietness
 * @returns the server and its URL
 *
 * @example
 * ```ts
 * import { serveBrowser } from "./tools/serve_browser.ts";
 * const { server, url } = serveBrowser({ port: 0, quiet: true });
 * console.log((await fetch(url)).status); // 200 once the bundle is built
 * await server.shutdown();
 * ```
 */
export function serveBrowser(options: ServeBrowserOptions = {}): ServedBrowser {
  const root = options.root ?? BROWSER_ROOT;
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`serveBrowser: port must be an integer from 0 to 65535, got ${port}`);
  }
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    (req) => handle(root, req),
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  if (!options.quiet) console.log(`Serving ${root} at ${url}`);
  return { server, url };
}

function parsePort(args: string[]): number {
  const arg = args.find((a) => !a.startsWith("-")) ??
    args.find((a) => a.startsWith("--port="))?.slice("--port=".length);
  if (arg === undefined) return 8080;
  const port = Number(arg);
  if (!/^\d+$/.test(arg) || port > 65535) {
    throw new RangeError(`serve_browser: bad port "${arg}" (use 0 to 65535)`);
  }
  return port;
}

if (import.meta.main) {
  let port: number;
  try {
    port = parsePort(Deno.args);
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(2);
  }
  for (const built of ["oanix.bundle.js", "app.js", "hello.wasm"]) {
    try {
      Deno.statSync(join(BROWSER_ROOT, built));
    } catch {
      console.error(`warning: ${built} is missing; run \`deno task build:browser\` first`);
    }
  }
  serveBrowser({ port });
}
