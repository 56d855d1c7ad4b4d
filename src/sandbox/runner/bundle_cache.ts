/**
 * One-file bundles of a module graph (`deno bundle`), kept in a cache
 * folder and reused while no file they were built from has changed.
 *
 * The sandboxed child runs bundles only: its entry, the agent worker and a
 * module agent each become one JavaScript file, so the child loads exactly
 * those files (`--no-remote --no-npm --cached-only`), whatever way OANIX
 * was installed (a checkout, a local path from another project, an HTTP
 * server, JSR) and whatever the agent imports.
 *
 * @module
 */

import { fromFileUrl, join, toFileUrl } from "../manifest/posix_path.ts";

/**
 * What to bundle, and how.
 *
 * @example
 * ```ts ignore
 * const spec: BundleSpec = {
 *   entry: new URL("./child_main.ts", import.meta.url),
 *   cacheDir: "/home/me/.cache/deno/oanix/child-1234",
 *   denoPath: Deno.execPath(),
 *   cwd: Deno.cwd(),
 *   sourceMap: "linked",
 * };
 * ```
 */
export interface BundleSpec {
  /** The module whose graph becomes one file. */
  entry: URL;
  /** The folder of this bundle's cache entry (created when missing). */
  cacheDir: string;
  /** The deno executable that bundles. */
  denoPath: string;
  /** Where `deno bundle` runs; its configuration is found from here unless `config` says. */
  cwd: string;
  /** A configuration file to use, or `null` for none (`--no-config`). */
  config?: string | null;
  /** `inline` puts the source map in the bundle (stack traces then name the original files). */
  sourceMap: "inline" | "linked";
  /** Hosts (besides a remote entry's own) the graph may import from, beyond Deno's defaults. */
  allowImport?: string[];
  /** Packages left out of the bundle (optional imports the code never takes). */
  external?: string[];
}

/**
 * A bundle ready to run.
 *
 * @example
 * ```ts ignore
 * const b: Bundle = await bundleCached(spec);
 * console.log(b.path, b.sources.length, b.reused);
 * ```
 */
export interface Bundle {
  /** The bundle file. */
  path: string;
  /** What it was built from: absolute paths of local files, URLs of the rest. */
  sources: string[];
  /** True when an earlier build was still current. */
  reused: boolean;
}

/**
 * `deno bundle` failed: the message holds its diagnostics.
 *
 * @example
 * ```ts
 * import { BundleError } from "./bundle_cache.ts";
 * console.log(new BundleError("x").name); // "BundleError"
 * ```
 */
export class BundleError extends Error {
  /**
   * Makes the error.
   *
   * @param message what deno bundle said
   */
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

interface SourceStamp {
  source: string;
  mtimeMs?: number;
  size?: number;
}

interface CacheEntry {
  version: 1;
  file: string;
  entry: string;
  sources: SourceStamp[];
}

const META = "meta.json";

/**
 * The bundle of `spec.entry`: the cached one when every local file it was
 * built from is unchanged (same size and modification time), else a fresh
 * build. Concurrent callers may both build; each gets a complete bundle.
 *
 * @throws {BundleError} when `deno bundle` fails.
 *
 * @example
 * ```ts ignore
 * const bundle = await bundleCached(spec);
 * await new Deno.Command(Deno.execPath(), { args: ["run", bundle.path] }).output();
 * ```
 */
export async function bundleCached(spec: BundleSpec): Promise<Bundle> {
  const cached = readEntry(spec);
  if (cached !== undefined && current(cached.sources)) {
    return {
      path: join(spec.cacheDir, cached.file),
      sources: cached.sources.map((s) => s.source),
      reused: true,
    };
  }
  return await build(spec);
}

function readEntry(spec: BundleSpec): CacheEntry | undefined {
  try {
    const entry = JSON.parse(Deno.readTextFileSync(join(spec.cacheDir, META))) as CacheEntry;
    if (entry.version !== 1 || entry.entry !== spec.entry.href) return undefined;
    Deno.statSync(join(spec.cacheDir, entry.file));
    return entry;
  } catch {
    return undefined;
  }
}

/** Files of Deno's npm cache: named by package version, never changed in place. */
const NPM_CACHE = /\/npm\/registry\.npmjs\.org\//;

/**
 * The stamp of one source. Synchronous on purpose, as the cache entry's reading: a bundle
 * has dozens of sources and a run checks them before it starts; one `stat` call after
 * another takes about a third of the time of as many asynchronous ones side by side.
 */
function stamp(source: string): SourceStamp {
  if (!source.startsWith("/") || NPM_CACHE.test(source)) return { source };
  try {
    const info = Deno.statSync(source);
    return { source, mtimeMs: info.mtime?.getTime() ?? 0, size: info.size };
  } catch (e) {
    // A package's own source map may name files it does not ship: absent, and staying so.
    if (e instanceof Deno.errors.NotFound) return { source, mtimeMs: -1, size: -1 };
    throw e;
  }
}

function current(stamps: SourceStamp[]): boolean {
  try {
    return stamps.every((s) => {
      const now = stamp(s.source);
      return now.mtimeMs === s.mtimeMs && now.size === s.size;
    });
  } catch {
    return false;
  }
}

async function build(spec: BundleSpec): Promise<Bundle> {
  await Deno.mkdir(spec.cacheDir, { recursive: true });
  const file = `bundle-${crypto.randomUUID().slice(0, 8)}.js`;
  const out = join(spec.cacheDir, file);
  // The entry's own host may serve the rest of its graph (a package served over HTTP).
  const hosts = [...(spec.allowImport ?? [])];
  if (spec.entry.protocol !== "file:") hosts.push(spec.entry.host);
  const remote = hosts.length === 0 ? [] : [`--allow-import=${hosts.join(",")}`];
  const config = spec.config === null
    ? ["--no-config"]
    : spec.config === undefined
    ? []
    : [`--config=${spec.config}`];
  const result = await new Deno.Command(spec.denoPath, {
    args: [
      "bundle",
      "--quiet",
      "--platform=deno",
      `--sourcemap=${spec.sourceMap}`,
      ...config,
      ...remote,
      ...(spec.external ?? []).map((name) => `--external=${name}`),
      "-o",
      out,
      spec.entry.href,
    ],
    cwd: spec.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!result.success) {
    await removeBuild(out);
    const said = new TextDecoder().decode(result.stderr).trim() ||
      new TextDecoder().decode(result.stdout).trim();
    throw new BundleError(`cannot bundle ${spec.entry.href}: ${said || "deno bundle failed"}`);
  }
  const sources = await sourcesOf(out, spec.sourceMap);
  const entry: CacheEntry = {
    version: 1,
    file,
    entry: spec.entry.href,
    sources: sources.map(stamp),
  };
  const temp = join(spec.cacheDir, `${file}.meta`);
  await Deno.writeTextFile(temp, JSON.stringify(entry));
  await Deno.rename(temp, join(spec.cacheDir, META));
  return { path: out, sources, reused: false };
}

async function removeBuild(out: string): Promise<void> {
  for (const path of [out, `${out}.map`]) await Deno.remove(path).catch(() => {});
}

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** The files a bundle was built from, read from its source map. */
async function sourcesOf(out: string, kind: "inline" | "linked"): Promise<string[]> {
  let map: { sources?: unknown };
  if (kind === "linked") {
    map = JSON.parse(await Deno.readTextFile(`${out}.map`));
  } else {
    const text = await Deno.readTextFile(out);
    const m = INLINE_MAP.exec(text.slice(-Math.min(text.length, 64 * 1024 * 1024)));
    if (m === null) throw new BundleError(`${out} has no inline source map`);
    map = JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(m[1])));
  }
  if (!Array.isArray(map.sources)) throw new BundleError(`${out}: its source map lists no sources`);
  const base = toFileUrl(out);
  return map.sources.map((s) => {
    const url = new URL(String(s), base);
    return url.protocol === "file:" ? fromFileUrl(url) : url.href;
  });
}
