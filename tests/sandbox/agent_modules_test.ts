/**
 * Module agents as users write them: several files, npm packages from the
 * cache, a wider folder when asked, and failures that name their file and
 * line. A clean run shows no denied permission check.
 */
import assert from "@std/assert";
import { parseManifest, type RunReport, runSandboxed } from "../../mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const ENV_TYPE = "{ args: string[]; writeText(p: string, t: string): void }";

async function run(dir: string, program: string): Promise<RunReport> {
  const text = `task: { id: t, type: x, description: d }
mounts:
  /task: task
  /logs: logs
program: ${program}
limits: { timeout: 30 }
`;
  return await runSandboxed(parseManifest(text, dir), { outDir: `${dir}/out` });
}

function denied(report: RunReport): number {
  return report.checks.filter((c) => c.denied).length;
}

Deno.test("a module agent imports files of its folder and npm packages from the cache", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/agent/util`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/agent/util/words.ts`,
      "export const count = (s: string) => s.split(' ').length;\n",
    );
    await Deno.writeTextFile(
      `${dir}/agent/main.ts`,
      `import yaml from "npm:js-yaml@4.1.0";
import { count } from "./util/words.ts";
export default function (env: ${ENV_TYPE}) {
  env.writeText("/task/result.json", JSON.stringify({ words: count("a b c"), parsed: yaml.load("k: v") }));
}
`,
    );
    const report = await run(dir, "{ module: ./agent/main.ts }");
    assert.equal(report.outcome, "completed", report.error);
    assert.deepEqual(report.result, { words: 3, parsed: { k: "v" } });
    assert.equal(denied(report), 0, "a clean run has no denied check");
    // The child was granted the one bundle, never the agent's own folder.
    assert.ok(
      !report.permissions.grant.read.some((p) => p.startsWith(`${dir}/agent`)),
    );
  });
});

Deno.test("program.root widens the folder an agent may import from", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/agents/a`, { recursive: true });
    await Deno.mkdir(`${dir}/shared`);
    await Deno.writeTextFile(
      `${dir}/shared/greet.ts`,
      "export const greet = () => 'hi';\n",
    );
    await Deno.writeTextFile(
      `${dir}/agents/a/main.ts`,
      `import { greet } from "../../shared/greet.ts";
export default (env: ${ENV_TYPE}) => env.writeText("/task/result.json", JSON.stringify(greet()));
`,
    );
    await assert.rejects(
      () => run(dir, "{ module: ./agents/a/main.ts }"),
      Error,
      "outside its folder",
    );
    const report = await run(dir, "{ module: ./agents/a/main.ts, root: . }");
    assert.equal(report.outcome, "completed", report.error);
    assert.equal(report.result, "hi");
  });
});

Deno.test("an agent's exception reaches the output with its message, file and line", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/agent`);
    await Deno.writeTextFile(
      `${dir}/agent/lib.ts`,
      "export function check(n: number): void {\n  if (n > 2) throw new RangeError(`too many: ${n}`);\n}\n",
    );
    await Deno.writeTextFile(
      `${dir}/agent/main.ts`,
      `import { check } from "./lib.ts";\nexport default function () {\n  check(3);\n}\n`,
    );
    const report = await run(dir, "{ module: ./agent/main.ts }");
    assert.equal(report.outcome, "failed");
    assert.match(
      report.error ?? "",
      new RegExp(
        `^RangeError: too many: 3 \\(at ${dir}/agent/lib\\.ts:2:\\d+\\)$`,
      ),
    );
    const stderr = await Deno.readTextFile(`${dir}/out/logs/stderr.log`);
    assert.match(
      stderr,
      new RegExp(`at check \\(file://${dir}/agent/lib\\.ts:2:\\d+\\)`),
    );
    assert.match(stderr, new RegExp(`file://${dir}/agent/main\\.ts:3:3`));
  });
});
