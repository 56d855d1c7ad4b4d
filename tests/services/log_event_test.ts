import assert from "@std/assert";
import { LOG_LEVELS, LogEvent, type LogLevel } from "../../mod.ts";

Deno.test("LogEvent: a plain event has a timestamp, a level and a message, and no data", () => {
  const before = Date.now();
  const e = new LogEvent("info", "Task started");
  assert.ok(e.timestamp >= before && e.timestamp <= Date.now());
  assert.equal(e.level, "info");
  assert.equal(e.message, "Task started");
  assert.equal(e.data, undefined);
  assert.deepEqual(Object.keys(JSON.parse(e.toLine())), ["timestamp", "level", "message"]);
});

Deno.test("LogEvent.withData carries a frozen copy of the data", () => {
  const data = { timeout: 300 };
  const e = LogEvent.withData("debug", "Config loaded", data);
  data.timeout = 1;
  assert.deepEqual(e.data, { timeout: 300 });
  assert.ok(Object.isFrozen(e.data));
  assert.ok(Object.isFrozen(e));
  assert.deepEqual(JSON.parse(e.toLine()), {
    timestamp: e.timestamp,
    level: "debug",
    message: "Config loaded",
    data: { timeout: 300 },
  });
});

Deno.test("LogEvent: every level is accepted, others are TypeErrors naming level", () => {
  for (const level of LOG_LEVELS) assert.equal(new LogEvent(level, "m").level, level);
  assert.throws(
    () => new LogEvent("fatal" as LogLevel, "m"),
    TypeError,
    'level must be one of debug|info|warn|error, got "fatal"',
  );
  assert.throws(() => new LogEvent(3 as unknown as LogLevel, "m"), TypeError, "got a number");
});

Deno.test("LogEvent: a bad message, data or timestamp is a TypeError naming it", () => {
  assert.throws(
    () => new LogEvent("info", 5 as unknown as string),
    TypeError,
    "message must be a string",
  );
  assert.throws(
    () => LogEvent.withData("info", "m", { f: () => 1 } as never),
    TypeError,
    "data.f must be JSON",
  );
  assert.throws(
    () => new LogEvent("info", "m", undefined, NaN),
    TypeError,
    "timestamp must be a finite number",
  );
});

Deno.test("LogEvent.parse reads a line, with level defaulting to info", () => {
  const e = LogEvent.parse('{"timestamp":5,"level":"warn","message":"m","data":[1]}');
  assert.deepEqual(e.toJSON(), { timestamp: 5, level: "warn", message: "m", data: [1] });
  assert.equal(LogEvent.parse('{"message":"hi"}').level, "info");
});

Deno.test("LogEvent.parse refuses what is not an event, saying why", () => {
  assert.throws(() => LogEvent.parse("not json"), SyntaxError);
  assert.throws(
    () => LogEvent.parse("[1]"),
    TypeError,
    "an event must be a JSON object, got an array",
  );
  assert.throws(() => LogEvent.parse("{}"), TypeError, "message is missing");
  assert.throws(() => LogEvent.parse('{"message":1}'), TypeError, "message must be a string");
  assert.throws(
    () => LogEvent.parse('{"message":"m","level":"loud"}'),
    TypeError,
    "level must be one of",
  );
  assert.throws(
    () => LogEvent.parse('{"message":"m","timestamp":"now"}'),
    TypeError,
    "timestamp must be a number",
  );
  assert.throws(
    () => LogEvent.parse('{"message":"m","step":3}'),
    TypeError,
    'unknown field "step"',
  );
});
