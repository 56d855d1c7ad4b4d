import assert from "@std/assert";
import { isGranted, parseAuditLog, readAuditLog } from "../../src/sandbox/runner/audit.ts";
import { AuditTail } from "../../src/sandbox/runner/audit.ts";

const grant = {
  read: ["/srv/ws", "/srv/agent.wasm"],
  write: ["/srv/out"],
  net: ["127.0.0.1:8080", "api.example"],
};

Deno.test("reads inside granted folders are granted, outside denied", () => {
  assert.ok(isGranted(grant, "read", "/srv/ws/a/b.txt", "/"));
  assert.ok(isGranted(grant, "read", "/srv/out/x", "/"));
  assert.ok(isGranted(grant, "read", "/srv/agent.wasm", "/"));
  assert.ok(!isGranted(grant, "read", "/srv/ws2/x", "/"));
  assert.ok(!isGranted(grant, "read", "/srv/ws/../secret", "/"));
  assert.ok(!isGranted(grant, "read", "/etc/passwd", "/"));
  assert.ok(isGranted(grant, "read", "./ws/a", "/srv"));
});

Deno.test("writes are granted only inside write grants", () => {
  assert.ok(isGranted(grant, "write", "/srv/out/r.json", "/"));
  assert.ok(!isGranted(grant, "write", "/srv/ws/r.json", "/"));
});

Deno.test("net checks match host and port", () => {
  assert.ok(isGranted(grant, "net", "127.0.0.1:8080", "/"));
  assert.ok(!isGranted(grant, "net", "127.0.0.1:9090", "/"));
  assert.ok(isGranted(grant, "net", "api.example:443", "/"));
  assert.ok(!isGranted(grant, "net", "evil.example:443", "/"));
  // fetch audits whole URLs
  assert.ok(isGranted(grant, "net", "http://127.0.0.1:8080/policy", "/"));
  assert.ok(!isGranted(grant, "net", "http://127.0.0.1:9090/policy", "/"));
  assert.ok(isGranted(grant, "net", "https://api.example/x", "/"));
});

Deno.test("env, run, ffi, sys and import are never granted", () => {
  for (const p of ["env", "run", "ffi", "sys", "import"]) {
    assert.ok(!isGranted(grant, p, "anything", "/"));
  }
});

Deno.test("the audit log parses into judged checks, skipping junk lines", () => {
  const log = [
    '{"v":1,"datetime":"2026-01-01T00:00:00Z","permission":"read","value":"/etc/passwd"}',
    "not json",
    '{"v":1,"datetime":"2026-01-01T00:00:01Z","permission":"read","value":"/srv/ws/a"}',
    '{"v":1,"datetime":"2026-01-01T00:00:02Z","permission":"env","value":"HOME"}',
    '{"v":1,"datetime":"2026-01-01T00:00:03Z","permission":"read","value":"/etc/passwd"}',
    '{"nothing":"here"}',
    "",
  ].join("\n");
  assert.deepEqual(parseAuditLog(log, grant, "/"), [
    {
      permission: "read",
      value: "/etc/passwd",
      denied: true,
      at: "2026-01-01T00:00:00Z",
      count: 2,
    },
    {
      permission: "read",
      value: "/srv/ws/a",
      denied: false,
      at: "2026-01-01T00:00:01Z",
      count: 1,
    },
    {
      permission: "env",
      value: "HOME",
      denied: true,
      at: "2026-01-01T00:00:02Z",
      count: 1,
    },
  ]);
});

const record = (permission: string, value: string) =>
  JSON.stringify({ v: 1, datetime: "t", permission, value }) + "\n";

Deno.test("past maxDistinct values, checks are counted per permission, denied apart", () => {
  let log = record("read", "/srv/ws/a") + record("read", "/srv/ws/b");
  for (let i = 0; i < 50; i++) {
    log += record("read", `/etc/x${i}`) + record("env", `V${i}`);
  }
  log += record("read", "/etc/x0");
  const checks = parseAuditLog(log, grant, "/", {
    maxDistinct: 3,
    maxDistinctDenied: 3,
  });
  const shown = checks.map((
    c,
  ) => [c.permission, c.value, c.denied, c.count, c.folded]);
  assert.deepEqual(shown, [
    ["read", "/srv/ws/a", false, 1, undefined],
    ["read", "/srv/ws/b", false, 1, undefined],
    ["read", "/etc/x0", true, 2, undefined],
    ["env", "V0", true, 1, undefined],
    ["read", "/etc/x1", true, 1, undefined],
    ["env", null, true, 49, 49],
    ["read", null, true, 48, 48],
  ]);
});

Deno.test("an audit log file of any size is read in bounded pieces, long values cut", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/audit.jsonl`;
    const huge = "/etc/" + "x".repeat(300_000);
    await Deno.writeTextFile(
      path,
      record("read", "/etc/passwd") + record("read", huge) + "junk\n" +
        record("read", huge) +
        record("write", "/srv/out/a") + record("read", "/etc/passwd").trimEnd(),
    );
    const checks = await readAuditLog(path, grant, "/", { maxValueChars: 10 });
    assert.deepEqual(
      checks.map((c) => [c.permission, c.value, c.denied, c.count]),
      [
        ["read", "/etc/passw…", true, 2],
        ["read", "/etc/xxxxx…", true, 2],
        ["write", "/srv/out/a", false, 1],
      ],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a name that starts with .. inside a granted folder is granted", () => {
  const g = { read: [], write: ["/srv/ws"], net: [] };
  assert.equal(isGranted(g, "write", "/srv/ws/..hidden", "/"), true);
  assert.equal(isGranted(g, "write", "/srv/ws/../other", "/"), false);
  assert.equal(isGranted(g, "write", "/srv/wsx/a", "/"), false);
});

Deno.test("the audit tail reads the log as it grows and counts denials live", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/audit.jsonl`;
    const tail = new AuditTail(path, grant, "/");
    assert.equal(tail.poll(), 0, "no log yet");
    await Deno.writeTextFile(
      path,
      record("read", "/etc/passwd") + record("read", "/srv/ws/a"),
    );
    tail.poll();
    assert.equal(tail.deniedCount, 1);
    await Deno.writeTextFile(
      path,
      record("read", "/etc/passwd") + '{"v":1,"perm',
      {
        append: true,
      },
    );
    tail.poll();
    assert.equal(tail.deniedCount, 2, "a half-written line waits for its end");
    await Deno.writeTextFile(path, 'ission":"env","value":"HOME"}\n', {
      append: true,
    });
    const checks = tail.finish();
    assert.equal(tail.deniedCount, 3);
    assert.equal(tail.bytes, (await Deno.stat(path)).size);
    assert.deepEqual(checks.map((c) => [c.permission, c.value, c.count]), [
      ["read", "/etc/passwd", 2],
      ["read", "/srv/ws/a", 1],
      ["env", "HOME", 1],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
