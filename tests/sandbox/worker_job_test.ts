/**
 * A worker reads every job as untrusted: malformed ones, ones asking for
 * more than its policy, ones naming host paths outside the store's inputs
 * (absolute paths, `..`, symlinks) are refused, alone, with the reason;
 * the jobs around them run. The queue here is the in-memory one, in one
 * process; worker_bench_test.ts and worker_faults_test.ts use Redis and
 * worker processes.
 */
import assert from "@std/assert";
import { MemoryQueue } from "../../src/env/queue/memory_queue.ts";
import type { JsonValue } from "../../src/services/json_value.ts";
import { validateManifest } from "../../src/sandbox/manifest/manifest.ts";
import { runQueueWorker, type WorkerEvent } from "../../src/sandbox/worker/queue_worker.ts";
import { InputStager } from "../../src/sandbox/worker/stage_inputs.ts";
import { Store } from "../../src/sandbox/worker/store.ts";
import {
  JobRefusedError,
  readWorkerJob,
  type WorkerJobData,
  type WorkerJobResult,
} from "../../src/sandbox/worker/worker_job.ts";
import { DEFAULT_WORKER_POLICY } from "../../src/sandbox/worker/worker_policy.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { eventually } from "../queue/queue_contract.ts";

const fixtures = new URL("./fixtures/bench/", import.meta.url).pathname;

/** A staged trial job of the fixtures' answering agent and checker. */
async function trialJob(
  store: Store,
  agent = "agent_ok.ts",
): Promise<Extract<WorkerJobData, { type: "trial" }>> {
  const stager = new InputStager(store);
  const manifest = validateManifest(
    {
      task: { id: "a", type: "answer", description: "say 42" },
      mounts: { "/task": "task" },
      program: { module: `${fixtures}${agent}` },
      limits: { timeout: 20 },
    },
    "/",
  );
  const checker = validateManifest(
    { mounts: {}, program: { module: `${fixtures}check_answer.ts` } },
    "/",
  ).program!;
  return {
    oanix: 1,
    type: "trial",
    trial: { id: "answer/ok/1", task: "answer", agent: "ok", repeat: 1 },
    manifest: await stager.manifest(manifest) as { [k: string]: JsonValue },
    checker: await stager.program(checker) as { [k: string]: JsonValue },
  };
}

async function refusal(data: unknown, store: Store): Promise<string> {
  try {
    await readWorkerJob(data, store, DEFAULT_WORKER_POLICY);
  } catch (e) {
    if (e instanceof JobRefusedError) return e.message;
    throw e;
  }
  throw new Error("the job was taken");
}

Deno.test("malformed jobs are refused with what is wrong", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(dir);
    const good = await trialJob(store);
    const cases: Array<[unknown, RegExp]> = [
      [null, /job: expected a mapping/],
      ["run", /job: expected a mapping/],
      [{ ...good, oanix: 2 }, /oanix: not an OANIX job of format 1/],
      [{ ...good, type: "shell" }, /type: expected "run" or "trial"/],
      [{ ...good, extra: 1 }, /extra: unknown key/],
      [{ ...good, manifest: [] }, /manifest: expected a mapping/],
      [{ ...good, manifest: { ...good.manifest, mounts: { "/x": "disk" } } }, /manifest\.mounts\./],
      [{ ...good, trial: { ...good.trial, task: "../../etc" } }, /trial\.task: expected a name/],
      [{ ...good, trial: { ...good.trial, agent: "." } }, /trial\.agent/],
      [{ ...good, trial: { ...good.trial, repeat: 0 } }, /trial\.repeat/],
      [
        { ...good, trial: { ...good.trial, id: "other/ok/1" } },
        /trial\.id: expected "answer\/ok\/1"/,
      ],
      [{ ...good, checker: { module: 7 } }, /checker\.module/],
    ];
    for (const [data, reason] of cases) {
      const why = await refusal(data, store);
      assert.match(why, reason, why);
    }
    const ready = await readWorkerJob(good, store, DEFAULT_WORKER_POLICY);
    assert.equal(ready.type, "trial");
    assert.equal(ready.manifest.limits.diskMb, DEFAULT_WORKER_POLICY.limits.diskMb);
  });
});

Deno.test("a job's paths must lie in the store's inputs: absolute, .., symlinks are refused", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    const good = await trialJob(store);
    const program = good.manifest.program as { module: string };
    const withProgram = (module: string) => ({
      ...good,
      manifest: { ...good.manifest, program: { ...program, module } },
    });
    assert.match(
      await refusal(withProgram(`${fixtures}agent_ok.ts`), store),
      /manifest\.program\.module: .* leads outside the store's inputs/,
    );
    assert.match(
      await refusal(withProgram("inputs/../../../etc/passwd"), store),
      /manifest\.program\.module: .*leads outside|does not exist/,
    );
    const workspace = (path: string) => ({
      ...good,
      manifest: {
        ...good.manifest,
        mounts: { "/task": "task", "/w": { type: "workspace", path, mode: "ro" } },
      },
    });
    assert.match(await refusal(workspace("/etc"), store), /mounts\.\/w\.path: \/etc leads outside/);
    assert.match(await refusal(workspace(".."), store), /mounts\.\/w\.path: .* leads outside/);
    // A symlink planted in the store (not by staging, which refuses them).
    await Deno.symlink("/etc", `${store.inputs}/planted`);
    assert.match(await refusal(workspace("inputs/planted"), store), /leads outside .*\(\/etc\)/);
    const rw = await refusal(
      {
        ...good,
        manifest: {
          ...good.manifest,
          mounts: { "/task": "task", "/w": { type: "workspace", path: "inputs", mode: "rw" } },
        },
      },
      store,
    );
    assert.match(rw, /never rw/);
    assert.match(rw, /inputs leads outside the store's inputs/);
  });
});

Deno.test("on a worker, a malformed or over-asking job fails alone; the others run", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    const queue = new MemoryQueue<JsonValue, JsonValue>();
    const good = await trialJob(store);
    const greedy = {
      ...good,
      manifest: { ...good.manifest, limits: { timeout: 7200 } },
    } as unknown as JsonValue;
    const ids = {
      malformed: await queue.enqueue({ oanix: 1, type: "trial", manifest: "rm -rf /" }, {
        attempts: 3,
      }),
      greedy: await queue.enqueue(greedy, { attempts: 3 }),
      good: await queue.enqueue(good as unknown as JsonValue, { attempts: 3 }),
    };
    const events: WorkerEvent[] = [];
    const stop = new AbortController();
    const worker = runQueueWorker({
      queue,
      queueName: "q",
      store,
      signal: stop.signal,
      onEvent: (e) => events.push(e),
    });
    try {
      await eventually(
        async () => (await queue.job(ids.good))?.state === "completed",
        "the good job",
        60_000,
      );
    } finally {
      stop.abort();
    }
    const summary = await worker;
    await queue.close();
    assert.deepEqual(summary, { done: 1, refused: 2, failed: 0, released: 0, lost: 0 });
    const malformed = await queue.job(ids.malformed);
    assert.equal(malformed?.state, "failed");
    assert.equal(malformed?.attemptsMade, 1, "refused once, never retried");
    assert.match(
      malformed?.reason ?? "",
      /^the worker refused the job: manifest: expected a mapping/,
    );
    assert.match(
      (await queue.job(ids.greedy))?.reason ?? "",
      /manifest\.limits\.timeout: 7200 s is more than this worker allows \(3600 s\)/,
    );
    const result = (await queue.job(ids.good))?.result as unknown as WorkerJobResult;
    assert.equal(result.type, "trial");
    assert.equal(result.type === "trial" && result.result.pass, true);
    assert.equal(result.output, `outputs/q/${ids.good}/trials/answer/ok/1`);
    const verdict = JSON.parse(
      await Deno.readTextFile(`${store.root}/${result.output}/verdict.json`),
    );
    assert.equal(verdict.verdict.details, "said 42");
    assert.deepEqual(
      events.filter((e) => e.type !== "took").map((e) => [e.type, e.jobId]),
      [["refused", ids.malformed], ["refused", ids.greedy], ["done", ids.good]],
    );
  });
});

Deno.test("a stopped worker gives its running job back at once, with no attempt counted", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    const queue = new MemoryQueue<JsonValue, JsonValue>();
    const id = await queue.enqueue(await trialJob(store, "agent_nap.ts") as unknown as JsonValue);
    const stop = new AbortController();
    const events: WorkerEvent[] = [];
    const worker = runQueueWorker({
      queue,
      queueName: "q",
      store,
      signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "took") setTimeout(() => stop.abort(), 300);
      },
    });
    assert.equal((await worker).released, 1);
    const job = await queue.job(id);
    assert.deepEqual([job?.state, job?.attemptsMade], ["waiting", 0]);
    await queue.close();
  });
});
