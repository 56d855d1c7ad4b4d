/**
 * Hostile scripts, one row each: what the script tries, and how it must
 * end (refused, or bounded). Each row gets a fresh namespace over a real
 * workspace folder, with a host file beside the folder and two symlinks
 * planted inside it that lead out; after every row the host side is
 * checked untouched.
 */
import assert from "@std/assert";
import { LogsFs, MapFs, MemFs, Namespace, readText, TaskFs, WorkspaceFs } from "../../mod.ts";
import { runShell } from "../../src/shell/run_shell.ts";
import type { ShellLimits } from "../../src/shell/shell_limits.ts";
import type { ShellResult } from "../../src/shell/shell_options.ts";

const SECRET = "host secret, never to be read\n";

interface Fixture {
  ns: Namespace;
  /** The real folder mounted at /workspace. */
  ws: string;
  /** A real folder beside it, holding secret.txt. */
  outside: string;
}

function fixture(): Fixture & Disposable {
  const root = Deno.makeTempDirSync({ prefix: "oanix_hostile_" });
  const ws = `${root}/ws`;
  const outside = `${root}/outside`;
  Deno.mkdirSync(ws);
  Deno.mkdirSync(outside);
  Deno.writeTextFileSync(`${outside}/secret.txt`, SECRET);
  Deno.writeTextFileSync(`${ws}/notes.txt`, "mine\n");
  Deno.symlinkSync("/etc/passwd", `${ws}/passwd`);
  Deno.symlinkSync("../outside", `${ws}/escape`);
  const ns = Namespace.builder()
    .mount("/workspace", new WorkspaceFs(ws))
    .mount("/ro", MapFs.fromObject({ "/a.txt": "original\n" }))
    .mount("/tmp", new MemFs())
    .mount("/logs", new LogsFs())
    .mount(
      "/task",
      new TaskFs({ id: "t", type: "demo", description: "d", input: null }),
    )
    .build();
  return {
    ns,
    ws,
    outside,
    [Symbol.dispose]: () => Deno.removeSync(root, { recursive: true }),
  };
}

/** The host side beside the workspace is exactly as planted. */
function assertHostUntouched(fx: Fixture): void {
  assert.deepEqual([...Deno.readDirSync(fx.outside)].map((e) => e.name), [
    "secret.txt",
  ]);
  assert.equal(Deno.readTextFileSync(`${fx.outside}/secret.txt`), SECRET);
}

function assertNoSecret(r: ShellResult): void {
  assert.ok(!r.stdout.includes("host secret"), r.stdout);
  assert.ok(!r.stdout.includes("root:"), "nothing of the host's /etc/passwd");
}

/** Limits that let a runaway loop go on until the one bound under test stops it. */
const ONLY = (limits: ShellLimits): ShellLimits => ({
  maxCommands: 100_000_000,
  maxLoopIterations: 100_000_000,
  ...limits,
});

interface Row {
  name: string;
  script: string;
  limits?: ShellLimits;
  expect: (r: ShellResult, fx: Fixture) => void;
}

const ROWS: Row[] = [
  {
    name: "cat /etc/passwd finds nothing: the namespace has no /etc",
    script: "cat /etc/passwd",
    expect: (r) => {
      assert.equal(r.exitCode, 1);
      assert.equal(r.stderr, "cat: /etc/passwd: No such file or directory\n");
      assert.equal(r.stdout, "");
    },
  },
  {
    name: "cd ../../.. stays at /, which holds only the mounts",
    script: "cd ../../..; pwd; cd /workspace/../../../..; pwd; ls /",
    expect: (r) => assert.equal(r.stdout, "/\n/\nlogs\nro\ntask\ntmp\nworkspace\n"),
  },
  {
    name: "a host symlink in the workspace to /etc/passwd is refused",
    script: "cat /workspace/passwd",
    expect: (r) => {
      assert.equal(r.exitCode, 1);
      assertNoSecret(r);
    },
  },
  {
    name: "a host symlink to a folder beside the workspace is refused",
    script: "cat /workspace/escape/secret.txt; ls /workspace/escape",
    expect: (r) => {
      assert.notEqual(r.exitCode, 0);
      assertNoSecret(r);
      assert.ok(!r.stdout.includes("secret.txt"), r.stdout);
    },
  },
  {
    name: "a new symlink that climbs out of the workspace is refused",
    script: "ln -s ../outside/secret.txt /workspace/link; cat /workspace/link",
    expect: (r, fx) => {
      assert.notEqual(r.exitCode, 0);
      assertNoSecret(r);
      assert.throws(
        () => Deno.lstatSync(`${fx.ws}/link`),
        Deno.errors.NotFound,
      );
    },
  },
  {
    name: "a symlink to /etc/passwd in memory leads to the memory's own /etc/passwd",
    script: "ln -s /etc/passwd /tmp/p && cat /tmp/p",
    expect: (r) => {
      assert.equal(r.exitCode, 1);
      assert.match(r.stderr, /cat: \/tmp\/p: No such file or directory/);
    },
  },
  {
    name: "a symlink loop fails instead of spinning",
    script: "ln -s /a /tmp/b && ln -s /b /tmp/a && cat /tmp/a",
    expect: (r) => assert.equal(r.exitCode, 1),
  },
  {
    name: "a fork bomb in shell syntax is stopped by the call depth",
    script: ":(){ :|:& };:",
    expect: (r) => {
      assert.equal(r.exitCode, 126);
      assert.match(r.stderr, /maximum recursion depth \(100\) exceeded/);
    },
  },
  {
    name: "while true is stopped by the loop iteration limit",
    script: "while true; do :; done",
    limits: ONLY({ maxLoopIterations: 1000 }),
    expect: (r) => {
      assert.equal(r.exitCode, 126);
      assert.match(
        r.stderr,
        /iterations? (limit )?exceeded|too many iterations/i,
      );
    },
  },
  {
    name: "while true is stopped by the command count",
    script: "while true; do :; done",
    limits: { maxCommands: 1000 },
    expect: (r) => {
      assert.equal(r.exitCode, 126);
      assert.match(r.stderr, /too many commands executed \(>1000\)/);
    },
  },
  {
    name: "while true is stopped by the time limit",
    script: "echo started; while true; do :; done",
    limits: ONLY({ timeoutMs: 200 }),
    expect: (r) => {
      assert.equal(r.exitCode, 124);
      assert.equal(r.timedOut, true);
      assert.equal(r.stdout, "started\n", "what was printed before stays");
    },
  },
  {
    name: "yes does not exist",
    script: "yes | head -c 100000000",
    expect: (r) => {
      assert.equal(
        r.exitCode,
        0,
        "head succeeds on empty input, as in bash with a failed producer",
      );
      assert.match(r.stderr, /yes: command not found/);
    },
  },
  {
    name: "a flood of output is cut at maxOutputBytes",
    script: "while true; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done | head -c 100000000",
    limits: ONLY({ maxOutputBytes: 100_000 }),
    expect: (r) => {
      assert.equal(r.exitCode, 126);
      assert.equal(r.truncated, true);
      assert.ok(r.stdout.length <= 100_000, `${r.stdout.length} bytes`);
      assert.match(r.stderr, /output size exceeded \(>100000 bytes\)/);
    },
  },
  {
    name: "a flood into a file is bounded the same way",
    script: "while true; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done > /tmp/big",
    limits: ONLY({ maxOutputBytes: 100_000 }),
    expect: (r) => {
      assert.equal(r.exitCode, 126);
      assert.equal(r.truncated, true);
    },
  },
  {
    name: "a string doubled without end is bounded",
    script: "s=x; while true; do s=$s$s; done",
    expect: (r) => {
      assert.equal(r.exitCode, 126);
      assert.match(r.stderr, /string length limit exceeded/);
    },
  },
  {
    name: "a brace expansion bomb is bounded",
    script: "echo {1..100000000} | wc -c",
    expect: (r) => {
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /brace expansion/i);
    },
  },
  {
    name: "writes to a read-only mount fail and change nothing",
    script:
      "echo pwned > /ro/a.txt; echo $?; rm -f /ro/a.txt; cp /ro/a.txt /ro/x 2>/dev/null; cat /ro/a.txt",
    expect: (r, fx) => {
      assert.equal(r.stdout, "1\noriginal\n");
      assert.match(r.stderr, /EROFS: read-only file system: \/ro\/a.txt/);
      assert.ok(!r.stderr.includes("/dev/null"), "2>/dev/null works");
      assert.equal(readText(fx.ns, "/ro/a.txt"), "original\n");
    },
  },
  {
    name: "the task spec cannot be rewritten",
    script: "echo '{}' > /task/spec.json; echo $?",
    expect: (r, fx) => {
      assert.equal(r.stdout, "1\n");
      assert.match(readText(fx.ns, "/task/spec.json"), /"type": "demo"/);
    },
  },
  {
    name: "mount points cannot be moved or removed",
    script: "mv /workspace /tmp/ws; rm -r /ro; ls /",
    expect: (r) => assert.equal(r.stdout, "logs\nro\ntask\ntmp\nworkspace\n"),
  },
  {
    name: "rm -rf / leaves the read-only mount and the host alone",
    script: "rm -rf /; ls /workspace | wc -l; cat /ro/a.txt",
    expect: (r, fx) => {
      assert.match(r.stdout, /original/);
      assert.equal(readText(fx.ns, "/ro/a.txt"), "original\n");
    },
  },
  {
    name: "network commands do not exist without /cap/http",
    script: "curl http://127.0.0.1:1/; wget http://127.0.0.1:1/; nc 127.0.0.1 1; ssh x",
    expect: (r) => {
      for (const cmd of ["curl", "wget", "nc", "ssh"]) {
        assert.match(r.stderr, new RegExp(`${cmd}: command not found`));
      }
    },
  },
  {
    name: "no host program can be run",
    script: "/bin/sh -c id; /usr/bin/env; exec /bin/bash; echo after",
    expect: (r) => {
      assert.match(
        r.stderr,
        /\/bin\/sh: No such file or directory|\/bin\/sh: command not found/,
      );
      assert.ok(!/uid=\d+/.test(r.stdout), r.stdout);
    },
  },
  {
    name: "guest interpreters are not available",
    script: "python3 -c 'print(1)'; node -e 1; js-exec -c 1; sqlite3 :memory: 'select 1'",
    expect: (r) => {
      assert.equal(r.stdout, "");
      assert.equal(
        r.stderr.match(/not available in this shell/g)?.length,
        4,
        r.stderr,
      );
    },
  },
  {
    name: "a nested shell sees the same namespace",
    script: "bash -c 'cat /etc/shadow; cat /workspace/escape/secret.txt'; sh -c 'ls /'",
    expect: (r) => {
      assertNoSecret(r);
      assert.match(r.stdout, /^logs\nro\ntask\ntmp\nworkspace\n$/);
    },
  },
  {
    name: "the host's environment does not leak",
    script: "env; printenv; echo $PATH",
    expect: (r) => {
      const hostPath = Deno.env.get("PATH") ?? "";
      if (hostPath !== "/usr/bin:/bin") {
        assert.ok(!r.stdout.includes(hostPath), r.stdout);
      }
      assert.ok(!r.stdout.includes(Deno.cwd()), "no host path");
    },
  },
  {
    name: "no /proc or /dev of the host",
    script: "cat /proc/self/environ /proc/version /dev/sda",
    expect: (r) => {
      assert.equal(r.stdout, "");
      assert.equal(r.exitCode, 1);
    },
  },
];

for (const row of ROWS) {
  Deno.test(`hostile: ${row.name}`, async () => {
    using fx = fixture();
    const r = await runShell(fx.ns, row.script, { limits: row.limits });
    row.expect(r, fx);
    assertHostUntouched(fx);
  });
}
