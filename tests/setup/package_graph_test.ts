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

Deno.test("no entry point's graph reaches a package that loads on use", async () => {
  for (const entry of ENTRY_POINTS) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--no-lock", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout));
    const packages = Object.keys(info.npmPackages ?? {}).map(nameOf);
    for (const name of LOADED_ON_USE) {
      assert.ok(!packages.includes(name), `${entry} reaches ${name}`);
    }
  }
});
