/**
 * `oanix worker` from the package as a user installs it (the published
 * files served over HTTP, run by URL from a folder of the user's own with
 * no deno.json of ours): BullMQ and ioredis are not in the package's lock,
 * and load on first use through their full npm: specifiers.
 */
import assert from "@std/assert";
import type { JsonValue } from "../../src/services/json_value.ts";
import { openQueue } from "../../src/env/queue/queue_url.ts";
import { validateManifest } from "../../src/sandbox/manifest/manifest.ts";
import { InputStager } from "../../src/sandbox/worker/stage_inputs.ts";
import { Store } from "../../src/sandbox/worker/store.ts";
import type { WorkerJobResult } from "../../src/sandbox/worker/worker_job.ts";
import { publishedFiles, servePackage } from "../helpers/package_server.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { eventually } from "../queue/queue_contract.ts";
import { redisTest, startRedis } from "../queue/redis_server.ts";

const helloWasm = new URL("../../examples/hello-wasi/hello.wasm", import.meta.url).pathname;

redisTest(
  "an installed package's oanix worker loads BullMQ on first use and runs a job",
  async () => {
    const redis = await startRedis();
    const server = servePackage(await publishedFiles());
    let worker: Deno.ChildProcess | undefined;
    try {
      await withTempDir(async (dir) => {
        await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: {} }));
        await Deno.mkdir(`${dir}/program`);
        await Deno.copyFile(helloWasm, `${dir}/program/hello.wasm`);
        const url = redis.url("installed");
        worker = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", `${server.url}cli.ts`, "worker", "--queue", url, "--store", "store"],
          cwd: dir,
          env: { NO_COLOR: "1" },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const store = await Store.open(`${dir}/store`);
        const manifest = validateManifest(
          { mounts: { "/tmp": "mem" }, program: { wasi: "./program/hello.wasm" } },
          dir,
        );
        const queue = await openQueue(url);
        const id = await queue.enqueue({
          oanix: 1,
          type: "run",
          manifest: await new InputStager(store).manifest(manifest) as { [k: string]: JsonValue },
        }, { id: "hello-1" });
        try {
          await eventually(
            async () => (await queue.job(id))?.state === "completed",
            "the run",
            120_000,
          );
          const result = (await queue.job(id))!.result as unknown as WorkerJobResult;
          assert.equal(result.type, "run");
          assert.equal(result.type === "run" && result.outcome, "completed");
          assert.equal(result.output, "outputs/installed/hello-1");
          assert.match(
            await Deno.readTextFile(`${store.root}/${result.output}/logs/stdout.log`),
            /hello/i,
          );
        } finally {
          await queue.close();
        }
      });
    } finally {
      if (worker) {
        try {
          worker.kill("SIGTERM");
        } catch { /* it ended by itself: its stderr says why */ }
        const out = await worker.output();
        const err = new TextDecoder().decode(out.stderr);
        assert.match(err, /worker stopped: 1 done/, err);
      }
      await server.close();
      await redis.stop();
    }
  },
);
