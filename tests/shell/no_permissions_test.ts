/**
 * The shell needs nothing from the host: run in a Deno process with
 * `--no-prompt` and no grants, Deno's permission audit log shows no check
 * but the reads of SHELL_ENV_NAMES (debug switches of two libraries), and
 * with those three names granted every command works.
 */
import assert from "@std/assert";
import { SHELL_ENV_NAMES } from "../../src/shell/shell_commands.ts";
import type { ShellResult } from "../../src/shell/shell_options.ts";

const FIXTURE = new URL("./fixtures/no_permissions_shell.ts", import.meta.url);
const CONFIG = new URL("../deno.json", import.meta.url);

/** What a working shell does: files, text tools, archives, data tools, and curl through /cap/http. */
const SCRIPTS = [
  "cat /etc/passwd; ls /; sort notes.txt > /tmp/s; cat /tmp/s",
  "date > /dev/null; hostname; whoami; env | grep -c PATH",
  "echo hi | gzip | gunzip; tar cf /tmp/t.tar -C /workspace notes.txt; tar tf /tmp/t.tar",
  'echo \'{"a":[1,2]}\' | jq -c .a; echo "a: 1" | yq .a; echo a,b | xan headers',
  "md5sum notes.txt; find / -name '*.txt' | sort; diff notes.txt /tmp/s | head -1",
  "rg -c b; awk '{print NR}' notes.txt | tail -1; echo '<b>x</b>' | html-to-markdown",
  "sleep 0.01; seq 3 | xargs echo; du -a /workspace | wc -l; tree /workspace | tail -1",
  "curl -s https://example.com/x",
];

interface AuditEntry {
  permission: string;
  value: string | null;
}

async function runFixture(grantEnv: boolean): Promise<{
  code: number;
  stderr: string;
  results: Array<ShellResult & { script: string }>;
  audit: AuditEntry[];
}> {
  const dir = await Deno.makeTempDir({ prefix: "oanix_shell_audit_" });
  try {
    const auditPath = `${dir}/audit.jsonl`;
    const flags = grantEnv ? [`--allow-env=${SHELL_ENV_NAMES.join(",")}`] : [];
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--config",
        CONFIG.pathname,
        ...flags,
        FIXTURE.pathname,
        JSON.stringify(SCRIPTS),
      ],
      env: { DENO_AUDIT_PERMISSIONS: auditPath, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
    let audit: AuditEntry[] = [];
    try {
      audit = lines(await Deno.readTextFile(auditPath)).map((l) => JSON.parse(l));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e; // no check at all: no log
    }
    const stdout = new TextDecoder().decode(out.stdout);
    return {
      code: out.code,
      stderr: new TextDecoder().decode(out.stderr),
      results: lines(stdout).filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)),
      audit,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("shell without permissions: the only checks are the known environment names", async () => {
  const run = await runFixture(false);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.results.length, SCRIPTS.length, run.stderr);
  const checks = run.audit.map((a) => `${a.permission}:${a.value}`);
  assert.ok(checks.length > 0, "the audit log was written");
  for (const c of checks) {
    assert.ok(
      SHELL_ENV_NAMES.some((n) => c === `env:${n}`),
      `unexpected permission check ${c}`,
    );
  }
  // Without them, ls (minimatch) says so rather than reading anything else.
  assert.match(
    run.results[0].stderr,
    /ls: Requires env access to "__MINIMATCH_TESTING_PLATFORM__"/,
  );
});

Deno.test("shell with only SHELL_ENV_NAMES granted: every command works", async () => {
  const run = await runFixture(true);
  assert.equal(run.code, 0, run.stderr);
  const by = (i: number) => run.results[i];
  assert.deepEqual(
    [by(0).exitCode, by(0).stdout, by(0).stderr],
    [
      0,
      "cap\ntmp\nworkspace\na\nb\n",
      "cat: /etc/passwd: No such file or directory\n",
    ],
  );
  assert.equal(by(1).stdout, "localhost\nuser\n1\n");
  assert.equal(by(2).stdout, "hi\nnotes.txt\n");
  assert.equal(by(3).stdout, "[1,2]\n1\n0   a\n1   b\n");
  assert.match(
    by(4).stdout,
    /^d6b441411dbef1d4999fdc4fbdbc7828 {2}notes.txt\n\/workspace\/notes.txt\n={10}/,
  );
  assert.equal(by(5).stdout, "notes.txt:1\n2\n**x**\n");
  assert.equal(by(6).stdout, "1 2 3\n2\n0 directories, 1 file\n");
  assert.equal(by(7).stdout, "answered https://example.com/x");
  for (const r of run.results) {
    assert.ok(!r.stderr.includes("Requires"), `${r.script}: ${r.stderr}`);
  }
  for (const a of run.audit) {
    assert.ok(
      a.permission === "env" && SHELL_ENV_NAMES.includes(a.value!),
      JSON.stringify(a),
    );
  }
});
