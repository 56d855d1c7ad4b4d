/**
 * DESIGN.md's layering, as a test: each folder under src/ imports only
 * from itself and the layers below it, and only the sandbox layer and
 * WorkspaceFs touch the host's file system.
 */
import assert from "@std/assert";

const ORDER = [
  "fs",
  "namespace",
  "services",
  "capabilities",
  "executor",
  "wasi",
  "shell",
  "env",
  "sandbox",
];
const src = new URL("../src/", import.meta.url);

const HOST_FS = /Deno\.(open|read|write|stat|lstat|mkdir|remove|rename|realPath|Command)/;

/** The text without comment lines (JSDoc examples may use Deno freely). */
function code(text: string): string {
  return text.split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
}

/** Every .ts file under `dir` (a URL ending in "/"), relative to src/, subfolders included. */
function filesUnder(dir: URL, prefix: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...filesUnder(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    else if (e.name.endsWith(".ts")) out.push(`${prefix}${e.name}`);
  }
  return out;
}

function sources(): Array<{ layer: string; file: string; text: string }> {
  return filesUnder(src, "").filter((file) => file.includes("/")).map((file) => ({
    layer: file.split("/")[0],
    file,
    text: Deno.readTextFileSync(new URL(file, src)),
  }));
}

/** The layer a relative import from `file` lands in, or undefined when it leaves src/. */
function importedLayer(file: string, specifier: string): string | undefined {
  const target = new URL(specifier, new URL(file, src)).href;
  if (!target.startsWith(src.href)) return undefined;
  return target.slice(src.href.length).split("/")[0];
}

Deno.test("every src folder is a known layer", () => {
  for (const { layer } of sources()) assert.ok(ORDER.includes(layer), `unknown layer ${layer}`);
});

Deno.test("layers import only downward", () => {
  const violations: string[] = [];
  for (const { layer, file, text } of sources()) {
    for (const m of text.matchAll(/(?:from|import) "(\.\.?\/[^"]+)"/g)) {
      const to = importedLayer(file, m[1]);
      if (to === undefined) violations.push(`${file} imports ${m[1]}, outside src/`);
      else if (ORDER.indexOf(to) > ORDER.indexOf(layer)) violations.push(`${file} imports ${to}`);
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("below the sandbox, only WorkspaceFs and the WASI/env loaders read host files", () => {
  const allowed = new Set([
    "fs/workspace_fs.ts",
    "fs/workspace_handle.ts",
    "fs/workspace_resolver.ts",
    "fs/workspace_errors.ts",
    "env/wasi_job_runner.ts",
    "env/script_runner.ts",
    "executor/dns_guard.ts",
    "executor/record/transcript_files.ts",
  ]);
  const touching = sources()
    .filter(({ layer }) => layer !== "sandbox")
    .filter(({ text }) => HOST_FS.test(code(text)))
    .map(({ file }) => file)
    .filter((f) => !allowed.has(f));
  assert.deepEqual(touching, []);
});

Deno.test("src imports only relative paths, node: built-ins and full npm: specifiers", () => {
  // An import map does not travel with an HTTP or local-path import of the package
  // (docs/decisions.md, D9 amended).
  const bare: string[] = [];
  for (const { file, text } of sources()) {
    for (const m of code(text).matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      if (!/^(\.\.?\/|node:|npm:[^@/]+@|npm:@[^/]+\/[^@]+@)/.test(m[1])) {
        bare.push(`${file}: ${m[1]}`);
      }
    }
  }
  assert.deepEqual(bare, []);
});
