import assert from "@std/assert";
import {
  FsError,
  IllegalTransitionError,
  Namespace,
  readJson,
  readText,
  TaskFs,
  type TaskSpec,
  writeText,
} from "../../mod.ts";
import { assertFsError } from "../fs/writable_contract.ts";
import { thrown } from "./throws.ts";

const SPEC: TaskSpec = {
  id: "review-001",
  type: "code-review",
  description: "Review the authentication module",
  input: { files: ["src/auth.rs"] },
};

const newTask = () => new TaskFs(SPEC, { tags: ["auth"], timeout_secs: 300 });

/** Every file's stat size equals the bytes open serves. */
function assertSizesMatch(task: TaskFs): void {
  for (const { name } of task.readdir("/")) {
    const path = `/${name}`;
    assert.equal(task.stat(path).size, new TextEncoder().encode(readText(task, path)).length, path);
  }
}

Deno.test("TaskFs: lists spec.json, meta.json and status; result.json once it exists", () => {
  const task = newTask();
  assert.deepEqual(task.readdir("/").map((e) => e.name), ["meta.json", "spec.json", "status"]);
  writeText(task, "/result.json", "{}");
  assert.deepEqual(task.readdir("/").map((e) => e.name), [
    "meta.json",
    "result.json",
    "spec.json",
    "status",
  ]);
  assert.equal(task.kind, "task");
});

Deno.test("TaskFs: /spec.json serves the spec with the seed's task_type as type", () => {
  assert.deepEqual(readJson(newTask(), "/spec.json"), SPEC);
});

Deno.test("TaskFs: /meta.json serves the metadata with defaults filled in", () => {
  const before = Date.now();
  const meta = readJson(new TaskFs(SPEC), "/meta.json") as Record<string, unknown>;
  assert.deepEqual(meta.tags, []);
  assert.equal(meta.timeout_secs, null);
  assert.deepEqual(meta.extra, {});
  assert.ok((meta.created_at as number) >= before - 1 && (meta.created_at as number) <= Date.now());
  const task = newTask();
  assert.deepEqual(readJson(task, "/meta.json"), { ...task.meta });
  assert.deepEqual(task.meta.tags, ["auth"]);
});

Deno.test("TaskFs: /status follows the lifecycle in the documented JSON shapes", () => {
  const task = newTask();
  assert.deepEqual(readJson(task, "/status"), { status: "pending" });
  assert.equal(readText(task, "/status"), '{"status":"pending"}');
  task.setRunning();
  const running = readJson(task, "/status") as Record<string, unknown>;
  assert.deepEqual(Object.keys(running), ["status", "started_at"]);
  assert.equal(running.status, "running");
  assert.equal(typeof running.started_at, "number");
  task.setCompleted();
  const done = readJson(task, "/status") as Record<string, unknown>;
  assert.deepEqual(Object.keys(done), ["status", "finished_at"]);
  assert.equal(done.status, "completed");
  assert.deepEqual(task.status(), done);

  const failing = newTask();
  failing.setRunning();
  failing.setFailed("compiler crashed");
  const failed = readJson(failing, "/status") as Record<string, unknown>;
  assert.deepEqual(Object.keys(failed), ["status", "finished_at", "error"]);
  assert.equal(failed.error, "compiler crashed");
});

Deno.test("TaskFs: isFinished is true only when completed or failed", () => {
  const task = newTask();
  assert.equal(task.isFinished(), false);
  task.setRunning();
  assert.equal(task.isFinished(), false);
  task.setFailed("x");
  assert.equal(task.isFinished(), true);
});

Deno.test("TaskFs: stat sizes match what open serves, in every state", () => {
  const task = newTask();
  assertSizesMatch(task);
  task.setRunning();
  writeText(task, "/result.json", '{"ok":true}');
  assertSizesMatch(task);
  task.setFailed("a reason with ünïcödé");
  assertSizesMatch(task);
});

const ILLEGAL: Array<[string, (t: TaskFs) => void, string, string]> = [
  ["pending → completed", (t) => t.setCompleted(), "pending", "completed"],
  ["pending → failed", (t) => t.setFailed("x"), "pending", "failed"],
  ["running → running", (t) => t.setRunning(), "running", "running"],
  ["completed → running", (t) => t.setRunning(), "completed", "running"],
  ["completed → completed", (t) => t.setCompleted(), "completed", "completed"],
  ["completed → failed", (t) => t.setFailed("x"), "completed", "failed"],
  ["failed → running", (t) => t.setRunning(), "failed", "running"],
  ["failed → completed", (t) => t.setCompleted(), "failed", "completed"],
  ["failed → failed", (t) => t.setFailed("x"), "failed", "failed"],
];

function taskIn(state: string): TaskFs {
  const t = newTask();
  if (state !== "pending") t.setRunning();
  if (state === "completed") t.setCompleted();
  if (state === "failed") t.setFailed("earlier");
  return t;
}

for (const [name, move, from, to] of ILLEGAL) {
  Deno.test(`TaskFs: the illegal move ${name} throws and leaves the status alone`, () => {
    const task = taskIn(from);
    const before = readText(task, "/status");
    const e = thrown(() => move(task), IllegalTransitionError);
    assert.equal(e.from, from);
    assert.equal(e.to, to);
    assert.match(e.message, new RegExp(`task review-001: cannot go from ${from} to ${to}`));
    assert.equal(readText(task, "/status"), before);
  });
}

Deno.test("TaskFs: setFailed refuses a non-string reason and changes nothing", () => {
  const task = taskIn("running");
  assert.throws(() => task.setFailed(42 as unknown as string), TypeError);
  assert.equal(task.status().status, "running");
});

Deno.test("TaskFs: writing spec.json, meta.json or status is EROFS", () => {
  const task = newTask();
  for (const path of ["/spec.json", "/meta.json", "/status"]) {
    assertFsError(() => task.open(path, { write: true }), "EROFS", path);
    assertFsError(() => task.open(path, { append: true }), "EROFS", path);
    assertFsError(() => task.open(path, { write: true, truncate: true }), "EROFS", path);
    assertFsError(() => writeText(task, path, "{}"), "EROFS", path);
    assertFsError(() => task.open(path, { create: true, exclusive: true, write: true }), "EEXIST");
    assertFsError(() => task.remove(path), "EROFS");
    assertFsError(() => task.rename(path, "/x"), "EROFS");
    assert.equal(task.stat(path).readOnly, true);
  }
  assert.deepEqual(readJson(task, "/spec.json"), SPEC);
});

Deno.test("TaskFs: a read-only handle cannot write (EBADF)", () => {
  const h = newTask().open("/spec.json");
  assertFsError(() => h.write(new Uint8Array(1)), "EBADF");
  h.close();
});

Deno.test("TaskFs: paths that are not files are refused with the right code", () => {
  const task = newTask();
  assertFsError(() => task.open("/"), "EISDIR");
  assertFsError(() => task.open("/spec.json", { directory: true }), "ENOTDIR");
  assertFsError(() => task.open("/nope"), "ENOENT");
  assertFsError(() => task.open("/spec.json/x"), "ENOTDIR");
  assertFsError(() => task.stat("/a/b"), "ENOENT");
  assertFsError(() => task.readdir("/status"), "ENOTDIR");
  assertFsError(() => task.readdir("/nope"), "ENOENT");
  assertFsError(() => task.mkdir("/d"), "EROFS");
  assertFsError(() => task.mkdir("/spec.json"), "EEXIST");
  assertFsError(() => task.mkdir("/"), "EEXIST");
  assertFsError(() => task.remove("/"), "EBUSY");
  assertFsError(() => task.open("relative"), "EINVAL");
  assert.equal(task.stat("/").kind, "dir");
});

Deno.test("TaskFs: result.json is created by the agent and read back by the host", () => {
  const task = taskIn("running");
  assert.equal(task.result(), undefined);
  assert.equal(task.hasResult(), false);
  assertFsError(() => task.open("/result.json"), "ENOENT");
  writeText(task, "/result.json", '{"issues": [1, 2]}');
  assert.deepEqual(task.result(), { issues: [1, 2] });
  assert.equal(new TextDecoder().decode(task.resultBytes()), '{"issues": [1, 2]}');
  assertFsError(
    () => task.open("/result.json", { write: true, create: true, exclusive: true }),
    "EEXIST",
  );
  writeText(task, "/result.json", "[]");
  assert.deepEqual(task.result(), []);
});

Deno.test("TaskFs: a malformed result.json is stored as written; result() names it", () => {
  const task = taskIn("running");
  writeText(task, "/result.json", "{not json");
  assert.equal(readText(task, "/result.json"), "{not json");
  const e = thrown(() => task.result(), FsError);
  assert.equal(e.code, "EINVAL");
  assert.equal(e.path, "/result.json");
  assert.match(e.message, /malformed JSON/);
});

Deno.test("TaskFs: result.json can be removed before, and is frozen after, the task finishes", () => {
  const task = taskIn("running");
  writeText(task, "/result.json", "1");
  task.remove("/result.json");
  assert.equal(task.hasResult(), false);
  writeText(task, "/result.json", "2");
  task.setCompleted();
  assertFsError(() => writeText(task, "/result.json", "3"), "EROFS");
  assertFsError(() => task.open("/result.json", { append: true }), "EROFS");
  assertFsError(() => task.remove("/result.json"), "EROFS");
  assert.equal(readText(task, "/result.json"), "2");
  assert.equal(task.stat("/result.json").readOnly, true);
  const late = taskIn("failed");
  assertFsError(() => writeText(late, "/result.json", "{}"), "EROFS");
  assert.equal(late.hasResult(), false);
});

Deno.test("TaskFs: the host's instance is the one the namespace serves", () => {
  const task = newTask();
  const ns = Namespace.builder().mount("/task", task).build();
  task.setRunning();
  assert.equal((readJson(ns, "/task/status") as { status: string }).status, "running");
  writeText(ns, "/task/result.json", '"done"');
  assert.equal(task.result(), "done");
  assertFsError(() => writeText(ns, "/task/spec.json", "{}"), "EROFS", "/task/spec.json");
  assert.deepEqual(ns.describe().mounts[0], {
    path: "/task",
    kind: "task",
    task_id: "review-001",
    task_type: "code-review",
    status: "running",
  });
});

Deno.test("TaskFs: the spec is a frozen copy", () => {
  const input = { files: ["a.rs"] };
  const task = new TaskFs({ ...SPEC, input });
  input.files.push("b.rs");
  assert.deepEqual(task.spec.input, { files: ["a.rs"] });
  assert.ok(Object.isFrozen(task.spec));
  assert.ok(Object.isFrozen(task.meta.tags));
});

Deno.test("TaskFs.fromJson reads spec.json and meta.json text or bytes", () => {
  const task = TaskFs.fromJson(
    JSON.stringify(SPEC),
    new TextEncoder().encode('{"tags":["x"],"timeout_secs":1.5}'),
  );
  assert.deepEqual(task.spec, SPEC);
  assert.deepEqual(task.meta.tags, ["x"]);
  assert.equal(task.meta.timeout_secs, 1.5);
});

Deno.test("TaskFs.fromJson refuses malformed JSON, saying which document", () => {
  assert.throws(() => TaskFs.fromJson("{oops"), SyntaxError, "spec is not valid JSON");
  assert.throws(
    () => TaskFs.fromJson(JSON.stringify(SPEC), "[1,"),
    SyntaxError,
    "meta is not valid JSON",
  );
  assert.throws(
    () => TaskFs.fromJson(42 as unknown as string),
    TypeError,
    "spec must be JSON text",
  );
  assert.throws(() => TaskFs.fromJson('{"id":"x"}'), TypeError, "spec.type is missing");
});
