/**
 * The README's set-up on a bare machine: a fresh clone, no deno on the PATH
 * (only node, npm and npx), an empty Deno cache. `npx --yes deno@2.9.6 task
 * demo` must pass and install only what the demo needs; `... task test`
 * must set up, type-check every test and run one (the whole suite is what
 * runs this test). It tests the last commit: what a clone gets.
 */
import assert from "@std/assert";
import { withTempDir } from "../helpers/temp_dir.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const DENO = "deno@2.9.6";
/** Packages only the tests use: a user's first `deno task demo` must not install them. */
const TEST_ONLY = ["playwright-core", "wabt", "@echogarden", "@nostr-relay", "rxjs"];

async function which(tool: string): Promise<string> {
  const out = await new Deno.Command("sh", { args: ["-c", `command -v ${tool}`], stdout: "piped" })
    .output();
  const path = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || path === "") throw new Error(`${tool} is not on the PATH`);
  return await Deno.realPath(path);
}

/** A folder holding only node, npm and npx: the bare machine's PATH. */
async function barePath(dir: string): Promise<string> {
  const bin = `${dir}/bin`;
  await Deno.mkdir(bin);
  for (const tool of ["node", "npm", "npx"]) {
    await Deno.symlink(await which(tool), `${bin}/${tool}`);
  }
  return bin;
}

async function npxDeno(cwd: string, env: Record<string, string>, args: string[]) {
  const out = await new Deno.Command("npx", {
    args: ["--yes", DENO, ...args],
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return {
    code: out.code,
    text: text.split("\n").filter((l) => !l.startsWith("Download ")).join("\n"),
  };
}

Deno.test("the README's two commands pass on a bare machine with only node and npm", async () => {
  await withTempDir(async (dir) => {
    const clone = `${dir}/oanix`;
    const git = await new Deno.Command("git", { args: ["clone", "-q", REPO, clone] }).output();
    assert.ok(git.success, new TextDecoder().decode(git.stderr));
    const env = {
      // What the machine provides (certificates, proxies) stays; deno and its cache do not.
      PATH: await barePath(dir),
      DENO_DIR: `${dir}/deno-cache`,
      NO_COLOR: "1",
    };

    const demo = await npxDeno(clone, env, ["task", "demo"]);
    assert.equal(demo.code, 0, demo.text);
    assert.match(demo.text, /outcome: completed \(exit 0\)/);
    // Nothing test-only was fetched: neither into a node_modules folder nor into Deno's cache.
    const installed = [`${clone}/node_modules`, `${env.DENO_DIR}/npm/registry.npmjs.org`]
      .flatMap((dir) => {
        try {
          return [...Deno.readDirSync(dir)].map((e) => e.name);
        } catch {
          return [];
        }
      });
    assert.ok(installed.includes("nostr-tools"), `the demo's own packages: ${installed}`);
    for (const name of TEST_ONLY) {
      assert.ok(!installed.includes(name), `the demo installed ${name} (test-only)`);
    }

    const test = await npxDeno(clone, env, [
      "task",
      "test",
      "--filter",
      "layers import only downward",
    ]);
    assert.equal(test.code, 0, test.text);
    assert.match(test.text, /ok \| 1 passed \| 0 failed/);
  });
});
