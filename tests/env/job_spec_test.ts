import assert from "@std/assert";
import { JobKind, JobSpec } from "../../mod.ts";

Deno.test("JobSpec: defaults are priority 0, no variables, no timeout, no tags", () => {
  const spec = new JobSpec("env-1", JobKind.script("echo hi"));
  assert.equal(spec.envId, "env-1");
  assert.deepEqual(spec.kind, { type: "script", command: "echo hi" });
  assert.equal(spec.priority, 0);
  assert.deepEqual(spec.envVars, {});
  assert.equal(spec.timeoutSecs, undefined);
  assert.deepEqual(spec.tags, []);
});

Deno.test("JobSpec: the builder methods chain and each returns a new spec", () => {
  const base = new JobSpec("env-1", JobKind.script("echo hello"));
  const job = base.withPriority(10).env("DEBUG", "true").env("LEVEL", "2").withTimeout(300).tag(
    "urgent",
  )
    .tag("urgent").tag("nightly");
  assert.ok(job instanceof JobSpec);
  assert.equal(job.priority, 10);
  assert.deepEqual(job.envVars, { DEBUG: "true", LEVEL: "2" });
  assert.equal(job.timeoutSecs, 300);
  assert.deepEqual(job.tags, ["urgent", "nightly"]);
  assert.equal(base.priority, 0, "the original is unchanged");
  assert.deepEqual(base.tags, []);
  assert.ok(Object.isFrozen(job) && Object.isFrozen(job.envVars) && Object.isFrozen(job.tags));
  assert.equal(job.withPriority(-5).priority, -5);
  assert.equal(job.withTimeout(0.25).timeoutSecs, 0.25);
});

Deno.test("JobKind: wasi, script, hostScript and custom carry their data, frozen", () => {
  const bytes = new Uint8Array([0, 97, 115, 109]);
  const wasi = JobKind.wasi(bytes, ["a", "b"]);
  assert.equal(wasi.type, "wasi");
  if (wasi.type === "wasi") {
    assert.equal(wasi.module, bytes);
    assert.deepEqual(wasi.args, ["a", "b"]);
  }
  assert.deepEqual(JobKind.wasi("agent.wasm"), { type: "wasi", module: "agent.wasm", args: [] });
  assert.deepEqual(JobKind.custom("review", { depth: 2 }), {
    type: "custom",
    name: "review",
    data: { depth: 2 },
  });
  assert.equal(JobKind.custom("noop").type, "custom");
  assert.ok(Object.isFrozen(JobKind.script("ls")));
  assert.deepEqual(JobKind.hostScript("make"), { type: "hostScript", command: "make" });
  assert.ok(Object.isFrozen(JobKind.hostScript("make")));
});

Deno.test("JobSpec: a kind given as plain data is checked and frozen", () => {
  const spec = new JobSpec("e", { type: "custom", name: "review", data: { depth: 1 } });
  assert.deepEqual(spec.kind, { type: "custom", name: "review", data: { depth: 1 } });
  assert.ok(Object.isFrozen(spec.kind));
  assert.deepEqual(new JobSpec("e", { type: "wasi", module: "a.wasm" } as never).kind, {
    type: "wasi",
    module: "a.wasm",
    args: [],
  });
  const host = new JobSpec("e", { type: "hostScript", command: "make" });
  assert.deepEqual(host.kind, { type: "hostScript", command: "make" });
  assert.ok(Object.isFrozen(host.kind));
});

Deno.test("JobSpec: a kind given as plain data is checked and frozen", () => {
  const spec = new JobSpec("e", { type: "custom", name: "review", data: { depth: 1 } });
  assert.deepEqual(spec.kind, { type: "custom", name: "review", data: { depth: 1 } });
  assert.ok(Object.isFrozen(spec.kind));
  assert.deepEqual(new JobSpec("e", { type: "wasi", module: "a.wasm" } as never).kind, {
    type: "wasi",
    module: "a.wasm",
    args: [],
  });
  const host = new JobSpec("e", { type: "hostScript", command: "make" });
  assert.deepEqual(host.kind, { type: "hostScript", command: "make" });
  assert.ok(Object.isFrozen(host.kind));
});

const BAD: Array<[string, () => unknown, string]> = [
  [
    "an empty env id",
    () => new JobSpec("", JobKind.script("ls")),
    "JobSpec: envId must be a non-empty string",
  ],
  [
    "a numeric env id",
    () => new JobSpec(1 as unknown as string, JobKind.script("ls")),
    "got a number",
  ],
  [
    "no kind",
    () => new JobSpec("e", undefined as never),
    "JobSpec: kind must be a JobKind, got undefined",
  ],
  [
    "a kind of unknown type",
    () => new JobSpec("e", { type: "shell" } as never),
    'kind.type must be "wasi", "script", "hostScript" or "custom", got a string',
  ],
  [
    "a plain script kind without a command",
    () => new JobSpec("e", { type: "script" } as never),
    "JobKind.script: command must be a non-empty string",
  ],
  [
    "a plain custom kind with bad data",
    () => new JobSpec("e", { type: "custom", name: "x", data: NaN } as never),
    "JobKind.custom: data must be JSON, got NaN",
  ],
  [
    "a fractional priority",
    () => new JobSpec("e", JobKind.script("ls")).withPriority(1.5),
    "priority must be an integer, got 1.5",
  ],
  [
    "a string priority",
    () => new JobSpec("e", JobKind.script("ls")).withPriority("1" as never),
    "priority must be an integer, got a string",
  ],
  [
    "an env key with =",
    () => new JobSpec("e", JobKind.script("ls")).env("A=B", "x"),
    'key must be a non-empty string without "="',
  ],
  [
    "an empty env key",
    () => new JobSpec("e", JobKind.script("ls")).env("", "x"),
    "key must be a non-empty string",
  ],
  [
    "a numeric env value",
    () => new JobSpec("e", JobKind.script("ls")).env("A", 1 as never),
    "the value of A must be a string",
  ],
  [
    "a NUL in an env value",
    () => new JobSpec("e", JobKind.script("ls")).env("A", "a\0b"),
    "without NUL",
  ],
  [
    "a zero timeout",
    () => new JobSpec("e", JobKind.script("ls")).withTimeout(0),
    "secs must be a positive number, got 0",
  ],
  ["a negative timeout", () => new JobSpec("e", JobKind.script("ls")).withTimeout(-1), "got -1"],
  [
    "an infinite timeout",
    () => new JobSpec("e", JobKind.script("ls")).withTimeout(Infinity),
    "got Infinity",
  ],
  [
    "an empty tag",
    () => new JobSpec("e", JobKind.script("ls")).tag(""),
    "tag must be a non-empty string",
  ],
  [
    "an empty script",
    () => JobKind.script(" "),
    "JobKind.script: command must be a non-empty string",
  ],
  [
    "an empty host script",
    () => JobKind.hostScript(""),
    "JobKind.hostScript: command must be a non-empty string",
  ],
  [
    "a plain host script kind with a numeric command",
    () => new JobSpec("e", { type: "hostScript", command: 7 } as never),
    "JobKind.hostScript: command must be a non-empty string, got a number",
  ],
  [
    "a custom job without a name",
    () => JobKind.custom(""),
    "JobKind.custom: name must be a non-empty string",
  ],
  [
    "custom data that is not JSON",
    () => JobKind.custom("x", { f: () => 1 } as never),
    "JobKind.custom: data.f must be JSON",
  ],
  [
    "a wasi module of the wrong type",
    () => JobKind.wasi(42 as never),
    "module must be a path, URL, Uint8Array or WebAssembly.Module",
  ],
  [
    "wasi args that are not an array",
    () => JobKind.wasi("a.wasm", "x" as never),
    "args must be an array of strings",
  ],
  [
    "a wasi arg that is not a string",
    () => JobKind.wasi("a.wasm", ["a", 2 as never]),
    "args[1] must be a string",
  ],
];

for (const [name, make, words] of BAD) {
  Deno.test(`JobSpec/JobKind refuse ${name} with a TypeError naming it`, () => {
    assert.throws(make, TypeError, words);
  });
}
