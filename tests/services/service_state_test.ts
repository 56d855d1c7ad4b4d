/**
 * TaskFs and LogsFs as plain data (exportState / fromState), their forks,
 * and their snapshots.
 */
import assert from "@std/assert";
import { LogEvent, LogsFs, readText, TaskFs, type TaskSpec, writeText } from "../../mod.ts";
import { restoreService, snapshotService } from "../../src/services/snapshot/mod.ts";
import { thrown } from "./throws.ts";

const SPEC: TaskSpec = {
  id: "t1",
  type: "demo",
  description: "do it",
  input: { n: [1, 2] },
};

/** Everything a task shows: its files and its host API. */
function taskView(task: TaskFs) {
  return {
    files: task.readdir("/").map((
      e,
    ) => [e.name, readText(task, `/${e.name}`), task.stat(`/${e.name}`)]),
    root: task.stat("/"),
    status: task.status(),
    result: task.resultBytes(),
  };
}

/** Everything logs show: their files and their host API. */
function logsView(logs: LogsFs) {
  return {
    files: logs.readdir("/").map((
      e,
    ) => [e.name, readText(logs, `/${e.name}`), logs.stat(`/${e.name}`)]),
    root: logs.stat("/"),
    events: logs.events(),
    dropped: logs.dropped(),
  };
}

Deno.test("TaskFs state: every stage of the lifecycle comes back the same, result and times included", () => {
  const task = new TaskFs(SPEC, {
    tags: ["x"],
    timeout_secs: 9,
    extra: { k: "v" },
  });
  const stages: Array<() => void> = [
    () => {},
    () => task.setRunning(),
    () => writeText(task, "/result.json", '{"ok":true}'),
    () => task.setFailed("boom"),
  ];
  for (const stage of stages) {
    stage();
    assert.deepEqual(
      taskView(TaskFs.fromState(task.exportState())),
      taskView(task),
    );
    assert.deepEqual(
      taskView(restoreService(snapshotService(task)) as TaskFs),
      taskView(task),
    );
  }
});

Deno.test("TaskFs state: the state is a copy, and a restored task goes on with its lifecycle", () => {
  const task = new TaskFs(SPEC);
  task.setRunning();
  writeText(task, "/result.json", "1");
  const state = task.exportState();
  state.result!.bytes[0] = 50;
  assert.equal(readText(task, "/result.json"), "1");
  const again = TaskFs.fromState(task.exportState());
  again.setCompleted();
  assert.equal(task.status().status, "running");
  assert.deepEqual(again.result(), 1);
});

Deno.test("TaskFs state: bad states are TypeErrors naming the field", () => {
  const good = new TaskFs(SPEC).exportState();
  const cases: Array<[string, unknown, RegExp]> = [
    ["not an object", null, /state must be an object/],
    [
      "a bad status",
      { ...good, status: { status: "done" } },
      /status\.status must be/,
    ],
    ["a status with extra fields", {
      ...good,
      status: { status: "pending", x: 1 },
    }, /unknown field "x"/],
    [
      "running without a time",
      { ...good, status: { status: "running" } },
      /started_at/,
    ],
    ["times not bigint", { ...good, createdAtNs: 5 }, /createdAtNs/],
    ["negative times", { ...good, statusAtNs: -1n }, /statusAtNs/],
    ["a bad spec", { ...good, spec: { id: "x" } }, /spec/],
    ["meta without created_at", { ...good, meta: { tags: [] } }, /created_at/],
    [
      "result bytes not bytes",
      { ...good, result: { bytes: "x", mtimeNs: 0n } },
      /result\.bytes/,
    ],
  ];
  for (const [what, state, message] of cases) {
    const e = thrown(() => TaskFs.fromState(state as never), TypeError);
    assert.match(e.message, message, what);
  }
});

Deno.test("TaskFs fork: an independent copy", () => {
  const task = new TaskFs(SPEC);
  task.setRunning();
  const copy = task.fork();
  writeText(copy, "/result.json", "{}");
  copy.setCompleted();
  assert.equal(task.hasResult(), false);
  assert.equal(task.status().status, "running");
});

/** Logs that dropped bytes and events, with some drops not yet reported. */
function busyLogs(): LogsFs {
  const logs = new LogsFs({ maxBytesPerStream: 200 });
  logs.writeStdout("x".repeat(150));
  logs.info("first", { i: 1 });
  logs.writeStdout("y".repeat(150)); // drops 100 bytes, reported at the next event
  logs.writeStderr("err\n");
  for (let i = 0; i < 5; i++) {
    logs.logEvent(new LogEvent("debug", `event ${i}`, { i }, 1000 + i));
  }
  logs.writeStderr("z".repeat(250)); // drops, not yet reported
  return logs;
}

Deno.test("LogsFs state: contents, times and drop counts come back the same", () => {
  for (const logs of [new LogsFs(), busyLogs()]) {
    logs.events(); // makes the pending drop reports (see the next test)
    const again = LogsFs.fromState(logs.exportState());
    const restored = restoreService(snapshotService(logs)) as LogsFs;
    assert.deepEqual(logsView(again), logsView(logs));
    assert.deepEqual(logsView(restored), logsView(logs));
    assert.equal(restored.maxBytesPerStream, logs.maxBytesPerStream);
  }
});

Deno.test("LogsFs state: drops not yet reported are reported by the copy as by the original", () => {
  const logs = busyLogs();
  const restored = restoreService(snapshotService(logs)) as LogsFs;
  assert.deepEqual(restored.dropped(), logs.dropped());
  // A drop is reported when the events are next read, stamped with that moment.
  const events = (l: LogsFs) => l.events().map((e) => [e.level, e.message, e.data]);
  assert.deepEqual(events(restored), events(logs));
  assert.equal(
    readText(restored, "/stderr.log"),
    readText(logs, "/stderr.log"),
  );
});

Deno.test("LogsFs state: a restored log goes on exactly as the original", () => {
  const logs = busyLogs();
  const again = LogsFs.fromState(logs.exportState());
  for (const l of [logs, again]) {
    l.writeStdout("more\n");
    l.warn("later");
    writeText(
      l,
      "/events.jsonl",
      '{"message":"from the agent","timestamp":5}\n',
    );
  }
  // Events made now on each side carry their own moment: compare all but the timestamps.
  const files = (l: LogsFs) =>
    logsView(l).files.map((
      [name, text],
    ) => [name, String(text).replace(/"timestamp":\d+/g, "")]);
  assert.deepEqual(files(again), files(logs));
  assert.deepEqual(
    again.events().map((e) => e.message),
    logs.events().map((e) => e.message),
  );
});

Deno.test("LogsFs state: bad states are TypeErrors naming the field", () => {
  const good = busyLogs().exportState();
  const cases: Array<[string, unknown, RegExp]> = [
    ["not an object", 7, /state must be an object/],
    ["a bad cap", { ...good, maxBytesPerStream: 0 }, /maxBytesPerStream/],
    ["bytes over the cap", {
      ...good,
      stdout: { ...good.stdout, bytes: new Uint8Array(201) },
    }, /more than the cap/],
    [
      "a bad count",
      { ...good, stderr: { ...good.stderr, droppedBytes: -1 } },
      /stderr\.droppedBytes/,
    ],
    ["pending over dropped", {
      ...good,
      stderr: { ...good.stderr, pendingDropBytes: 1e6 },
    }, /pendingDropBytes exceeds/],
    ["events not events", {
      ...good,
      events: { ...good.events, events: [{ message: "x" }] },
    }, /array of LogEvent/],
    ["events over the cap", {
      ...good,
      events: {
        ...good.events,
        events: Array.from(
          { length: 20 },
          () => new LogEvent("info", "x".repeat(50)),
        ),
      },
    }, /events take more than the cap/],
    [
      "a bad time",
      { ...good, events: { ...good.events, mtimeNs: 1 } },
      /events\.mtimeNs/,
    ],
  ];
  for (const [what, state, message] of cases) {
    const e = thrown(() => LogsFs.fromState(state as never), TypeError);
    assert.match(e.message, message, what);
  }
});

Deno.test("LogsFs fork: shares what was written, then each side appends its own", () => {
  const logs = new LogsFs({ maxBytesPerStream: 100_000 });
  logs.writeStdout("a".repeat(70_000)); // more than one block
  logs.info("before");
  const copy = logs.fork();
  copy.writeStdout("fork\n");
  logs.writeStdout("parent\n");
  copy.error("fork event");
  assert.equal(copy.stdout(), "a".repeat(70_000) + "fork\n");
  assert.equal(logs.stdout(), "a".repeat(70_000) + "parent\n");
  assert.deepEqual(logs.events().map((e) => e.message), ["before"]);
  assert.deepEqual(copy.events().map((e) => e.message), [
    "before",
    "fork event",
  ]);
});

Deno.test("LogsFs fork: subscribers stay with the original", () => {
  const logs = new LogsFs();
  const seen: string[] = [];
  logs.subscribe((r) => seen.push(r.stream));
  const copy = logs.fork();
  copy.info("not seen");
  logs.info("seen");
  assert.deepEqual(seen, ["events"]);
});

Deno.test("LogsFs fork: drops after a fork are each side's own", () => {
  const logs = new LogsFs({ maxBytesPerStream: 64 });
  logs.writeStdout("0123456789".repeat(6));
  const copy = logs.fork();
  copy.writeStdout("X".repeat(40));
  assert.equal(logs.stdout(), "0123456789".repeat(6));
  assert.equal(copy.stdout().length, 64);
  assert.ok(copy.stdout().endsWith("X".repeat(40)));
  assert.equal(logs.dropped().stdout, 0);
  assert.equal(copy.dropped().stdout, 36);
});
