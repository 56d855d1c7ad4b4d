/**
 * Shell programs: `program: { shell: SCRIPT }` or `{ shell_file: FILE }`
 * runs the script in OANIX's shell inside the sandboxed child, over the
 * namespace and nothing else; module agents `with_shell` get
 * `env.shell(script)`. The host is never touched, and the manifest's
 * bounds hold.
 */
import assert from "@std/assert";
import { parseManifest, permissionsFor, type RunReport, runSandboxed } from "../../mod.ts";
import { ManifestError } from "../../src/sandbox/manifest/field_reader.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const ROOT_LOCK = new URL("../../deno.lock", import.meta.url);

async function project(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/project/src`, { recursive: true });
  await Deno.writeTextFile(`${dir}/project/notes.txt`, "a TODO one\nb\nTODO two\n");
  await Deno.writeTextFile(`${dir}/project/src/add.ts`, "export const add = (a, b) => a - b;\n");
}

/** Runs `program` (YAML) over a cow workspace of the project; returns the report and output. */
async function run(dir: string, program: string, extra = "") {
  const text = `task: { id: t, type: shell, description: d }
mounts:
  /task: task
  /tmp: mem
  /workspace: { type: workspace, path: ./project, mode: cow }
program:
${program.replace(/^/gm, "  ")}
${extra}`;
  const output = { stdout: "", stderr: "" };
  const report: RunReport = await runSandboxed(parseManifest(text, dir), {
    outDir: `${dir}/out-${crypto.randomUUID().slice(0, 6)}`,
    onOutput: (stream, chunk) => output[stream] += chunk,
  });
  return { report, ...output };
}

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, "/srv");
  } catch (e) {
    if (e instanceof ManifestError) return e.problems.map((p) => `${p.field}: ${p.problem}`);
    throw e;
  }
  return [];
}

Deno.test("a manifest's program is exactly one of wasi, module, shell or shell_file", () => {
  const m = parseManifest("mounts: {}\nprogram: { shell: ls, args: [a] }\n", "/srv");
  assert.deepEqual(m.program, { kind: "shell", path: "", script: "ls", args: ["a"], env: {} });
  const f = parseManifest("mounts: {}\nprogram: { shell_file: fix.sh }\n", "/srv");
  assert.equal(f.program?.kind, "shell");
  assert.equal(f.program?.path, "/srv/fix.sh");
  assert.equal(f.program?.script, undefined);
  const table: [string, RegExp][] = [
    ["{ shell: ls, module: a.ts }", /program: give only one of module, shell/],
    ["{ args: [] }", /program: give one of wasi, module, shell or shell_file/],
    ["{ shell: 5 }", /program\.shell: expected a non-empty string/],
    ["{ wasi: a.wasm, with_shell: true }", /program\.with_shell: with_shell is for module agents/],
    ["{ module: a.ts, with_shell: yes }", /program\.with_shell: expected true or false/],
    ["{ module: a.ts, max_commands: 5 }", /program\.max_commands: .*agents with_shell/],
    ["{ shell: ls, max_commands: 2.5 }", /program\.max_commands: expected a whole number ≥ 1/],
    ["{ shell: ls, max_output: 0 }", /program\.max_output: expected a whole number ≥ 1/],
    ["{ shell: ls, stdin: a, stdin_file: b }", /program\.stdin_file: give stdin or stdin_file/],
    ["{ shell: ls, root: . }", /program\.root: root is for module agents/],
    ["{ shell_file: 'https://x.test/a.sh' }", /program\.shell_file: remote programs are refused/],
  ];
  for (const [program, expected] of table) {
    const problems = problemsOf(`mounts: {}\nprogram: ${program}\n`);
    assert.ok(
      problems.some((p) => expected.test(p)),
      `${program}: ${problems.join("; ")}`,
    );
  }
});

Deno.test("a shell program is granted only its workspace and the shell's three unset switches", () => {
  const m = parseManifest(
    "mounts:\n  /workspace: { type: workspace, path: ./p, mode: cow }\nprogram: { shell: ls }\n",
    "/srv",
  );
  const p = permissionsFor(m);
  assert.deepEqual(p.grant.read, ["/srv/p"]);
  assert.deepEqual(p.grant.write, []);
  assert.deepEqual(p.grant.net, []);
  assert.deepEqual(p.grant.env, ["__MINIMATCH_TESTING_PLATFORM__", "LOG_TOKENS", "LOG_STREAM"]);
  const wasi = parseManifest("mounts: {}\nprogram: { wasi: a.wasm }\n", "/srv");
  assert.equal(permissionsFor(wasi).grant.env, undefined, "other programs are granted no env");
});

Deno.test("a shell script works in the namespace: cow changes, the result, args, env, output", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    const lockBefore = await Deno.readTextFile(ROOT_LOCK);
    const { report, stdout, stderr } = await run(
      dir,
      `shell: |
  grep -n TODO notes.txt
  sed -i 's/a - b/a + b/' src/add.ts
  printf '{"todos": %d}' "$(grep -c TODO notes.txt)" > /task/result.json
  echo "$1 $2 $MODE"
  cat /etc/passwd || echo "no passwd"
args: [first, second]
env: { MODE: fast }`,
    );
    assert.equal(report.outcome, "completed", report.error);
    assert.deepEqual(report.result, { todos: 2 });
    assert.equal(stdout, "1:a TODO one\n3:TODO two\nfirst second fast\nno passwd\n");
    assert.match(stderr, /cat: \/etc\/passwd: No such file or directory/);
    assert.deepEqual(report.changes.map((c) => [c.path, c.change]), [["/src/add.ts", "modified"]]);
    assert.equal(
      await Deno.readTextFile(`${dir}/project/src/add.ts`),
      "export const add = (a, b) => a - b;\n",
      "a cow workspace leaves the folder as it was",
    );
    assert.match(
      await Deno.readTextFile(`${report.outDir}/changes.diff`),
      /\+export const add = \(a, b\) => a \+ b;/,
    );
    assert.deepEqual(report.checks.filter((c) => c.denied), [], "nothing the child did was denied");
    assert.equal(await Deno.readTextFile(ROOT_LOCK), lockBefore, "the library's lock is untouched");
  });
});

Deno.test("a shell script cannot reach the host: paths, links and dot-dot stay in the namespace", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    await Deno.writeTextFile(`${dir}/secret.txt`, "host secret\n");
    const { report, stdout } = await run(
      dir,
      `shell: |
  cd ../../..; pwd; ls
  cat ${dir}/secret.txt || echo refused-abs
  ln -s ${dir}/secret.txt /tmp/link && cat /tmp/link || echo refused-link
  cat ../secret.txt || echo refused-dotdot
  echo x > /task/spec.json
  echo "read-only: $?"`,
    );
    assert.equal(report.outcome, "completed", report.error);
    assert.equal(
      stdout,
      "/\ntask\ntmp\nworkspace\nrefused-abs\nrefused-link\nrefused-dotdot\nread-only: 1\n",
    );
    assert.doesNotMatch(stdout, /host secret/);
  });
});

Deno.test("a shell script is held to its bounds: loops, commands, output and time", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    const loop = await run(dir, "shell: 'while true; do :; done'\nmax_loop_iterations: 1000");
    assert.equal(loop.report.outcome, "failed");
    assert.equal(loop.report.error, "the program exited with code 126");
    assert.match(loop.stderr, /while loop: too many iterations \(1000\)/);

    const commands = await run(
      dir,
      "shell: 'for i in 1 2 3 4 5 6; do echo $i; done'\nmax_commands: 3",
    );
    assert.equal(commands.report.outcome, "failed");
    assert.equal(commands.report.error, "the program exited with code 126");
    assert.match(commands.stderr, /too many commands/);

    const output = await run(
      dir,
      "shell: 'for i in $(seq 1 500); do echo 0123456789; done > /tmp/big'\nmax_output: 1000",
    );
    assert.equal(output.report.outcome, "failed");
    assert.equal(output.report.error, "the program exited with code 126");
    assert.match(output.stderr, /output size/);

    const bomb = await run(dir, "shell: ':(){ :|:& };:'");
    assert.notEqual(bomb.report.outcome, "completed", "a fork bomb in shell syntax does not run");

    const slow = await run(dir, "shell: 'sleep 30'", "limits: { timeout: 1 }");
    assert.equal(slow.report.outcome, "timeout");
    assert.ok(slow.report.durationMs < 10_000, `stopped in ${slow.report.durationMs} ms`);
  });
});

Deno.test("a script file and a stdin file: both read on the host, neither granted to the rest", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    await Deno.writeTextFile(`${dir}/count.sh`, "wc -l | tr -d ' ' > /task/result.json\n");
    await Deno.writeTextFile(`${dir}/lines.txt`, "1\n2\n3\n");
    const { report } = await run(dir, "shell_file: count.sh\nstdin_file: lines.txt");
    assert.equal(report.outcome, "completed", report.error);
    assert.equal(report.result, 3);

    const missing = await runSandboxed(
      parseManifest("mounts: {}\nprogram: { shell_file: nope.sh }\n", dir),
      { outDir: `${dir}/missing` },
    ).catch((e) => e);
    assert.match(String(missing), /program\.shell_file: no such file: .*nope\.sh/);
    const empty = await runSandboxed(
      parseManifest("mounts: {}\nprogram: { shell: '  ' }\n", dir),
      { outDir: `${dir}/empty` },
    ).catch((e) => e);
    assert.match(String(empty), /program\.shell: the script is empty/);
  });
});

Deno.test("a module agent with_shell runs scripts over its own namespace; without, it has none", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    await Deno.writeTextFile(
      `${dir}/agent.ts`,
      `export default function (env: any) {
  if (env.shell === undefined) return env.writeText("/task/result.json", '"no shell"');
  const r = env.shell("grep -c TODO notes.txt; echo $1 > /tmp/a; cat /tmp/a", { args: ["hi"] });
  let bad = "";
  try { env.shell("ls", { cwd: 5 }); } catch (e) { bad = (e as Error).message; }
  env.writeText("/task/result.json", JSON.stringify({ r, bad }));
}
`,
    );
    const { report } = await run(dir, "module: agent.ts\nwith_shell: true");
    assert.equal(report.outcome, "completed", report.error);
    assert.deepEqual(report.result, {
      r: { exitCode: 0, stdout: "2\nhi\n", stderr: "", truncated: false, timedOut: false },
      bad: "EINVAL: invalid argument (runShell: cwd must be a string, got a number)",
    });
    const without = await run(dir, "module: agent.ts");
    assert.equal(without.report.result, "no shell");
    assert.equal(without.report.permissions.grant.env, undefined);
  });
});
