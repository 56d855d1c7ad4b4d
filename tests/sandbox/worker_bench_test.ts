/**
 * `oanix bench --queue` with `oanix worker`s, as a user runs them: the
 * example benchmark through three worker processes gives the same verdicts
 * as a local run, with the same results.jsonl and report; a submitter
 * killed in the middle and started again records each trial once; the
 * command line names its mistakes.
 */
import assert from "@std/assert";
import { runCli } from "../../cli.ts";
import { loadBenchConfig } from "../../src/sandbox/bench/bench_config.ts";
import { runBenchOnQueue } from "../../src/sandbox/bench/queue_bench.ts";
import { runBench } from "../../src/sandbox/bench/run_bench.ts";
import { readResults } from "../../src/sandbox/bench/trial_result.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { redisTest, startRedis } from "../queue/redis_server.ts";
import { startCliWorker, startDeno, type WorkerProcess } from "../queue/worker_processes.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const fixtures = new URL("./fixtures/bench/", import.meta.url).pathname;

function capture() {
  const io = {
    outText: "",
    errText: "",
    out: (t: string) => void (io.outText += t),
    err: (t: string) => void (io.errText += t),
  };
  return io;
}

redisTest(
  "the example benchmark: the same verdicts locally and through three workers",
  async () => {
    const redis = await startRedis();
    const workers: WorkerProcess[] = [];
    try {
      await withTempDir(async (dir) => {
        const url = redis.url("example");
        for (let i = 0; i < 3; i++) workers.push(startCliWorker(url, `${dir}/store`));
        const config = await loadBenchConfig(`${REPO}examples/bench/bench.yaml`);
        const local = await runBench(config, { outDir: `${dir}/local`, repeats: 1 });
        const queued = await runBenchOnQueue(config, { outDir: `${dir}/queued`, repeats: 1 }, {
          url,
          storeDir: `${dir}/store`,
        });
        const verdicts = (rs: typeof local.results) =>
          rs.map((r) => [r.trial, r.outcome, r.pass, r.score, r.verdict?.details, r.changes]);
        assert.deepEqual(verdicts(queued.results), verdicts(local.results));
        assert.deepEqual(
          Object.fromEntries(queued.results.map((r) => [r.trial, r.pass])),
          {
            "todos/careful/1": true,
            "todos/quick/1": false,
            "fix-add/careful/1": true,
            "fix-add/quick/1": false,
            "weather/careful/1": true,
            "weather/quick/1": true,
          },
        );
        // Each trial's folder is here, as after a local run; the store keeps inputs only.
        for (const r of queued.results) {
          const status = JSON.parse(
            await Deno.readTextFile(`${dir}/queued/${r.out_dir}/run/status.json`),
          );
          assert.equal(status.outcome, r.outcome);
          assert.ok((await Deno.stat(`${dir}/queued/${r.out_dir}/check`)).isDirectory);
        }
        const { results } = await readResults(`${dir}/queued/results.jsonl`);
        assert.equal(results.length, 6);
        const took = workers.map((w) => w.lines.filter((l) => l.includes("] took ")).length);
        assert.equal(took.reduce((a, b) => a + b), 6, `jobs taken per worker: ${took}`);
        assert.ok(took.filter((n) => n > 0).length >= 2, `the work was shared: ${took}`);
        assert.deepEqual([...Deno.readDirSync(`${dir}/store/outputs/example`)], []);
      });
    } finally {
      for (const w of workers) w.kill("SIGTERM");
      for (const w of workers) {
        assert.equal(await w.ended(), 143);
      }
      await redis.stop();
    }
  },
);

redisTest("a submitter killed mid-run, started again, records every trial once", async () => {
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  try {
    await withTempDir(async (dir) => {
      const url = redis.url("resume");
      await Deno.writeTextFile(
        `${dir}/bench.yaml`,
        `name: naps
repeats: 4
limits: { timeout: 30 }
tasks:
  answer:
    task: { id: a, type: answer, description: say 42 }
    mounts: { /task: task }
    checker: { module: ${fixtures}check_answer.ts }
agents:
  nap: { module: ${fixtures}agent_nap.ts }
`,
      );
      workers.push(startCliWorker(url, `${dir}/store`));
      const submit = () =>
        startDeno([
          "run",
          "-A",
          "--config",
          "tests/deno.json",
          "cli.ts",
          "bench",
          `${dir}/bench.yaml`,
          "--queue",
          url,
          "--store",
          `${dir}/store`,
          "--out",
          `${dir}/out`,
        ]);
      const first = submit();
      // Stopped once the first trial is recorded.
      for (let i = 0; i < 600; i++) {
        if ((await readResults(`${dir}/out/results.jsonl`)).results.length >= 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      first.kill("SIGKILL");
      await first.ended();
      const before = (await readResults(`${dir}/out/results.jsonl`)).results.length;
      assert.ok(before >= 1 && before < 4, `${before} recorded before the kill`);
      const io = capture();
      const code = await runCli(
        [
          "bench",
          `${dir}/bench.yaml`,
          "--queue",
          url,
          "--store",
          `${dir}/store`,
          "--out",
          `${dir}/out`,
          "--json",
        ],
        io,
      );
      assert.equal(code, 0, io.errText);
      const summary = JSON.parse(io.outText);
      assert.equal(summary.resumed, before);
      assert.equal(summary.recorded, 4);
      const { results } = await readResults(`${dir}/out/results.jsonl`);
      assert.equal(results.length, 4);
      assert.equal(new Set(results.map((r) => r.trial)).size, 4, "each trial once");
      assert.ok(results.every((r) => r.pass));
      assert.ok((await Deno.stat(`${dir}/out/report.html`)).isFile);
    });
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.ended()));
    await redis.stop();
  }
});

Deno.test("oanix worker and bench --queue name their mistakes", async () => {
  const run = async (args: string[]) => {
    const io = capture();
    return { code: await runCli(args, io), text: io.outText + io.errText };
  };
  let r = await run(["worker"]);
  assert.equal(r.code, 2);
  assert.match(r.text, /give --queue redis:\/\/HOST:PORT\/NAME/);
  r = await run(["worker", "env.yaml", "--queue", "redis://h/q"]);
  assert.deepEqual([r.code, /takes no file/.test(r.text)], [2, true]);
  r = await run(["worker", "--queue", "http://h/q"]);
  assert.deepEqual([r.code, /only redis:\/\/ is supported/.test(r.text)], [2, true]);
  r = await run(["worker", "--queue", "redis://h/q", "--policy", "/nonexistent.yaml"]);
  assert.deepEqual([r.code, /cannot read the policy/.test(r.text)], [2, true]);
  r = await run(["worker", "--queue", "redis://h/q", "--filter", "x"]);
  assert.deepEqual([r.code, /does not take --filter/.test(r.text)], [2, true]);
  r = await run(["bench", `${REPO}examples/bench/bench.yaml`, "--store", "/tmp/s"]);
  assert.deepEqual([r.code, /--store goes with --queue/.test(r.text)], [2, true]);
  r = await run(["worker", "--help"]);
  assert.deepEqual([r.code, /^Usage: oanix worker --queue/.test(r.text)], [0, true]);
  await withTempDir(async (dir) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    r = await run([
      "bench",
      `${REPO}examples/bench/bench.yaml`,
      "--queue",
      `redis://127.0.0.1:${port}/q`,
      "--store",
      `${dir}/store`,
      "--out",
      `${dir}/out`,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.text, new RegExp(`cannot reach Redis at 127.0.0.1:${port}`));
  });
});
