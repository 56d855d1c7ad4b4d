import assert from "@std/assert";
import {
  EnvBuilder,
  FsError,
  IllegalTransitionError,
  LogsFs,
  MemFs,
  type OanixEnv,
  readJson,
  TaskFs,
} from "../../mod.ts";
import { thrown } from "../services/throws.ts";

const newTask = () => new TaskFs({ id: "t1", type: "demo", description: "", input: null });

function envWithTask(): { env: OanixEnv; task: TaskFs } {
  const task = newTask();
  return { env: new EnvBuilder().mount("/task", task).mount("/tmp", new MemFs()).build(), task };
}

Deno.test("EnvBuilder builds an environment with an id, its namespace, and status created", () => {
  const before = Date.now();
  const tmp = new MemFs();
  const env = new EnvBuilder().mount("/tmp", tmp).build();
  assert.match(env.id, /^[0-9a-f-]{36}$/);
  assert.equal(env.namespace.resolve("/tmp/x")?.service, tmp);
  assert.deepEqual(env.status(), { state: "created" });
  assert.ok(env.createdAt >= before && env.createdAt <= Date.now());
  assert.notEqual(new EnvBuilder().build().id, new EnvBuilder().build().id);
  assert.equal(new EnvBuilder().withId("env-7").build().id, "env-7");
});

Deno.test("EnvBuilder refuses bad input and a second build", () => {
  assert.throws(() => new EnvBuilder().withId(""), TypeError, "id must be a non-empty string");
  assert.throws(() => new EnvBuilder().withId(3 as unknown as string), TypeError, "got a number");
  const dup = thrown(
    () => new EnvBuilder().mount("/tmp", new MemFs()).mount("/tmp", new MemFs()),
    FsError,
  );
  assert.equal(dup.code, "EEXIST");
  assert.throws(
    () => new EnvBuilder().mount("/x", {} as never),
    TypeError,
    "expected a FileService",
  );
  const b = new EnvBuilder();
  b.build();
  assert.throws(() => b.build(), Error, "already built");
  assert.throws(() => b.mount("/tmp", new MemFs()), Error, "already built");
});

Deno.test("OanixEnv: created → running → completed(exit code)", () => {
  const env = new EnvBuilder().build();
  env.setRunning();
  assert.equal(env.isRunning(), true);
  const running = env.status();
  assert.equal(running.state, "running");
  env.setCompleted(3);
  const s = env.status();
  assert.equal(s.state, "completed");
  if (s.state === "completed") {
    assert.equal(s.exitCode, 3);
    assert.ok(s.finishedAt >= s.startedAt);
  }
  assert.equal(env.isFinished(), true);
  assert.equal(env.isRunning(), false);
});

Deno.test("OanixEnv: created → running → failed(error)", () => {
  const env = new EnvBuilder().build();
  env.setRunning();
  env.setFailed("out of memory");
  const s = env.status();
  assert.equal(s.state, "failed");
  if (s.state === "failed") assert.equal(s.error, "out of memory");
  assert.equal(env.isFinished(), true);
});

const ILLEGAL: Array<[string, string, (e: OanixEnv) => void, string]> = [
  ["created → completed", "created", (e) => e.setCompleted(0), "completed"],
  ["created → failed", "created", (e) => e.setFailed("x"), "failed"],
  ["running → running", "running", (e) => e.setRunning(), "running"],
  ["completed → running", "completed", (e) => e.setRunning(), "running"],
  ["completed → completed", "completed", (e) => e.setCompleted(0), "completed"],
  ["completed → failed", "completed", (e) => e.setFailed("x"), "failed"],
  ["failed → running", "failed", (e) => e.setRunning(), "running"],
  ["failed → completed", "failed", (e) => e.setCompleted(1), "completed"],
  ["failed → failed", "failed", (e) => e.setFailed("x"), "failed"],
];

function envIn(state: string): { env: OanixEnv; task: TaskFs } {
  const made = envWithTask();
  if (state !== "created") made.env.setRunning();
  if (state === "completed") made.env.setCompleted(0);
  if (state === "failed") made.env.setFailed("earlier");
  return made;
}

for (const [name, from, move, to] of ILLEGAL) {
  Deno.test(`OanixEnv: the illegal move ${name} throws and changes neither env nor task`, () => {
    const { env, task } = envIn(from);
    const envBefore = env.status();
    const taskBefore = task.status();
    const e = thrown(() => move(env), IllegalTransitionError);
    assert.equal(e.from, from);
    assert.equal(e.to, to);
    assert.match(e.message, new RegExp(`environment ${env.id}: cannot go from ${from} to ${to}`));
    assert.deepEqual(env.status(), envBefore);
    assert.deepEqual(task.status(), taskBefore);
  });
}

Deno.test("OanixEnv: bad exit codes and errors are TypeErrors that change nothing", () => {
  const { env, task } = envIn("running");
  for (const code of [1.5, NaN, "0", undefined]) {
    assert.throws(() => env.setCompleted(code as number), TypeError, "exitCode must be an integer");
  }
  assert.throws(() => env.setFailed({} as unknown as string), TypeError, "error must be a string");
  assert.equal(env.status().state, "running");
  assert.equal(task.status().status, "running");
});

Deno.test("OanixEnv: the task at /task follows the environment", () => {
  const { env, task } = envWithTask();
  env.setRunning();
  assert.equal(task.status().status, "running");
  assert.equal((readJson(env.namespace, "/task/status") as { status: string }).status, "running");
  env.setCompleted(0);
  assert.equal(task.status().status, "completed");
});

Deno.test("OanixEnv: a non-zero exit code fails the task, naming the code", () => {
  const { env, task } = envIn("running");
  env.setCompleted(2);
  assert.deepEqual({ ...task.status(), finished_at: 0 }, {
    status: "failed",
    finished_at: 0,
    error: "exited with code 2",
  });
});

Deno.test("OanixEnv: setFailed fails the task with the same error", () => {
  const { env, task } = envIn("running");
  env.setFailed("agent crashed");
  const s = task.status();
  assert.equal(s.status, "failed");
  if (s.status === "failed") assert.equal(s.error, "agent crashed");
});

Deno.test("OanixEnv: a task already in the target state is left alone", () => {
  const { env, task } = envWithTask();
  task.setRunning();
  env.setRunning();
  task.setCompleted();
  env.setCompleted(0);
  assert.equal(task.status().status, "completed");
  assert.equal(env.status().state, "completed");
});

Deno.test("OanixEnv: a task in a conflicting state makes the move throw, changing nothing", () => {
  const { env, task } = envIn("running");
  task.setCompleted();
  const e = thrown(() => env.setFailed("late"), IllegalTransitionError);
  assert.match(e.message, /task t1: cannot go from completed to failed/);
  assert.equal(env.status().state, "running");
  assert.throws(() => env.setCompleted(1), IllegalTransitionError);
  env.setCompleted(0);
  assert.equal(env.status().state, "completed");

  const other = envWithTask();
  other.task.setRunning();
  other.task.setFailed("by hand");
  assert.throws(
    () => other.env.setRunning(),
    IllegalTransitionError,
    "task t1: cannot go from failed to running",
  );
  assert.equal(other.env.status().state, "created");
});

Deno.test("OanixEnv: only a TaskFs mounted exactly at /task is driven", () => {
  const task = newTask();
  const env = new EnvBuilder().mount("/jobs/task", task).build();
  env.setRunning();
  assert.equal(env.task(), undefined);
  assert.equal(task.status().status, "pending");
});

Deno.test("OanixEnv: task(), logs() and mounted() find the mounted services", () => {
  const logs = new LogsFs();
  const { env, task } = (() => {
    const task = newTask();
    return { env: new EnvBuilder().mount("/task", task).mount("/logs", logs).build(), task };
  })();
  assert.equal(env.task(), task);
  assert.equal(env.logs(), logs);
  assert.equal(env.mounted("/logs"), logs);
  assert.equal(env.mounted("/logs/stdout.log"), undefined);
  assert.equal(new EnvBuilder().build().logs(), undefined);
});

Deno.test("OanixEnv: statusInfo reports id, state, times, duration and mounts", () => {
  const { env } = envWithTask();
  const created = env.statusInfo();
  assert.deepEqual(created, {
    id: env.id,
    state: "created",
    createdAt: env.createdAt,
    mounts: ["/task", "/tmp"],
  });
  env.setRunning();
  const running = env.statusInfo();
  assert.equal(running.state, "running");
  assert.equal(typeof running.startedAt, "number");
  assert.ok(running.durationMs! >= 0);
  env.setCompleted(0);
  const done = env.statusInfo();
  assert.equal(done.exitCode, 0);
  assert.equal(done.durationMs, done.finishedAt! - done.startedAt!);
  const failed = envIn("failed").env.statusInfo();
  assert.equal(failed.error, "earlier");
});

Deno.test("OanixEnv: describe() is the namespace description plus id and status, as plain data", () => {
  const { env } = envWithTask();
  env.setRunning();
  const d = env.describe();
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.equal(d.id, env.id);
  assert.equal(d.createdAt, env.createdAt);
  assert.equal(d.status.state, "running");
  assert.deepEqual(d.mounts, [
    { path: "/task", kind: "task", task_id: "t1", task_type: "demo", status: "running" },
    { path: "/tmp", kind: "mem" },
  ]);
});
