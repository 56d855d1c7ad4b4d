/**
 * Proof that the walls hold: real child processes, a hostile agent, and
 * the events each attempt leaves.
 */
import assert from "@std/assert";
import { parseManifest, RunRefusedError, type RunReport, runSandboxed } from "../../mod.ts";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "oanix-runner-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function manifestFor(dir: string, agent: string, extra = "", input = "{}"): string {
  return `task: { id: t, type: test, description: d, input: ${input} }
mounts:
  /task: task
  /logs: logs
  /workspace: { type: workspace, path: ${dir}/ws, mode: cow }
${extra}program: { module: ${fixtures}${agent} }
limits: { timeout: 20, memory: 64 }
`;
}

async function events(report: RunReport): Promise<Array<Record<string, unknown>>> {
  const text = await Deno.readTextFile(`${report.outDir}/logs/events.jsonl`);
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

function deniedValues(evts: Array<Record<string, unknown>>, permission: string): string[] {
  return evts
    .map((e) => e.data as Record<string, unknown> | undefined)
    .filter((d) => d?.denied === true && d.permission === permission)
    .map((d) => String(d!.value));
}

Deno.test("a hostile agent is walled in: every attempt fails and is a denied event", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/ws/keep.txt`, "original");
    const other = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response("leak"),
    );
    Deno.env.set("OANIX_TEST_SECRET", "s3cret");
    try {
      const port = (other.addr as Deno.NetAddr).port;
      const input = JSON.stringify({ workspace: `${dir}/ws`, port });
      const run = () =>
        runSandboxed(parseManifest(manifestFor(dir, "hostile_agent.ts", "", input), dir), {
          outDir: `${dir}/out`,
        });
      const first = await run();
      assert.equal(first.outcome, "completed", first.error);
      const results = first.result as Record<string, { ok: boolean; error?: string }>;
      for (
        const name of ["readPasswd", "readHome", "writeRealWorkspace", "fetchOther", "readEnv"]
      ) {
        assert.equal(results[name].ok, false, `${name} must fail`);
        assert.equal(results[name].error, "NotCapable", name);
      }
      for (const name of ["spawn", "ffi", "remoteImport"]) {
        assert.equal(results[name].ok, false, `${name} must fail`);
      }
      assert.equal(results.previousStorage.ok, false);
      const evts = await events(first);
      assert.ok(deniedValues(evts, "read").includes("/etc/passwd"));
      assert.ok(deniedValues(evts, "read").includes("/root"));
      assert.ok(deniedValues(evts, "write").includes(`${dir}/ws/pwned.txt`));
      assert.ok(deniedValues(evts, "net").includes(`127.0.0.1:${port}`));
      assert.ok(deniedValues(evts, "env").includes("OANIX_TEST_SECRET"));
      assert.ok(deniedValues(evts, "run").includes("/bin/sh"));
      assert.ok(deniedValues(evts, "ffi").length > 0);
      assert.ok(deniedValues(evts, "import").some((v) => v.includes("esm.sh")));
      // Nothing escaped: the real workspace is untouched.
      assert.deepEqual([...Deno.readDirSync(`${dir}/ws`)].map((e) => e.name), ["keep.txt"]);
      assert.ok(!first.command.some((a) => /allow-(net|env|run|ffi|sys|all)/.test(a)));
      // A second run cannot see what the first stored.
      const second = await run();
      const again = second.result as Record<string, { ok: boolean }>;
      assert.equal(again.previousStorage.ok, false, "localStorage must not persist across runs");
    } finally {
      Deno.env.delete("OANIX_TEST_SECRET");
      await other.shutdown();
    }
  });
});

Deno.test("a workspace holding a symlink that leads outside is refused at start", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.symlink("/etc/passwd", `${dir}/ws/passwd`);
    await assert.rejects(
      () =>
        runSandboxed(parseManifest(manifestFor(dir, "hostile_agent.ts"), dir), {
          outDir: `${dir}/out`,
        }),
      RunRefusedError,
      "passwd → /etc/passwd",
    );
  });
});

Deno.test("an infinite loop is killed at the timeout with exit code 124", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const text = manifestFor(dir, "loop_agent.ts").replace("timeout: 20", "timeout: 1.5");
    const report = await runSandboxed(parseManifest(text, dir), { outDir: `${dir}/out` });
    assert.equal(report.outcome, "timeout");
    assert.equal(report.exitCode, 124);
    assert.ok(report.durationMs < 10_000);
    const status = JSON.parse(await Deno.readTextFile(`${dir}/out/status.json`));
    assert.equal(status.outcome, "timeout");
  });
});

Deno.test("a memory bomb ends with a clear error and the host survives", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const report = await runSandboxed(
      parseManifest(manifestFor(dir, "memory_bomb_agent.ts"), dir),
      {
        outDir: `${dir}/out`,
      },
    );
    assert.equal(report.outcome, "failed");
    assert.match(report.error ?? "", /out of memory/);
    // The host carries on: the output folder is complete.
    const status = JSON.parse(await Deno.readTextFile(`${dir}/out/status.json`));
    assert.equal(status.outcome, "failed");
    assert.match(status.error, /out of memory/);
  });
});
