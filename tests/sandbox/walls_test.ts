/**
 * The walls around a run, second round, each against a real hostile child:
 * the run cannot outlive its runner, limits hold for every kind of memory
 * and for threads, the host's evidence cannot be drowned or faked, and the
 * audit log cannot fill the disk.
 */
import assert from "@std/assert";
import { parseManifest, type RunReport, runSandboxed } from "../../mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;
const CLI = new URL("../../cli.ts", import.meta.url).pathname;

function manifest(
  dir: string,
  agent: string,
  extra: { args?: string; limits?: string } = {},
) {
  return `task: { id: t, type: test, description: d }
mounts:
  /task: task
  /logs: logs
  /workspace: { type: workspace, path: ${dir}/ws, mode: rw }
program: { module: ${fixtures}${agent}, args: [${extra.args ?? ""}] }
limits: { timeout: 30${extra.limits ?? ""} }
`;
}

async function ps(args: string[]): Promise<string> {
  const out = await new Deno.Command("ps", {
    args,
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

/** The processes whose parent is `pid` (ps, since /proc needs --allow-all). */
async function childrenOf(pid: number): Promise<number[]> {
  return (await ps(["--ppid", String(pid), "-o", "pid="])).split("\n").filter((
    l,
  ) => l.trim())
    .map(Number);
}

/** Whether `pid` is a live process (not gone, not a zombie). */
async function alive(pid: number): Promise<boolean> {
  const state = (await ps(["-p", String(pid), "-o", "stat="])).trim();
  return state !== "" && !state.startsWith("Z");
}

/** The runs' work folders in the temporary folder. */
function workFolders(): Set<string> {
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  return new Set(
    [...Deno.readDirSync(tmp)].filter((e) => e.name.startsWith("oanix-run-"))
      .map((e) => `${tmp}/${e.name}`),
  );
}

async function until(
  what: string,
  test: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `oanix run` of the ticking agent as its own process; resolves once the agent ticks. */
async function startTicking(dir: string) {
  await Deno.mkdir(`${dir}/ws`);
  await Deno.writeTextFile(
    `${dir}/env.yaml`,
    manifest(dir, "ticking_agent.ts"),
  );
  const before = workFolders();
  const runner = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "env.yaml", "--out", "out", "--quiet"],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await until("the agent's first tick", () => {
    try {
      return Deno.statSync(`${dir}/ws/tick.txt`).isFile;
    } catch {
      return false;
    }
  });
  const [child] = await childrenOf(runner.pid);
  assert.ok(child !== undefined, "the runner has its child");
  const workDirs = [...workFolders()].filter((d) => !before.has(d));
  return { runner, child, workDirs };
}

Deno.test("SIGKILL to the runner alone: the run ends within a second, the agent writes no more", async () => {
  await withTempDir(async (dir) => {
    const { runner, child } = await startTicking(dir);
    runner.kill("SIGKILL");
    await runner.status;
    await until("the child to end", async () => !(await alive(child)), 1000);
    const tick = await Deno.readTextFile(`${dir}/ws/tick.txt`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      await Deno.readTextFile(`${dir}/ws/tick.txt`),
      tick,
      "no write after the end",
    );
  });
});

Deno.test("SIGINT to the group, the agent ignoring signals: exit 130, a partial output folder, nothing left", async () => {
  await withTempDir(async (dir) => {
    const { runner, child, workDirs } = await startTicking(dir);
    runner.kill("SIGINT");
    try {
      Deno.kill(child, "SIGINT");
    } catch { /* already gone */ }
    const status = await runner.status;
    assert.equal(status.code, 130);
    await until("the child to end", async () => !(await alive(child)), 1000);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/out/status.json`));
    assert.equal(out.outcome, "interrupted");
    assert.equal(out.exit_code, 130);
    await Deno.stat(`${dir}/out/logs/events.jsonl`);
    assert.equal(workDirs.length, 1, "the run made one work folder");
    await assert.rejects(
      () => Deno.stat(workDirs[0]),
      Deno.errors.NotFound,
      "it is gone",
    );
  });
});

async function run(
  dir: string,
  agent: string,
  extra: { args?: string; limits?: string } = {},
) {
  await Deno.mkdir(`${dir}/ws`, { recursive: true });
  return await runSandboxed(parseManifest(manifest(dir, agent, extra), dir), {
    outDir: `${dir}/out`,
  });
}

function assertMemory(report: RunReport): void {
  assert.equal(report.outcome, "memory", report.error);
  assert.equal(report.exitCode, 137);
  assert.match(report.error ?? "", /limits\.memory/);
}

Deno.test("memory outside the V8 heap is limited: ArrayBuffers", async () => {
  await withTempDir(async (dir) => {
    assertMemory(
      await run(dir, "hoarding_agent.ts", {
        args: "buffers",
        limits: ", memory: 128",
      }),
    );
  });
});

Deno.test("memory outside the V8 heap is limited: workers each filling a heap", async () => {
  await withTempDir(async (dir) => {
    assertMemory(
      await run(dir, "hoarding_agent.ts", {
        args: "workers",
        limits: ", memory: 128",
      }),
    );
  });
});

Deno.test("memory outside the V8 heap is limited: a WASI guest growing its memory", async () => {
  const { wat } = await import("../wasi/_helpers.ts");
  // Grows by 16 MiB at a time and writes every page of it, forever.
  const grower = await wat(`(module
    (memory (export "memory") 1)
    (func (export "_start") (local $p i32) (local $end i32)
      (loop $grow
        (local.set $p (i32.mul (memory.grow (i32.const 256)) (i32.const 65536)))
        (local.set $end (i32.add (local.get $p) (i32.const 16777216)))
        (loop $touch
          (i32.store (local.get $p) (i32.const 7))
          (local.set $p (i32.add (local.get $p) (i32.const 4096)))
          (br_if $touch (i32.lt_u (local.get $p) (local.get $end))))
        (br $grow))))`);
  await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/grow.wasm`, grower);
    const text =
      "mounts:\n  /tmp: mem\nprogram: { wasi: grow.wasm }\nlimits: { timeout: 30, memory: 128 }\n";
    assertMemory(
      await runSandboxed(parseManifest(text, dir), { outDir: `${dir}/out` }),
    );
  });
});

Deno.test("threads are limited: workers past limits.threads end the run", async () => {
  await withTempDir(async (dir) => {
    const report = await run(dir, "hoarding_agent.ts", {
      args: "workers, '30'",
      limits: ", threads: 16",
    });
    assert.equal(report.outcome, "limit", report.error);
    assert.equal(report.exitCode, 125);
    assert.match(report.error ?? "", /limits\.threads \(16/);
    assert.ok(
      report.hostEvents.some((e) => (e.data as { limit?: string }).limit === "threads"),
    );
  });
});

Deno.test("an agent flooding and forging events cannot remove or fake one host event", async () => {
  await withTempDir(async (dir) => {
    const report = await run(dir, "forging_events_agent.ts", {
      limits: ", max_output: 20000",
    });
    assert.equal(report.outcome, "completed", report.error);
    assert.ok(
      report.truncated.events > 0,
      "the agent's events passed their budget",
    );
    const events = (await Deno.readTextFile(`${dir}/out/logs/events.jsonl`))
      .trim().split("\n")
      .map((l) => JSON.parse(l));
    const host = events.filter((e) => e.origin === "oanix");
    // The real refusal and the real denied read are there, marked by the host.
    assert.ok(
      host.some((e) => e.data.source === "namespace" && e.data.code === "EROFS"),
    );
    assert.ok(
      host.some((e) =>
        e.data.source === "deno-audit" && e.data.value === "/etc/passwd" &&
        e.data.denied
      ),
    );
    // Every event marked as the host's is one the host made: no forged "granted /etc/passwd".
    assert.ok(
      !host.some((e) =>
        e.data.source === "deno-audit" && e.data.value === "/etc/passwd" &&
        !e.data.denied
      ),
    );
    const agent = events.filter((e) => e.origin === "agent");
    assert.ok(agent.length > 0 && agent.every((e) => e.origin === "agent"));
    assert.equal(
      events.length,
      host.length + agent.length,
      "every event has its origin",
    );
    // postMessage(null) and a malformed RPC from the agent did not crash the child.
    assert.deepEqual(report.result, { forged: 3000 });
  });
});

Deno.test("an audit log flood is stopped at its size limit, not left to fill the disk", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const report = await runSandboxed(
      parseManifest(manifest(dir, "checking_agent.ts"), dir),
      {
        outDir: `${dir}/out`,
        maxAuditBytes: 2 * 1024 * 1024,
      },
    );
    assert.equal(report.outcome, "limit", report.error);
    assert.match(report.error ?? "", /audit log passed 2 MiB/);
    const flood = report.checks.filter((c) => c.denied && c.permission === "read");
    assert.ok(
      flood.reduce((n, c) => n + c.count, 0) > 10_000,
      "the checks were counted",
    );
  });
});
