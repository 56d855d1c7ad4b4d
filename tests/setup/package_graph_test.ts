/**
 * What the library loads: its entry points reach only its own few
 * packages. The large ones (the shell's just-bash, the MCP SDK, the queue's
 * BullMQ) load only when their feature is used, so the root lock holds
 * exactly the library's packages and `deno task` on a bare machine fetches
 * nothing else.
 */
import assert from "@std/assert";

const root = new URL("../../", import.meta.url);
/** The packages the library itself imports (their own dependencies aside). */
const LIBRARY_PACKAGES = ["@types/js-yaml", "diff", "js-yaml", "nanotar", "nostr-tools"];
const ENTRY_POINTS = [
  "mod.ts",
  "cli.ts",
  "browser.ts",
  "src/sandbox/child/child_main.ts",
  "src/sandbox/child/environment_main.ts",
  "src/sandbox/child/environment_full_main.ts",
];
const LOADED_ON_USE = ["just-bash", "minimatch", "@modelcontextprotocol/sdk", "bullmq", "ioredis"];

function nameOf(specifier: string): string {
  const bare = specifier.replace(/^npm:\/?/, "");
  const at = bare.indexOf("@", 1);
  return at < 0 ? bare : bare.slice(0, at);
}

Deno.test("the root lock holds exactly the library's packages", async () => {
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", root)));
  const direct = Object.keys(lock.specifiers ?? {}).map(nameOf).sort();
  assert.deepEqual(direct, LIBRARY_PACKAGES);
});

/** A module of `deno info --json`'s graph, with its imports. */
interface GraphModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier?: string } }[];
}

/** `deno info --json` of an entry point: its module graph, dynamic imports included. */
async function graphOf(
  entry: string,
): Promise<{ npmPackages?: Record<string, unknown>; modules: GraphModule[] }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-lock", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("no entry point's graph reaches a package that loads on use", async () => {
  for (const entry of ENTRY_POINTS) {
    const info = await graphOf(entry);
    const packages = Object.keys(info.npmPackages ?? {}).map(nameOf);
    for (const name of LOADED_ON_USE) {
      assert.ok(!packages.includes(name), `${entry} reaches ${name}`);
    }
  }
});

// Any node: module starts Deno's Node compatibility layer (tens of milliseconds and several MiB
// per process): the path of a plain run, from the CLI to the child's bundles, loads none (D15).
// The full environment (capabilities, WASI, snapshots) may: snapshots hash with node:crypto.
const RUN_PATH = [
  "cli.ts",
  "src/sandbox/child/child_main.ts",
  "src/sandbox/child/environment_main.ts",
];

/** The modules `entry` loads before it runs: its graph followed along static imports only. */
async function loadedAtStart(entry: string): Promise<string[]> {
  const info = await graphOf(entry);
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code?.specifier) visit(dep.code.specifier);
    }
  };
  visit(new URL(entry, root).href);
  return [...seen];
}

Deno.test("the run path loads no node: module (bench, worker and mcp load theirs on use)", async () => {
  for (const entry of RUN_PATH) {
    const node = (await loadedAtStart(entry)).filter((s) => s.startsWith("node:"));
    assert.deepEqual(node, [], `${entry} loads ${node.join(", ")}`);
  }
});
