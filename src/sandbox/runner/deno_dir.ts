/**
 * Where Deno keeps its caches (`DENO_DIR`): the runner keeps its bundles
 * there and removes each run's storage origin from it. Known from the
 * environment where it can be (DENO_DIR, or Deno's default for the
 * platform, when that folder exists), else asked of the deno executable
 * itself (`deno info --json`), once per process.
 *
 * @module
 */

const known = new Map<string, Promise<string>>();

/**
 * The cache folder of the deno at `denoPath` (what `deno info --json`
 * reports as `denoDir`).
 *
 * @throws {Error} when deno cannot be run or does not say.
 *
 * @example
 * ```ts ignore
 * const dir = await denoDir(Deno.execPath());
 * ```
 */
export function denoDir(denoPath: string): Promise<string> {
  let found = known.get(denoPath);
  if (found === undefined) {
    const guess = fromEnvironment();
    found = guess === undefined ? ask(denoPath) : Promise.resolve(guess);
    known.set(denoPath, found);
    found.catch(() => known.delete(denoPath));
  }
  return found;
}

/** DENO_DIR, or the platform's default, when readable and present; else undefined. */
function fromEnvironment(): string | undefined {
  try {
    const explicit = Deno.env.get("DENO_DIR");
    const home = Deno.env.get("HOME");
    const candidate = explicit ??
      (Deno.build.os === "darwin"
        ? home && `${home}/Library/Caches/deno`
        : Deno.build.os === "linux"
        ? `${Deno.env.get("XDG_CACHE_HOME") ?? (home && `${home}/.cache`)}/deno`
        : undefined);
    if (candidate && Deno.statSync(candidate).isDirectory) return candidate;
  } catch { /* no permission, or not there: ask deno */ }
  return undefined;
}

async function ask(denoPath: string): Promise<string> {
  const out = await new Deno.Command(denoPath, {
    args: ["info", "--json"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  let dir: unknown;
  try {
    dir = JSON.parse(text).denoDir;
  } catch { /* reported below */ }
  if (!out.success || typeof dir !== "string" || dir === "") {
    const why = new TextDecoder().decode(out.stderr).trim() || text.trim();
    throw new Error(`cannot find Deno's cache folder with ${denoPath} info --json: ${why}`);
  }
  return dir;
}
