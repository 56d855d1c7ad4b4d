/**
 * The files a sandboxed child runs: its entry (built from this package,
 * wherever it was loaded from) and, for a module agent, the agent worker
 * with the agent and everything it imports. Each is one bundle, so the
 * child loads nothing else (`--no-remote --no-npm --cached-only`), and the
 * agent's worker needs no grant of its own.
 *
 * @module
 */

import { dirname, fromFileUrl, join, relative } from "../manifest/posix_path.ts";
import { type Bundle, bundleCached } from "./bundle_cache.ts";
import { denoDir } from "./deno_dir.ts";
import type { Manifest } from "../manifest/manifest.ts";

const CHILD_ENTRY = new URL("../child/child_main.ts", import.meta.url);
/** The plain environment: module agents over files and services. */
const ENVIRONMENT_ENTRY = new URL("../child/environment_main.ts", import.meta.url);
/** The environment with capabilities, WASI and snapshots. */
const FULL_ENVIRONMENT_ENTRY = new URL("../child/environment_full_main.ts", import.meta.url);
/** The environment with the shell in it (its package, just-bash, is large: only when needed). */
const SHELL_ENVIRONMENT_ENTRY = new URL("../child/environment_shell_main.ts", import.meta.url);
/** Optional packages of the shell's archive commands that are never installed. */
const SHELL_EXTERNALS = ["@mongodb-js/zstd", "node-liblzma"];
const WORKER_RUNTIME = new URL("../agent/agent_worker_runtime.ts", import.meta.url);
/**
 * The package's own configuration, when it is a folder on disk (a checkout
 * or a local path): its lock holds the library's npm packages only (the
 * tests have a configuration and a lock of their own).
 */
const PACKAGE_CONFIG = new URL("../../../deno.json", import.meta.url);

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return new Uint8Array(digest).toHex();
}

// The small file calls on a run's way to its start are synchronous: one after another, each
// asynchronous call would cost a turn of the event loop besides (see bundle_cache.ts).

function packageConfig(): string | null {
  if (PACKAGE_CONFIG.protocol !== "file:") return null;
  try {
    const path = fromFileUrl(PACKAGE_CONFIG);
    Deno.statSync(path);
    return path;
  } catch {
    return null;
  }
}

/**
 * The cache folder of OANIX's bundles, under Deno's own cache.
 *
 * @example
 * ```ts ignore
 * console.log(await bundleCacheRoot(Deno.execPath())); // e.g. /home/me/.cache/deno/oanix
 * ```
 */
export async function bundleCacheRoot(denoPath: string): Promise<string> {
  return join(await denoDir(denoPath), "oanix");
}

/**
 * The child's two bundles: its entry (the supervisor, small, the main
 * thread) and its environment's worker.
 *
 * @example
 * ```ts ignore
 * const { child, environment } = await childRuntime(Deno.execPath());
 * ```
 */
export interface ChildRuntime {
  /** The supervisor's bundle: what `deno run` runs. */
  child: string;
  /** The environment worker's bundle. */
  environment: string;
}

async function runtimeBundle(
  entry: URL,
  denoPath: string,
  config: string | null,
  external: string[] = [],
) {
  return await bundleCached({
    external,
    entry,
    cacheDir: join(
      await bundleCacheRoot(denoPath),
      "runtime",
      await sha256Hex(`${Deno.version.deno} ${entry.href}`),
    ),
    denoPath,
    cwd: config === null ? Deno.cwd() : dirname(config),
    config,
    sourceMap: "linked",
  });
}

/**
 * Whether a run needs the full environment (capability mounts and their
 * executors, a WASI program, a snapshot to save or start from) rather
 * than the plain one, which loads a third less.
 *
 * @example
 * ```ts
 * import { validateManifest } from "@oanix/oanix";
 * import { needsFullEnvironment } from "./runtime_bundles.ts";
 * console.log(needsFullEnvironment(validateManifest({ mounts: { "/tmp": "mem" } }, "/"))); // false
 * ```
 */
export function needsFullEnvironment(manifest: Manifest): boolean {
  return manifest.program?.kind === "wasi" || manifest.snapshot === true ||
    manifest.restore !== undefined || manifest.record === true || manifest.replay !== undefined ||
    Object.values(manifest.mounts).some((m) => ["http", "ws", "nostr"].includes(m.type));
}

/**
 * Bundles (or finds, unchanged, in the cache) the child's entry and its
 * environment's worker, from this package. The environment is the plain
 * one unless `full` (see {@linkcode needsFullEnvironment}). A package on disk (a checkout, a
 * local path) is bundled under its own `deno.json` and lock; one loaded by
 * URL (JSR, HTTP) with no configuration (never the user's). With `shell`,
 * the environment carries the shell; its package is not in the library's
 * lock (most runs never need it), so that bundle is built with no
 * configuration and its pinned `npm:` specifiers (the first build fetches
 * the package).
 *
 * @throws {BundleError} when bundling fails.
 *
 * @example
 * ```ts ignore
 * const { child } = await childRuntime(Deno.execPath());
 * ```
 */
export async function childRuntime(
  denoPath: string,
  { shell = false, full = false }: { shell?: boolean; full?: boolean } = {},
): Promise<ChildRuntime> {
  const config = packageConfig();
  const [child, environment] = await Promise.all([
    runtimeBundle(CHILD_ENTRY, denoPath, config),
    shell
      ? runtimeBundle(SHELL_ENVIRONMENT_ENTRY, denoPath, null, SHELL_EXTERNALS)
      : runtimeBundle(full ? FULL_ENVIRONMENT_ENTRY : ENVIRONMENT_ENTRY, denoPath, config),
  ]);
  return { child: child.path, environment: environment.path };
}

/**
 * A module agent's worker entry, bundled with the agent and what it
 * imports, and the local files it was built from.
 *
 * @example
 * ```ts ignore
 * const agent: AgentBundle = await bundleAgent("/srv/agent/main.ts", "/srv/agent", Deno.execPath());
 * ```
 */
export interface AgentBundle extends Bundle {
  /** Sources outside the agent's folder that are not packages: the run is refused for them. */
  outside: string[];
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("../") && rel !== ".." && !rel.startsWith("/"));
}

function realOrSelf(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/** Writes `text` to `path` unless it holds it already (its time stamp then stays). */
async function writeIfChanged(path: string, text: string): Promise<void> {
  try {
    if (Deno.readTextFileSync(path) === text) return;
  } catch { /* not there yet */ }
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}

/**
 * Bundles a module agent with the agent worker's runtime into the worker's
 * entry (the agent's configuration is found from its own folder, as
 * `deno run` would), with an inline source map, so its stack traces name
 * its own files and lines. The worker then loads one file and needs no
 * grant. Its imports are resolved here, when the run starts, as `deno run`
 * would; at run time it can load nothing. Local files it imports must lie
 * in `root` (the agent's folder); packages (npm, JSR, remote modules in
 * Deno's cache or a `node_modules` folder) may come from anywhere. The
 * others are listed in `outside` (the bundle is then not kept), and the
 * runner refuses the run for them.
 *
 * @throws {BundleError} when the agent cannot be bundled (a syntax error, a
 * missing import, ...).
 *
 * @example
 * ```ts ignore
 * const b = await bundleAgent("/srv/agent/main.ts", "/srv/agent", Deno.execPath());
 * if (b.outside.length > 0) throw new Error(`imports ${b.outside.join(", ")}`);
 * ```
 */
export async function bundleAgent(
  entry: string,
  root: string,
  denoPath: string,
): Promise<AgentBundle> {
  const cacheRoot = await bundleCacheRoot(denoPath);
  const cacheDir = join(cacheRoot, "agents", await sha256Hex(`${Deno.version.deno} ${entry}`));
  const wrapper = join(cacheDir, "entry.ts");
  await writeIfChanged(
    wrapper,
    `import { startAgentWorker } from ${JSON.stringify(WORKER_RUNTIME.href)};\n` +
      `startAgentWorker(() => import(${JSON.stringify(`file://${entry}`)}));\n`,
  );
  const bundle = await bundleCached({
    entry: new URL(`file://${wrapper}`),
    cacheDir,
    denoPath,
    cwd: dirname(entry),
    sourceMap: "inline",
    ...(WORKER_RUNTIME.protocol === "file:" ? {} : { allowImport: [WORKER_RUNTIME.host] }),
  });
  const runtime = WORKER_RUNTIME.protocol === "file:" ? fromFileUrl(WORKER_RUNTIME) : "";
  const realRoot = realOrSelf(root);
  const cache = realOrSelf(await denoDir(denoPath));
  const outside: string[] = [];
  for (const source of bundle.sources) {
    if (!source.startsWith("/") || source === runtime) continue;
    const real = realOrSelf(source);
    if (inside(real, realRoot) || inside(real, cache) || real.includes("/node_modules/")) continue;
    outside.push(source);
  }
  // A refused bundle may hold a file the agent must not see: it is not kept.
  if (outside.length > 0) await Deno.remove(cacheDir, { recursive: true });
  return { ...bundle, outside };
}
