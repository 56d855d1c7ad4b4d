/**
 * DESIGN.md's layering, as a test: each folder under src/ imports only
 * from itself and the layers below it, and only the sandbox layer and
 * WorkspaceFs touch the host's file system.
 */
import assert from "@std/assert";

const ORDER = ["fs", "namespace", "services", "capabilities", "executor", "wasi", "env", "sandbox"];
const src = new URL("../src/", import.meta.url);

const HOST_FS = /Deno\.(open|read|write|stat|lstat|mkdir|remove|rename|realPath|Command)/;

/** The text without comment lines (JSDoc examples may use Deno freely). */
function code(text: string): string {
  return text.split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
}

function sources(): Array<{ layer: string; file: string; text: string }> {
  const out = [];
  for (const dir of Deno.readDirSync(src)) {
    if (!dir.isDirectory) continue;
    for (const f of Deno.readDirSync(new URL(`${dir.name}/`, src))) {
      if (f.name.endsWith(".ts")) {
        const text = Deno.readTextFileSync(new URL(`${dir.name}/${f.name}`, src));
        out.push({ layer: dir.name, file: `${dir.name}/${f.name}`, text });
      }
    }
  }
  return out;
}

Deno.test("every src folder is a known layer", () => {
  for (const { layer } of sources()) assert.ok(ORDER.includes(layer), `unknown layer ${layer}`);
});

Deno.test("layers import only downward", () => {
  const violations: string[] = [];
  for (const { layer, file, text } of sources()) {
    for (const m of text.matchAll(/from "\.\.\/([a-z_]+)\//g)) {
      if (ORDER.indexOf(m[1]) > ORDER.indexOf(layer)) violations.push(`${file} imports ${m[1]}`);
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
  ]);
  const touching = sources()
    .filter(({ layer }) => layer !== "sandbox")
    .filter(({ text }) => HOST_FS.test(code(text)))
    .map(({ file }) => file)
    .filter((f) => !allowed.has(f));
  assert.deepEqual(touching, []);
});
