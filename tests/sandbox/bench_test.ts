/**
 * `oanix bench` as a user meets it: bad benchmark files are usage errors
 * with field and line; a crashing checker, a timed-out agent and a refused
 * run each end as a recorded trial, never a lost one; a benchmark stopped
 * in the middle finishes only what is left when run again; the example
 * benchmark gives the same verdicts every time.
 */
import assert from "@std/assert";
import { runCli } from "../../cli.ts";
import { loadBenchConfig, parseBenchConfig, readResults, runBench } from "../../mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const fixtures = new URL("./fixtures/bench/", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname;

function bench(agents: string, checker = "check_answer.ts", extra = ""): string {
  return `name: t
repeats: 1
concurrency: 2
limits: { timeout: 2 }
tasks:
  answer:
    task: { id: a, type: answer, description: say 42 }
    mounts: { /task: task }
    checker: { module: ${fixtures}${checker} }
${extra}agents:
${agents}`;
}

function capture() {
  const io = {
    outText: "",
    errText: "",
    out: (t: string) => void (io.outText += t),
    err: (t: string) => void (io.errText += t),
  };
  return io;
}

Deno.test("a bad benchmark file is a usage error naming each field and line", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/bench.yaml`,
      `repeats: 0
tasks:
  one:
    task: { id: a, type: x, description: d }
    mounts: { /task: task, /w: { type: workspace, path: ./w, mode: rw } }
  two:
    mounts: { /tmp: mem }
    checker: { module: ./c.ts, colour: red }
agents:
  a: { wasi: a.wasm, module: b.ts }
`,
    );
    const io = capture();
    assert.equal(await runCli(["bench", `${dir}/bench.yaml`, "--json"], io), 2);
    const problems = JSON.parse(io.outText).error.problems as Array<
      { field: string; line: number }
    >;
    const fields = problems.map((p) => p.field);
    for (
      const f of ["repeats", "tasks.one.checker", "tasks.two.checker.colour", "agents.a"]
    ) assert.ok(fields.some((x) => x.startsWith(f)), `${f} in ${fields.join(", ")}`);
    assert.ok(problems.every((p) => typeof p.line === "number"), JSON.stringify(problems));
  });
  const io = capture();
  assert.equal(await runCli(["bench", "/nonexistent/bench.yaml"], io), 2);
  assert.match(io.errText, /no such file/);
});

Deno.test("a read-write workspace is refused: trials would share the real folder", () => {
  const text = bench(`  ok: { module: ${fixtures}agent_ok.ts }\n`).replace(
    "mounts: { /task: task }",
    "mounts: { /task: task, /w: { type: workspace, path: /tmp, mode: rw } }",
  );
  assert.throws(() => parseBenchConfig(text, "/"), Error, "trials would share the real folder");
});

Deno.test("a crashing checker, a timed-out agent and a refused run are each a recorded failed trial", async () => {
  await withTempDir(async (dir) => {
    const text = bench(
      `  ok: { module: ${fixtures}agent_ok.ts }\n  slow: { module: ${fixtures}agent_slow.ts }\n  missing: { module: ${fixtures}agent_ok.ts }\n`,
    );
    const config = parseBenchConfig(text, dir);
    // The agent's file goes away after validation: the run is refused, the trial still recorded.
    const missing = `${dir}/gone.ts`;
    await Deno.copyFile(`${fixtures}agent_ok.ts`, missing);
    config.agents[2].program.path = missing;
    const trialManifest = config.trialManifest;
    config.trialManifest = (t, a) => {
      const m = trialManifest(t, a);
      return a.name === "missing" ? { ...m, program: { ...m.program!, path: missing } } : m;
    };
    await Deno.remove(missing);
    const run = await runBench(config, { outDir: `${dir}/out` });
    const by = Object.fromEntries(run.results.map((r) => [r.agent, r]));
    assert.equal(run.results.length, 3);
    assert.equal(by.ok.pass, true);
    assert.equal(by.slow.outcome, "timeout");
    assert.equal(by.slow.pass, false);
    assert.equal(by.missing.pass, false);
    assert.match(by.missing.error ?? "", /refused/);

    const crashing = parseBenchConfig(
      bench(`  ok: { module: ${fixtures}agent_ok.ts }\n`, "check_crash.ts"),
      dir,
    );
    const crashed = await runBench(crashing, { outDir: `${dir}/out2` });
    assert.equal(crashed.results.length, 1);
    assert.equal(crashed.results[0].verdict, null);
    assert.equal(crashed.results[0].pass, false);
    assert.match(crashed.results[0].checker_error ?? "", /the checker is broken/);
  });
});

Deno.test("a benchmark stopped in the middle runs only what is left the next time", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/bench.yaml`,
      bench(`  nap: { module: ${fixtures}agent_nap.ts }\n`).replace("repeats: 1", "repeats: 4")
        .replace(
          "concurrency: 2",
          "concurrency: 1",
        ).replace("timeout: 2", "timeout: 20"),
    );
    const cli = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${REPO}cli.ts`, "bench", "bench.yaml", "--out", "out", "--quiet"],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Stop it once the first trial is recorded.
    for (let i = 0; i < 300; i++) {
      if ((await readResults(`${dir}/out/results.jsonl`)).results.length >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    cli.kill("SIGKILL");
    await cli.status;
    const before = (await readResults(`${dir}/out/results.jsonl`)).results;
    assert.ok(before.length >= 1 && before.length < 4, `${before.length} recorded before the kill`);
    const again = await runBench(await loadBenchConfig(`${dir}/bench.yaml`), {
      outDir: `${dir}/out`,
    });
    assert.equal(again.resumed, before.length);
    assert.equal(again.ran, 4 - before.length);
    assert.equal(again.results.length, 4);
    assert.equal(new Set(again.results.map((r) => r.trial)).size, 4, "each trial once");
  });
});

Deno.test("the example benchmark gives the same verdicts on every run", async () => {
  const config = await loadBenchConfig(`${REPO}examples/bench/bench.yaml`);
  const verdicts: Array<Array<[string, boolean, number, string | undefined]>> = [];
  for (let i = 0; i < 2; i++) {
    await withTempDir(async (dir) => {
      const run = await runBench(config, { outDir: dir, repeats: 1 });
      assert.equal(run.results.length, config.tasks.length * config.agents.length);
      verdicts.push(run.results.map((r) => [r.trial, r.pass, r.score, r.verdict?.details]));
    });
  }
  assert.deepEqual(verdicts[0], verdicts[1]);
  const passed = Object.fromEntries(verdicts[0].map(([t, p]) => [t, p]));
  assert.deepEqual(passed, {
    "todos/careful/1": true,
    "todos/quick/1": false,
    "fix-add/careful/1": true,
    "fix-add/quick/1": false,
    "weather/careful/1": true,
    "weather/quick/1": true,
  });
});

Deno.test("oanix bench from the user's own folder, with a relative --out, judges as in place", async () => {
  await withTempDir(async (dir) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-lock",
        `${REPO}cli.ts`,
        "bench",
        `${REPO}examples/bench/bench.yaml`,
        "--out",
        "results",
        "--filter",
        "/^(todos|weather)\\/careful\\//",
        "--repeats",
        "1",
        "--quiet",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const { results } = await readResults(`${dir}/results/results.jsonl`);
    assert.deepEqual(
      results.map((r) => [r.trial, r.pass, r.checker_error ?? null]).sort(),
      [
        ["todos/careful/1", true, null],
        ["weather/careful/1", true, null],
      ],
    );
  });
});

Deno.test("trials take their agent's child from the pool; checkers start none ahead", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/bench.yaml`,
      bench(`  right: { module: ${fixtures}agent_ok.ts }\n`)
        .replace("repeats: 1", "repeats: 4")
        .replace("concurrency: 2", "concurrency: 1"),
    );
    const run = await runBench(await loadBenchConfig(`${dir}/bench.yaml`), {
      outDir: `${dir}/out`,
    });
    assert.equal(run.results.length, 4);
    assert.ok(run.results.every((r) => r.pass), JSON.stringify(run.results));
    // One cold start, then each trial's agent finds the child its predecessor left waiting.
    assert.equal(run.children.takenReady, 3);
    // Started: the cold one and one replacement per trial. A checker's grant names its own
    // trial's folders, so a child started ahead for it would never serve (and pushed out the
    // agent's): the checkers start theirs when they run, outside the pool.
    assert.equal(run.children.started, 5);
  });
});
