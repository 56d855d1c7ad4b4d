/**
 * Where Deno keeps its caches (`DENO_DIR`), asked of the deno executable
 * itself once per process: the runner keeps its bundles there and removes
 * each run's storage origin from it.
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
    found = ask(denoPath);
    known.set(denoPath, found);
    found.catch(() => known.delete(denoPath));
  }
  return found;
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
