/**
 * The warm start: a pool of children started ahead of their runs serves
 * each run from a waiting child, one child per run, with the run's own
 * grant; the walls hold as without it; closing it leaves nothing running.
 */
import assert from "@std/assert";
import { ChildPool, parseManifest, runSandboxed } from "../../mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;

Deno.test("runs from a pool use waiting children, one each, and complete as without it", async () => {
  const pool = new ChildPool({ size: 1 });
  try {
    await withTempDir(async (dir) => {
      const text = `task: { id: t, type: x, description: d, input: { word: warm } }
mounts:
  /task: task
program: { module: ${fixtures}echo_agent.ts }
`;
      const manifest = parseManifest(text, dir);
      const reports = [];
      for (let i = 0; i < 3; i++) {
        reports.push(
          await runSandboxed(manifest, { outDir: `${dir}/out${i}`, pool }),
        );
      }
      for (const r of reports) {
        assert.equal(r.outcome, "completed", r.error);
        assert.deepEqual(r.result, { echoed: "warm" });
      }
      assert.equal(
        new Set(reports.map((r) => r.command.join(" "))).size,
        3,
        "a child per run",
      );
      const stats = pool.stats();
      assert.equal(
        stats.takenReady,
        2,
        "the second and third runs found a child waiting",
      );
      assert.equal(stats.idle, 1);
    });
  } finally {
    await pool.close();
  }
  assert.equal(pool.stats().idle, 0);
  await assert.rejects(
    () => pool.take("k", () => Promise.reject(new Error("no"))),
    Error,
    "closed",
  );
});

Deno.test("the walls hold from a pool: a hostile agent's attempts all fail", async () => {
  const pool = new ChildPool({ size: 1 });
  try {
    await withTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/ws`);
      const text =
        `task: { id: t, type: x, description: d, input: { workspace: "${dir}/ws", port: 9 } }
mounts:
  /task: task
  /logs: logs
  /workspace: { type: workspace, path: ${dir}/ws, mode: cow }
program: { module: ${fixtures}hostile_agent.ts }
limits: { timeout: 20 }
`;
      for (let i = 0; i < 2; i++) {
        const report = await runSandboxed(parseManifest(text, dir), {
          outDir: `${dir}/o${i}`,
          pool,
        });
        assert.equal(report.outcome, "completed", report.error);
        const results = report.result as Record<string, { ok: boolean }>;
        for (
          const name of [
            "readPasswd",
            "readHome",
            "writeRealWorkspace",
            "readEnv",
            "spawn",
          ]
        ) {
          assert.equal(results[name].ok, false, `${name} must fail (run ${i})`);
        }
        assert.equal(
          results.previousStorage.ok,
          false,
          "nothing carries over between runs",
        );
      }
    });
  } finally {
    await pool.close();
  }
});

Deno.test("a pool refuses a size that is not a positive integer", () => {
  for (const size of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new ChildPool({ size }), TypeError, "size");
  }
});
