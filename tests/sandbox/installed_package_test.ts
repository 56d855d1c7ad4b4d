/**
 * OANIX as a user installs it: the published file set served over HTTP (as
 * JSR serves it), used from a project of the user's own, with no checkout
 * and no deno.json of ours: through the CLI by URL, through `deno install
 * -g`, and through a script that imports mod.ts.
 */
import assert from "@std/assert";
import { publishedFiles, servePackage } from "../helpers/package_server.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const helloWasm = new URL("../../examples/hello-wasi/hello.wasm", import.meta.url).pathname;

async function userProject(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/agent`);
  await Deno.mkdir(`${dir}/project`);
  await Deno.writeTextFile(`${dir}/project/notes.txt`, "one\ntwo\n");
  // The user's own configuration, which the child must not run under.
  await Deno.writeTextFile(
    `${dir}/deno.json`,
    JSON.stringify({ imports: { "x/": "./nowhere/" } }),
  );
  await Deno.writeTextFile(
    `${dir}/agent/lib.ts`,
    "export const shout = (s: string) => s.toUpperCase();\n",
  );
  await Deno.writeTextFile(
    `${dir}/agent/main.ts`,
    `import { shout } from "./lib.ts";
export default function (env: { readText(p: string): string; writeText(p: string, t: string): void }) {
  const text = env.readText("/workspace/notes.txt");
  env.writeText("/workspace/notes.txt", shout(text));
  env.writeText("/task/result.json", JSON.stringify({ lines: text.trim().split("\\n").length }));
}
`,
  );
  await Deno.copyFile(helloWasm, `${dir}/hello.wasm`);
  await Deno.writeTextFile(
    `${dir}/env.yaml`,
    `task: { id: t1, type: demo, description: shout the notes }
mounts:
  /task: task
  /logs: logs
  /workspace: { type: workspace, path: ./project, mode: cow }
program: { module: ./agent/main.ts }
limits: { timeout: 30 }
`,
  );
  await Deno.writeTextFile(
    `${dir}/shell.yaml`,
    `mounts:
  /workspace: { type: workspace, path: ./project, mode: cow }
program: { shell: "tr a-z A-Z < notes.txt > loud.txt; wc -l < loud.txt" }
limits: { timeout: 60 }
`,
  );
  await Deno.writeTextFile(
    `${dir}/serve.yaml`,
    "mounts:\n  /workspace: { type: workspace, path: ./project, mode: cow }\n",
  );
  await Deno.writeTextFile(
    `${dir}/wasi.yaml`,
    "mounts:\n  /tmp: mem\nprogram: { wasi: ./hello.wasm }\nlimits: { timeout: 30 }\n",
  );
}

async function deno(cwd: string, args: string[], bin = Deno.execPath()) {
  const out = await new Deno.Command(bin, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("the published package runs manifests from a user's folder, by URL, installed, and imported", async (t) => {
  const server = servePackage(await publishedFiles());
  try {
    await withTempDir(async (dir) => {
      await userProject(dir);

      await t.step(
        "deno run URL/cli.ts run: a module agent with a local import",
        async () => {
          const r = await deno(dir, [
            "run",
            "-A",
            `${server.url}cli.ts`,
            "run",
            "env.yaml",
            "--out",
            "out1",
            "--json",
          ]);
          assert.equal(r.code, 0, r.stderr);
          const report = JSON.parse(r.stdout);
          assert.equal(report.outcome, "completed");
          assert.deepEqual(report.result, { lines: 2 });
          assert.equal(report.out_dir, "out1");
          assert.match(
            await Deno.readTextFile(`${dir}/out1/changes.diff`),
            /-one\n-two\n\+ONE\n\+TWO/,
          );
          assert.equal(
            await Deno.readTextFile(`${dir}/project/notes.txt`),
            "one\ntwo\n",
          );
        },
      );

      await t.step("a WASI program through the same CLI", async () => {
        const r = await deno(dir, [
          "run",
          "-A",
          `${server.url}cli.ts`,
          "run",
          "wasi.yaml",
          "--out",
          "out-wasi",
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          await Deno.readTextFile(`${dir}/out-wasi/logs/stdout.log`),
          /hello/i,
        );
      });

      await t.step(
        "deno install -g of the URL gives an oanix command",
        async () => {
          const root = `${dir}/install-root`;
          const inst = await deno(dir, [
            "install",
            "-g",
            "-A",
            "-n",
            "oanix",
            "--root",
            root,
            `${server.url}cli.ts`,
          ]);
          assert.equal(inst.code, 0, inst.stderr);
          const version = await deno(dir, ["--version"], `${root}/bin/oanix`);
          assert.match(version.stdout, /^oanix \d+\.\d+\.\d+/);
          const r = await deno(
            dir,
            ["run", "env.yaml", "--out", "out2", "--quiet"],
            `${root}/bin/oanix`,
          );
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /completed \(exit 0\)/);
          assert.deepEqual(
            JSON.parse(await Deno.readTextFile(`${dir}/out2/result.json`)),
            {
              lines: 2,
            },
          );
          // The shell's environment, built from the package by URL, its package fetched on use.
          const shell = await deno(
            dir,
            ["run", "shell.yaml", "--out", "out-shell", "-q"],
            `${root}/bin/oanix`,
          );
          assert.equal(shell.code, 0, shell.stderr);
          assert.match(shell.stdout, /│ 2\n/);
          assert.match(await Deno.readTextFile(`${dir}/out-shell/changes.diff`), /\+ONE\n\+TWO/);
          // An MCP session: a client that says hello, lists the tools and leaves.
          const mcp = new Deno.Command(`${root}/bin/oanix`, {
            args: ["mcp", "serve.yaml", "--out", "out-mcp", "--quiet"],
            cwd: dir,
            stdin: "piped",
            stdout: "piped",
            stderr: "piped",
          }).spawn();
          const w = mcp.stdin.getWriter();
          const line = (o: unknown) => new TextEncoder().encode(JSON.stringify(o) + "\n");
          await w.write(line({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: {
              protocolVersion: "2025-06-18",
              capabilities: {},
              clientInfo: { name: "raw", version: "1" },
            },
          }));
          await w.write(line({ jsonrpc: "2.0", method: "notifications/initialized" }));
          await w.write(line({ jsonrpc: "2.0", id: 2, method: "tools/list" }));
          // Read until the tools answer, then leave.
          const reader = mcp.stdout.pipeThrough(new TextDecoderStream()).getReader();
          let said = "";
          while (!said.includes('"id":2')) {
            const { value, done } = await reader.read();
            if (done) break;
            said += value;
          }
          await w.close();
          while (!(await reader.read()).done) { /* drain */ }
          const [status, stderr] = await Promise.all([mcp.status, new Response(mcp.stderr).text()]);
          assert.equal(status.code, 0, stderr);
          assert.match(said, /"name":"bash"/);
          assert.match(stderr, /session completed/);
        },
      );

      await t.step("a script importing mod.ts runs runSandboxed", async () => {
        await Deno.writeTextFile(
          `${dir}/script.ts`,
          `import { loadManifest, runSandboxed } from "${server.url}mod.ts";
const report = await runSandboxed(await loadManifest("env.yaml"), { outDir: "out3" });
console.log(JSON.stringify({ outcome: report.outcome, result: report.result }));
`,
        );
        const r = await deno(dir, ["run", "-A", "script.ts"]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), {
          outcome: "completed",
          result: { lines: 2 },
        });
      });
    });
  } finally {
    await server.close();
  }
});
