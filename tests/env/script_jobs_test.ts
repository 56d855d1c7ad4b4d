/**
 * Script jobs (JobKind.script): bash inside the job's namespace, through
 * the shell. No permission needed; the host is out of reach.
 */
import assert from "@std/assert";
import {
  CowFs,
  EnvBuilder,
  JobKind,
  JobSpec,
  LogsFs,
  MapFs,
  MemFs,
  readText,
  Scheduler,
  type SchedulerOptions,
  WorkspaceFs,
} from "../../mod.ts";

function setup(opts: SchedulerOptions = {}) {
  const logs = new LogsFs();
  const overlay = new CowFs(MapFs.fromObject({ "/todo.txt": "b\na\n" }));
  const env = new EnvBuilder()
    .mount("/workspace", overlay)
    .mount("/tmp", new MemFs())
    .mount("/logs", logs)
    .build();
  const scheduler = new Scheduler({ maxConcurrent: 2, ...opts });
  const envId = scheduler.registerEnv(env);
  const script = (command: string) => new JobSpec(envId, JobKind.script(command));
  return { scheduler, envId, env, logs, overlay, script };
}

Deno.test("run(): a script job runs in its namespace without allowScripts, output to /logs", async () => {
  const { scheduler, env, logs, overlay, script } = setup();
  const id = scheduler.submit(
    script(
      'sort todo.txt > sorted.txt; echo "$GREETING from $(pwd)"; echo oops >&2; exit 3',
    )
      .env("GREETING", "hello"),
  );
  await scheduler.run();
  const r = scheduler.result(id)!;
  assert.deepEqual([r.state, r.exitCode], ["completed", 3]);
  assert.equal(logs.stdout(), "hello from /workspace\n");
  assert.equal(logs.stderr(), "oops\n");
  assert.equal(readText(env.namespace, "/workspace/sorted.txt"), "a\nb\n");
  assert.deepEqual(overlay.diff().map((c) => `${c.change} ${c.path}`), [
    "added /sorted.txt",
  ]);
});

Deno.test("run(): a script job reaches disk only through a WorkspaceFs, and no further", async () => {
  const dir = await Deno.makeTempDir({ prefix: "oanix_script_job_" });
  try {
    const logs = new LogsFs();
    const env = new EnvBuilder()
      .mount("/workspace", new WorkspaceFs(dir))
      .mount("/logs", logs)
      .build();
    const scheduler = new Scheduler();
    const envId = scheduler.registerEnv(env);
    const id = scheduler.submit(
      new JobSpec(
        envId,
        JobKind.script(
          "echo made > inside.txt; cat /etc/hostname; cd ../..; ls",
        ),
      ),
    );
    await scheduler.run();
    assert.equal(scheduler.result(id)?.state, "completed");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "inside.txt",
    ]);
    assert.equal(Deno.readTextFileSync(`${dir}/inside.txt`), "made\n");
    assert.equal(logs.stdout(), "logs\nworkspace\n");
    assert.match(
      logs.stderr(),
      /cat: \/etc\/hostname: No such file or directory/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run(): scriptLimits bound every script job", async () => {
  const { scheduler, logs, script } = setup({
    scriptLimits: { maxLoopIterations: 10 },
  });
  const id = scheduler.submit(
    script("for i in $(seq 1 100); do :; done; echo done"),
  );
  await scheduler.run();
  const r = scheduler.result(id)!;
  assert.deepEqual([r.state, r.exitCode], ["completed", 126]);
  assert.match(
    logs.stderr(),
    /iteration limit exceeded \(10\)|too many iterations/,
  );
  assert.equal(logs.stdout(), "");
});

Deno.test("run(): a script job's own timeout fails it as timed out, even while it waits", async () => {
  const { scheduler, script } = setup();
  const id = scheduler.submit(script("sleep 30").withTimeout(0.1));
  const t0 = Date.now();
  await scheduler.run();
  assert.ok(Date.now() - t0 < 5_000, "the script did not run on");
  const r = scheduler.result(id)!;
  assert.deepEqual([r.state, r.timedOut], ["failed", true]);
});

Deno.test("run(): cancelling a running script job stops it", async () => {
  const { scheduler, logs, script } = setup();
  const id = scheduler.submit(script("echo started\nsleep 30\necho never"));
  const started = new Promise<void>((resolve) => {
    const stop = logs.subscribe((rec) => {
      if (rec.stream === "stdout") {
        stop();
        resolve();
      }
    });
  });
  const done = scheduler.run();
  await started;
  assert.equal(scheduler.cancel(id), true);
  await done;
  assert.equal(scheduler.result(id)?.state, "cancelled");
  assert.equal(logs.stdout(), "started\n");
});

Deno.test("Scheduler: bad scriptLimits are a TypeError naming them", () => {
  assert.throws(
    () => new Scheduler({ scriptLimits: { timeoutMs: -5 } }),
    TypeError,
    "Scheduler: scriptLimits: timeoutMs must be a positive integer, got -5",
  );
  assert.throws(
    () => new Scheduler({ scriptLimits: { maxProcesses: 1 } as never }),
    TypeError,
    'Scheduler: scriptLimits: unknown field "maxProcesses"',
  );
});
