/**
 * Host script jobs (JobKind.hostScript): `sh -c` in a host subprocess,
 * outside every wall, so only with `allowScripts: true`.
 */
import assert from "@std/assert";
import {
  CowFs,
  EnvBuilder,
  JobKind,
  JobSpec,
  LogsFs,
  MemFs,
  Scheduler,
  WorkspaceFs,
} from "../../mod.ts";

function hostScriptEnv(workspace: "rw" | "ro" | "cow" | "none" | "mem") {
  const dir = Deno.makeTempDirSync({ prefix: "oanix_script_" });
  const logs = new LogsFs();
  const b = new EnvBuilder().mount("/logs", logs);
  if (workspace === "rw") b.mount("/workspace", new WorkspaceFs(dir));
  if (workspace === "ro") b.mount("/workspace", WorkspaceFs.readonly(dir));
  if (workspace === "cow") {
    b.mount("/workspace", new CowFs(WorkspaceFs.readonly(dir)));
  }
  if (workspace === "mem") b.mount("/workspace", new MemFs());
  const env = b.build();
  return {
    dir,
    logs,
    env,
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

function setup(
  allowScripts: boolean,
  env: ReturnType<typeof hostScriptEnv>["env"],
) {
  const scheduler = new Scheduler({ maxConcurrent: 2, allowScripts });
  return { scheduler, envId: scheduler.registerEnv(env) };
}

Deno.test("run(): host script jobs are refused unless allowScripts is set", async () => {
  using s = hostScriptEnv("rw");
  const { scheduler, envId } = setup(false, s.env);
  const id = scheduler.submit(
    new JobSpec(envId, JobKind.hostScript("touch made")),
  );
  await scheduler.run();
  assert.match(
    scheduler.result(id)!.error!,
    /host script jobs are disabled: create the Scheduler with \{ allowScripts: true \}/,
  );
  assert.deepEqual([...Deno.readDirSync(s.dir)], []);
});

Deno.test("run(): a host script runs with sh -c in the workspace root, output to /logs", async () => {
  using s = hostScriptEnv("rw");
  const { scheduler, envId } = setup(true, s.env);
  const id = scheduler.submit(
    new JobSpec(
      envId,
      JobKind.hostScript(
        'pwd > where.txt; echo "$GREETING"; echo oops >&2; exit 3',
      ),
    )
      .env("GREETING", "hello"),
  );
  await scheduler.run();
  const r = scheduler.result(id)!;
  assert.deepEqual([r.state, r.exitCode], ["completed", 3]);
  assert.equal(
    Deno.readTextFileSync(`${s.dir}/where.txt`).trim(),
    Deno.realPathSync(s.dir),
  );
  assert.equal(s.logs.stdout(), "hello\n");
  assert.equal(s.logs.stderr(), "oops\n");
});

Deno.test("run(): a host script's environment holds only PATH and the job's variables", async () => {
  using s = hostScriptEnv("rw");
  const { scheduler, envId } = setup(true, s.env);
  scheduler.submit(
    new JobSpec(envId, JobKind.hostScript("env | cut -d= -f1 | sort")).env(
      "ONLY",
      "1",
    ),
  );
  await scheduler.run();
  const names = s.logs.stdout().trim().split("\n").filter((n) =>
    !["PWD", "SHLVL", "_"].includes(n)
  );
  assert.deepEqual(names, ["ONLY", "PATH"]);
});

for (
  const [kind, words] of [
    ["none", "nothing is mounted there"],
    ["ro", "it is read-only"],
    ["cow", "found a cow service"],
    ["mem", "found a mem service"],
  ] as const
) {
  Deno.test(`run(): a host script job without a read-write WorkspaceFs is refused (${kind})`, async () => {
    using s = hostScriptEnv(kind);
    const { scheduler, envId } = setup(true, s.env);
    const id = scheduler.submit(
      new JobSpec(envId, JobKind.hostScript("touch made")),
    );
    await scheduler.run();
    const r = scheduler.result(id)!;
    assert.equal(r.state, "failed");
    assert.match(
      r.error!,
      new RegExp(
        `host script jobs need a read-write WorkspaceFs mounted at /workspace \\(${words}\\)`,
      ),
    );
    assert.deepEqual([...Deno.readDirSync(s.dir)], []);
  });
}

/** True when no live (non-zombie) process is left in process group `pgid` (asks `ps`). */
async function groupIsGone(pgid: number): Promise<boolean> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pgid=,stat="] })
    .output();
  return !new TextDecoder().decode(out.stdout).split("\n").some((line) => {
    const [group, state] = line.trim().split(/\s+/);
    return Number(group) === pgid && !state.startsWith("Z");
  });
}

Deno.test("run(): a timed-out host script is killed with its whole process group", async () => {
  using s = hostScriptEnv("rw");
  const { scheduler, envId } = setup(true, s.env);
  const id = scheduler.submit(
    new JobSpec(envId, JobKind.hostScript("echo $$ > pid; sleep 30 & sleep 30"))
      .withTimeout(0.3),
  );
  const t0 = Date.now();
  await scheduler.run();
  assert.ok(Date.now() - t0 < 5_000, "the script was not left running");
  const r = scheduler.result(id)!;
  assert.deepEqual([r.state, r.timedOut], ["failed", true]);
  const pgid = Number(Deno.readTextFileSync(`${s.dir}/pid`));
  assert.ok(pgid > 1, `a real process group id (${pgid})`);
  assert.ok(await groupIsGone(pgid), "the background sleep was killed too");
});

Deno.test("run(): cancelling a running host script kills it", async () => {
  using s = hostScriptEnv("rw");
  const { scheduler, envId } = setup(true, s.env);
  const id = scheduler.submit(
    new JobSpec(envId, JobKind.hostScript("echo started; exec sleep 30")),
  );
  const ready = new Promise<void>((resolve) => {
    const stop = s.logs.subscribe((r) => {
      if (r.stream === "stdout") {
        stop();
        resolve();
      }
    });
  });
  const done = scheduler.run();
  await ready;
  scheduler.cancel(id);
  await done;
  assert.equal(scheduler.result(id)?.state, "cancelled");
});
