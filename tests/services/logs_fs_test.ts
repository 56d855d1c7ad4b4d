import assert from "@std/assert";
import {
  LogEvent,
  type LogRecord,
  LogsFs,
  Namespace,
  readFile,
  readText,
  writeText,
} from "../../mod.ts";
import { assertFsError } from "../fs/writable_contract.ts";

const enc = new TextEncoder();

/** Writes `text` through one handle opened with `flags`, then closes it. */
function writeThrough(logs: LogsFs, path: string, text: string, flags = { write: true }): void {
  const h = logs.open(path, flags);
  h.write(enc.encode(text));
  h.close();
}

function assertSizesMatch(logs: LogsFs): void {
  for (const { name } of logs.readdir("/")) {
    assert.equal(logs.stat(`/${name}`).size, readFile(logs, `/${name}`).length, name);
  }
}

Deno.test("LogsFs: serves stdout.log, stderr.log and events.jsonl", () => {
  const logs = new LogsFs();
  assert.equal(logs.kind, "logs");
  assert.deepEqual(logs.readdir("/").map((e) => e.name), [
    "events.jsonl",
    "stderr.log",
    "stdout.log",
  ]);
  assert.equal(logs.stat("/").kind, "dir");
  assertSizesMatch(logs);
});

Deno.test("LogsFs: stdout and stderr append from the host API and from files alike", () => {
  const logs = new LogsFs();
  logs.writeStdout("one\n");
  writeThrough(logs, "/stdout.log", "two\n");
  logs.writeStdout(enc.encode("three\n"));
  logs.writeStderr("err\n");
  writeThrough(logs, "/stderr.log", "more\n", { append: true } as never);
  assert.equal(logs.stdout(), "one\ntwo\nthree\n");
  assert.equal(readText(logs, "/stdout.log"), "one\ntwo\nthree\n");
  assert.equal(logs.stderr(), "err\nmore\n");
  assert.deepEqual(logs.stdoutBytes(), enc.encode("one\ntwo\nthree\n"));
  assertSizesMatch(logs);
});

Deno.test("LogsFs: log files are append-only whatever the position or flags", () => {
  const logs = new LogsFs();
  logs.writeStdout("abc");
  writeText(logs, "/stdout.log", "d"); // O_TRUNC is ignored
  const h = logs.open("/stdout.log", { read: true, write: true });
  h.seek(0);
  h.write(enc.encode("e"));
  h.pwrite(enc.encode("f"), 0);
  assertFsError(() => h.truncate(0), "EPERM");
  h.close();
  assert.equal(logs.stdout(), "abcdef");
});

Deno.test("LogsFs: a reader sees the file as it was when opened, plus its own writes", () => {
  const logs = new LogsFs();
  logs.writeStdout("old ");
  const h = logs.open("/stdout.log", { read: true, write: true });
  logs.writeStdout("later ");
  h.write(enc.encode("mine"));
  const buf = new Uint8Array(32);
  const n = h.pread(buf, 0);
  assert.equal(new TextDecoder().decode(buf.subarray(0, n)), "old mine");
  h.close();
  assert.equal(logs.stdout(), "old later mine");
});

Deno.test("LogsFs: handles refuse what they were not opened for", () => {
  const logs = new LogsFs();
  const w = logs.open("/stdout.log", { write: true });
  assertFsError(() => w.read(new Uint8Array(1)), "EBADF");
  w.close();
  const r = logs.open("/stdout.log");
  assertFsError(() => r.write(enc.encode("x")), "EBADF");
  assertFsError(() => r.truncate(0), "EBADF");
  r.close();
  assertFsError(() => r.close(), "EBADF");
});

Deno.test("LogsFs: the file set is fixed", () => {
  const logs = new LogsFs();
  assertFsError(() => logs.open("/"), "EISDIR");
  assertFsError(() => logs.open("/new.log", { write: true, create: true }), "EROFS");
  assertFsError(
    () => logs.open("/stdout.log", { write: true, create: true, exclusive: true }),
    "EEXIST",
  );
  assertFsError(() => logs.open("/stdout.log", { directory: true }), "ENOTDIR");
  assertFsError(() => logs.open("/nope.log"), "ENOENT");
  assertFsError(() => logs.open("/stdout.log/x"), "ENOTDIR");
  assertFsError(() => logs.readdir("/stdout.log"), "ENOTDIR");
  assertFsError(() => logs.mkdir("/d"), "EROFS");
  assertFsError(() => logs.mkdir("/stdout.log"), "EEXIST");
  assertFsError(() => logs.remove("/stdout.log"), "EPERM");
  assertFsError(() => logs.remove("/"), "EBUSY");
  assertFsError(() => logs.rename("/stdout.log", "/x.log"), "EROFS");
  assertFsError(() => logs.remove("/nope"), "ENOENT");
});

Deno.test("LogsFs: host events come out as one JSON object per line, in order", () => {
  const logs = new LogsFs();
  logs.info("Task started");
  logs.warn("Rate limit approaching");
  logs.error("Connection failed", { retries: 3 });
  logs.debug("tick");
  logs.logEvent(LogEvent.withData("debug", "Config loaded", { timeout: 300 }));
  const lines = readText(logs, "/events.jsonl").trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.level, l.message]), [
    ["info", "Task started"],
    ["warn", "Rate limit approaching"],
    ["error", "Connection failed"],
    ["debug", "tick"],
    ["debug", "Config loaded"],
  ]);
  assert.deepEqual(lines[2].data, { retries: 3 });
  assert.equal(typeof lines[0].timestamp, "number");
  assert.deepEqual(logs.events().map((e) => e.toJSON()), lines);
  assertSizesMatch(logs);
  assert.throws(
    () => logs.logEvent({ level: "info", message: "x" } as never),
    TypeError,
    "expected a LogEvent",
  );
  assert.throws(() => logs.info(5 as unknown as string), TypeError, "message must be a string");
});

Deno.test("LogsFs: an agent appends events by writing lines to events.jsonl", () => {
  const logs = new LogsFs();
  const h = logs.open("/events.jsonl", { write: true });
  h.write(enc.encode('{"level":"info","message":"one"}\n{"level":"warn",'));
  assert.equal(logs.events().length, 1);
  h.write(enc.encode('"message":"two","data":{"k":1}}\r\n\n   \n{"message":"three"}'));
  h.flush();
  assert.equal(logs.events().length, 2, "a partial line waits for its newline or close");
  h.close();
  assert.deepEqual(logs.events().map((e) => [e.level, e.message, e.data]), [
    ["info", "one", undefined],
    ["warn", "two", { k: 1 }],
    ["info", "three", undefined],
  ]);
});

const MALFORMED: Array<[string, string, string]> = [
  ["not JSON", "hello world", "not JSON"],
  ["an array", "[1,2]", "must be a JSON object"],
  ["no message", '{"level":"info"}', "message is missing"],
  ["a bad level", '{"level":"loud","message":"m"}', "level must be one of"],
  ["an unknown field", '{"message":"m","step":1}', 'unknown field "step"'],
  ["a string timestamp", '{"message":"m","timestamp":"now"}', "timestamp must be a number"],
];

for (const [name, line, reason] of MALFORMED) {
  Deno.test(`LogsFs: a line with ${name} becomes an error event carrying the raw text`, () => {
    const logs = new LogsFs();
    writeThrough(logs, "/events.jsonl", `${line}\n{"message":"after"}\n`);
    const [bad, after] = logs.events();
    assert.equal(bad.level, "error");
    assert.match(bad.message, new RegExp(`malformed line in events.jsonl: .*${escape(reason)}`));
    assert.deepEqual(bad.data, { raw: line });
    assert.equal(after.message, "after");
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

Deno.test("LogsFs: a line that is not UTF-8 becomes an error event", () => {
  const logs = new LogsFs();
  const h = logs.open("/events.jsonl", { write: true });
  h.write(new Uint8Array([0xff, 0xfe, 10]));
  h.close();
  assert.match(logs.events()[0].message, /not valid UTF-8/);
});

Deno.test("LogsFs: an over-long line is refused once, with its raw text cut short", () => {
  const logs = new LogsFs({ maxBytesPerStream: 64 * 1024 });
  const h = logs.open("/events.jsonl", { write: true });
  for (let i = 0; i < 100; i++) h.write(enc.encode("x".repeat(1024)));
  h.write(enc.encode('\n{"message":"next"}\n'));
  h.close();
  const [bad, next] = logs.events();
  assert.match(bad.message, /line longer than 65536 bytes/);
  const data = bad.data as { raw: string; raw_truncated: boolean };
  assert.equal(data.raw.length, 4096);
  assert.equal(data.raw_truncated, true);
  assert.equal(next.message, "next");
});

Deno.test("LogsFs: subscribers see every write and event live, until they unsubscribe", () => {
  const logs = new LogsFs();
  const seen: string[] = [];
  const stop = logs.subscribe((r: LogRecord) =>
    seen.push(
      r.stream === "events"
        ? `events:${r.event.message}`
        : `${r.stream}:${new TextDecoder().decode(r.data)}`,
    )
  );
  logs.writeStdout("a");
  writeThrough(logs, "/stderr.log", "b");
  logs.info("c");
  writeThrough(logs, "/events.jsonl", '{"message":"d"}\n');
  stop();
  logs.writeStdout("e");
  assert.deepEqual(seen, ["stdout:a", "stderr:b", "events:c", "events:d"]);
  assert.throws(() => logs.subscribe("nope" as never), TypeError, "callback must be a function");
});

Deno.test("LogsFs: a subscriber that throws is removed and the failure is logged", () => {
  const logs = new LogsFs();
  let calls = 0;
  logs.subscribe(() => {
    calls++;
    throw new Error("subscriber broke");
  });
  const others: string[] = [];
  logs.subscribe((r) => others.push(r.stream));
  logs.writeStdout("x");
  logs.writeStdout("y");
  assert.equal(calls, 1);
  assert.match(
    logs.events()[0].message,
    /a log subscriber threw and was removed: subscriber broke/,
  );
  assert.deepEqual(others, ["stdout", "events", "stdout"]);
});

Deno.test("LogsFs: clear empties every stream", () => {
  const logs = new LogsFs({ maxBytesPerStream: 4 });
  logs.writeStdout("0123456789");
  logs.writeStderr("e");
  logs.info("i");
  logs.clear();
  assert.equal(logs.stdout(), "");
  assert.equal(logs.stderr(), "");
  assert.deepEqual(logs.events(), []);
  assert.deepEqual(logs.dropped(), { stdout: 0, stderr: 0, events: 0, eventBytes: 0 });
  assertSizesMatch(logs);
});

Deno.test("LogsFs: stdout keeps its newest bytes under the cap and one event reports the drop", () => {
  const logs = new LogsFs({ maxBytesPerStream: 1000 });
  for (let i = 0; i < 500; i++) logs.writeStdout(`${String(i).padStart(4, "0")}\n`);
  const text = logs.stdout();
  assert.equal(text.length, 1000);
  assert.ok(text.endsWith("0499\n"));
  assert.ok(text.startsWith("0300\n"));
  const drops = logs.events().filter((e) => e.message.startsWith("stdout.log: dropped"));
  assert.equal(drops.length, 1, "a flood of writes gives one drop event");
  assert.deepEqual(drops[0].data, {
    stream: "stdout",
    dropped_bytes: 1500,
    total_dropped_bytes: 1500,
    cap_bytes: 1000,
  });
  logs.writeStdout("x".repeat(10));
  assertSizesMatch(logs);
  const again = logs.events().filter((e) => e.message.startsWith("stdout.log: dropped"));
  assert.equal(again.length, 2);
  assert.deepEqual((again[1].data as Record<string, number>).total_dropped_bytes, 1510);
  assert.equal(logs.dropped().stdout, 1510);
});

Deno.test("LogsFs: one write larger than the cap keeps its tail", () => {
  const logs = new LogsFs({ maxBytesPerStream: 1024 });
  logs.writeStderr("a".repeat(10));
  logs.writeStderr("b".repeat(10 * 1024 * 1024) + "END");
  assert.equal(logs.stderrBytes().length, 1024);
  assert.ok(logs.stderr().endsWith("bEND"));
  assert.equal(logs.dropped().stderr, 10 + 10 * 1024 * 1024 + 3 - 1024);
});

Deno.test("LogsFs: events beyond the cap drop the oldest and events.jsonl opens with a count", () => {
  const logs = new LogsFs({ maxBytesPerStream: 2000 });
  for (let i = 0; i < 200; i++) logs.info(`event ${i}`);
  const events = logs.events();
  assert.equal(events[0].level, "warn");
  assert.match(events[0].message, /^events\.jsonl: \d+ older events \(\d+ bytes\) were dropped/);
  const counted = events[0].data as { dropped_events: number };
  assert.equal(counted.dropped_events + events.length - 1, 200);
  assert.equal(events[events.length - 1].message, "event 199");
  assert.equal(logs.dropped().events, counted.dropped_events);
  const lines = readText(logs, "/events.jsonl").trimEnd().split("\n");
  assert.equal(JSON.parse(lines[0]).message, events[0].message);
  assertSizesMatch(logs);
});

Deno.test("LogsFs: a bad cap is a TypeError naming maxBytesPerStream", () => {
  for (const cap of [0, -1, 1.5, "1024", NaN]) {
    assert.throws(
      () => new LogsFs({ maxBytesPerStream: cap as number }),
      TypeError,
      "maxBytesPerStream",
    );
  }
  assert.throws(() => new LogsFs(null as never), TypeError, "options must be an object");
  assert.throws(() => new LogsFs().writeStdout(5 as never), TypeError, "writeStdout: data must be");
});

Deno.test("LogsFs: the host's instance is the one the namespace serves", () => {
  const logs = new LogsFs();
  const ns = Namespace.builder().mount("/logs", logs).build();
  writeText(ns, "/logs/stdout.log", "from the agent\n");
  logs.info("from the host");
  assert.equal(logs.stdout(), "from the agent\n");
  assert.match(readText(ns, "/logs/events.jsonl"), /from the host/);
  assert.deepEqual(ns.describe().mounts, [
    { path: "/logs", kind: "logs", max_bytes_per_stream: 1024 * 1024 },
  ]);
});
