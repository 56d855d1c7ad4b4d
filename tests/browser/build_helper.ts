/**
 * Shared by the browser tests: builds the bundle once per test process
 * (`deno task build:browser`), and finds code that touches the `Deno`
 * global.
 *
 * @module
 */

/** The repository root. */
export const REPO: string = new URL("../../", import.meta.url).pathname;
/** The served folder. */
export const BROWSER_DIR: string = `${REPO}examples/browser/`;
/** What `deno task build:browser` makes there. */
export const BUILT_FILES: readonly string[] = [
  "oanix.bundle.js",
  "app.js",
  "hello.wasm",
];

let built: Promise<void> | undefined;

/**
 * Runs `deno task build:browser` (once per process) and checks that it made
 * every file the page needs. Tests call it first, so they never look at a
 * stale bundle.
 */
export function buildBrowser(): Promise<void> {
  built ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "build:browser"],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const text = new TextDecoder().decode(out.stderr) +
        new TextDecoder().decode(out.stdout);
      throw new Error(
        `deno task build:browser failed (exit ${out.code}):\n${text}`,
      );
    }
    for (const f of BUILT_FILES) {
      const info = await Deno.stat(`${BROWSER_DIR}${f}`);
      if (!info.isFile || info.size === 0) {
        throw new Error(`build:browser made no ${f}`);
      }
    }
  })();
  return built;
}

/**
 * Member access on the `Deno` global (`Deno.x`, `Deno?.x`, `Deno[x]`): what
 * throws a ReferenceError in a browser. `globalThis.Deno` or a property
 * named `Deno` (`x.Deno`) do not match.
 */
const DENO_ACCESS = /(?<![\w$.])Deno\s*(?:\?\.|\.|\[)/g;

/** One place where code touches `Deno`. */
export interface DenoAccess {
  /** 1-based line. */
  line: number;
  /** The code around it. */
  context: string;
}

/**
 * Every member access on the `Deno` global in `code`, with context. Give it
 * code without comments (a minified bundle), or use
 * {@linkcode findDenoAccessInSource} for source files.
 *
 * @example
 * ```ts
 * findDenoAccess('x=Deno.readFile("a")'); // [{ line: 1, context: 'x=Deno.readFile("a")' }]
 * ```
 */
export function findDenoAccess(code: string): DenoAccess[] {
  const out: DenoAccess[] = [];
  for (const m of code.matchAll(DENO_ACCESS)) {
    const at = m.index!;
    const line = code.slice(0, at).split("\n").length;
    const context = code.slice(Math.max(0, at - 60), at + 60).replace(
      /\s+/g,
      " ",
    );
    out.push({ line, context });
  }
  return out;
}

/**
 * {@linkcode findDenoAccess} over a source file, skipping comment lines and
 * trailing `//` comments (good enough to name the file and line; the
 * bundle scan is the one that decides).
 *
 * @example
 * ```ts
 * findDenoAccessInSource("// Deno.x\nconst a = Deno.env;"); // one hit, on line 2
 * ```
 */
export function findDenoAccessInSource(source: string): DenoAccess[] {
  const out: DenoAccess[] = [];
  let inBlock = false;
  source.split("\n").forEach((raw, i) => {
    let line = raw;
    if (inBlock) {
      const end = line.indexOf("*/");
      if (end === -1) return;
      line = line.slice(end + 2);
      inBlock = false;
    }
    line = line.replace(/\/\*.*?\*\//g, "");
    const open = line.indexOf("/*");
    if (open !== -1) {
      inBlock = true;
      line = line.slice(0, open);
    }
    line = line.replace(/(^|[^:"'`])\/\/.*$/, "$1");
    for (const hit of findDenoAccess(line)) {
      out.push({ line: i + 1, context: raw.trim() || hit.context });
    }
  });
  return out;
}
