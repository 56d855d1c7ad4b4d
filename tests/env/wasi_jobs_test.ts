import assert from "@std/assert";
import {
  EnvBuilder,
  JobKind,
  JobSpec,
  MapFs,
  MemFs,
  readText,
  Scheduler,
  wasiJobRunner,
  WasiRuntime,
} from "../../mod.ts";

const HELLO = new URL("../../examples/hello-wasi/hello.wasm", import.meta.url);

function helloEnv() {
  return new EnvBuilder()
    .mount("/workspace", MapFs.fromObject({ "/hello.txt": "Hello from the namespace!\n" }))
    .mount("/tmp", new MemFs())
    .build();
}

Deno.test("env.runWasi runs a command module against the environment's namespace", async () => {
  const env = helloEnv();
  const result = await env.runWasi(await Deno.readFile(HELLO), { args: ["hello", "one"] });
  assert.equal(result.exitCode, 0, result.stderrText);
  assert.match(result.stdoutText, /Hello from the namespace!/);
  assert.ok(readText(env.namespace, "/tmp/output.txt").length > 0);
  assert.ok(readText(env.namespace, "/tmp/test-dir/nested.txt").length > 0);
});

Deno.test("the Scheduler runs wasi jobs through the WASI runtime by default", async () => {
  const scheduler = new Scheduler({ maxConcurrent: 2 });
  const envs = [helloEnv(), helloEnv(), helloEnv()];
  const ids = envs.map((env) =>
    scheduler.submit(new JobSpec(scheduler.registerEnv(env), JobKind.wasi(HELLO, ["x"])))
  );
  await scheduler.run();
  for (const [i, id] of ids.entries()) {
    const r = scheduler.result(id)!;
    assert.equal(r.state, "completed", r.error);
    assert.equal(r.exitCode, 0);
    assert.match(readText(envs[i].namespace, "/tmp/output.txt"), /./);
  }
});

Deno.test("wasi jobs share one compiled module per runtime", async () => {
  const runtime = new WasiRuntime();
  const scheduler = new Scheduler({ wasiRunner: wasiJobRunner(runtime) });
  const bytes = await Deno.readFile(HELLO);
  const id = scheduler.submit(new JobSpec(scheduler.registerEnv(helloEnv()), JobKind.wasi(bytes)));
  await scheduler.run();
  assert.equal(scheduler.result(id)!.state, "completed");
  assert.equal(await runtime.compile(bytes), await runtime.compile(bytes));
});

Deno.test("a wasi job whose module is missing fails with the reason", async () => {
  const scheduler = new Scheduler();
  const id = scheduler.submit(
    new JobSpec(scheduler.registerEnv(helloEnv()), JobKind.wasi("/nonexistent/agent.wasm")),
  );
  await scheduler.run();
  const r = scheduler.result(id)!;
  assert.equal(r.state, "failed");
  assert.match(r.error!, /nonexistent\/agent\.wasm/);
});
