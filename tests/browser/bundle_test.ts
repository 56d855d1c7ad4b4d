/**
 * The browser build stays free of `Deno.*`: the bundle text has no member
 * access on the `Deno` global, and browser.ts's module graph holds no
 * sandbox, WorkspaceFs or CLI module (nor any npm package).
 */

import assert from "@std/assert";
import {
  BROWSER_DIR,
  buildBrowser,
  findDenoAccess,
  findDenoAccessInSource,
  REPO,
} from "./build_helper.ts";

interface GraphModule {
  specifier: string;
  local?: string;
  error?: string;
  dependencies?: { code?: { specifier: string } }[];
}

async function browserGraph(): Promise<GraphModule[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "browser.ts"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `deno info --json browser.ts failed:\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)).modules;
}

/** The specifiers reached through code imports (what a bundle holds; `import type` is not followed). */
function runtimeGraph(modules: GraphModule[], root: string): string[] {
  const bySpec = new Map(modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>([root]);
  const todo = [root];
  for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
    for (const d of bySpec.get(s)?.dependencies ?? []) {
      const next = d.code?.specifier;
      if (next !== undefined && !seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return [...seen];
}

function relative(specifier: string): string {
  return specifier.replace(`file://${REPO}`, "");
}

Deno.test("browser bundle: no Deno.* reaches what the page loads", async () => {
  await buildBrowser();
  const found: string[] = [];
  for (const file of ["oanix.bundle.js", "app.js"]) {
    // The bundles are minified, so no comment can hide in them or match.
    const code = await Deno.readTextFile(`${BROWSER_DIR}${file}`);
    for (const hit of findDenoAccess(code)) {
      found.push(`  ${file}: …${hit.context}…`);
    }
  }
  if (found.length > 0) {
    // Name the source lines too, so the fix is easy to find.
    const sources: string[] = [];
    for (const m of await browserGraph()) {
      if (m.local === undefined || !m.specifier.startsWith("file://")) continue;
      for (
        const hit of findDenoAccessInSource(await Deno.readTextFile(m.local))
      ) {
        sources.push(`  ${relative(m.specifier)}:${hit.line}: ${hit.context}`);
      }
    }
    throw new Error(
      `the browser bundle touches the Deno global (${found.length} place(s)); a page has no Deno:\n` +
        `${found.join("\n")}\nin the sources of browser.ts's module graph:\n${
          sources.join("\n") || "  (not found in the sources)"
        }`,
    );
  }
});

Deno.test("browser bundle: app.js loads the library bundle instead of inlining it", async () => {
  await buildBrowser();
  const app = await Deno.readTextFile(`${BROWSER_DIR}app.js`);
  const lib = await Deno.readTextFile(`${BROWSER_DIR}oanix.bundle.js`);
  assert.match(
    app,
    /from\s*"\.\.\/\.\.\/browser\.ts"/,
    "app.js should import ../../browser.ts",
  );
  assert.ok(
    !/class\s+\w*\s*extends\s+Error/.test(app),
    "app.js inlines library classes",
  );
  assert.ok(
    app.length < lib.length / 3,
    `app.js is ${app.length} bytes: the library got inlined?`,
  );
  const html = await Deno.readTextFile(`${BROWSER_DIR}index.html`);
  assert.match(
    html,
    /"\.\.\/\.\.\/browser\.ts":\s*"\.\/oanix\.bundle\.js"/,
    "the import map",
  );
});

Deno.test("browser.ts module graph: no sandbox, WorkspaceFs or CLI; no npm code", async () => {
  const modules = await browserGraph();
  assert.ok(
    modules.length > 10,
    `a suspiciously small graph: ${modules.length} modules`,
  );
  const broken = modules.filter((m) => m.error !== undefined);
  assert.deepEqual(broken.map((m) => `${m.specifier}: ${m.error}`), []);
  // The whole graph, type imports included.
  const names = modules.map((m) => relative(m.specifier));
  const forbidden = names.filter((s) =>
    /(^|\/)src\/sandbox\//.test(s) ||
    /workspace_(fs|handle|resolver|errors)\.ts$/.test(s) ||
    /(^|\/)cli(\/|\.ts$|_)/.test(s)
  );
  assert.deepEqual(
    forbidden,
    [],
    `browser.ts must not pull these in:\n${forbidden.join("\n")}`,
  );
  for (
    const needed of [
      "src/fs/cow_fs.ts",
      "src/services/logs_fs.ts",
      "src/wasi/wasi_runtime.ts",
    ]
  ) {
    assert.ok(names.includes(needed), `browser.ts should include ${needed}`);
  }
  // What the bundle carries: local modules only (NostrFs and its npm code stay out).
  const root = modules.find((m) => m.specifier.endsWith("/browser.ts"))!.specifier;
  const foreign = runtimeGraph(modules, root)
    .map(relative)
    .filter((s) => /^(npm|jsr|node|https?):/.test(s));
  assert.deepEqual(
    foreign,
    [],
    `browser.ts's code imports these packages:\n${foreign.join("\n")}`,
  );
});

Deno.test("findDenoAccess: finds what throws in a page, not look-alikes", () => {
  assert.equal(
    findDenoAccess('a=Deno.readFile("x");b=Deno?.env;c=Deno["x"]').length,
    3,
  );
  assert.equal(
    findDenoAccess("a=globalThis.Deno;b=x.Deno.y;const DenoLike=1;").length,
    0,
  );
  const src = "/**\n * Deno.readFile\n */\n// Deno.exit()\nconst a = Deno.args; // Deno.x\n";
  assert.deepEqual(findDenoAccessInSource(src).map((h) => h.line), [5]);
});
