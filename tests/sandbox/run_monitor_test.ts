/**
 * The runner's watch on its child: memory as the kernel counts it, with
 * the peak taken from the kernel's high-water mark, so a burst between
 * two readings still shows in the report.
 */
import assert from "@std/assert";
import { readProcStats } from "../../src/sandbox/runner/process_stats.ts";
import { watchChild } from "../../src/sandbox/runner/run_monitor.ts";
import { AuditTail } from "../../src/sandbox/runner/audit.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/**
 * Whether this process can read `/proc`: "yes"; "denied" on Linux when the
 * grant is narrower than --allow-all (Deno lets only --allow-all read
 * `/proc`, and the README's test command grants less); "absent" elsewhere.
 */
const procAccess = (() => {
  try {
    Deno.statSync(`/proc/${Deno.pid}/status`);
    return "yes";
  } catch (e) {
    return e instanceof Deno.errors.NotCapable ? "denied" : "absent";
  }
})();
const hasProc = procAccess === "yes";

if (procAccess === "denied") {
  Deno.test("the watch's /proc specs, run in a child with --allow-all (this grant cannot read /proc)", async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        "--config",
        new URL("../deno.json", import.meta.url).pathname,
        "--allow-all",
        new URL(import.meta.url).pathname,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.ok(out.success, text);
    assert.match(text, /ok \| 2 passed \| 0 failed/, text);
    assert.doesNotMatch(text, /ignored/, text);
  });
}

Deno.test({
  name: "readProcStats: resident memory, its high-water mark and threads; nothing for a gone pid",
  ignore: !hasProc,
  fn: async () => {
    const now = readProcStats(Deno.pid)!;
    assert.ok(now.rssBytes > 0);
    assert.ok(now.peakRssBytes !== undefined && now.peakRssBytes >= now.rssBytes);
    assert.ok(now.threads >= 1);
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    assert.equal(readProcStats(gone.pid), undefined);
  },
});

Deno.test({
  name: "watchChild: a burst of memory freed before the next reading still sets the peak",
  ignore: !hasProc,
  fn: () =>
    withTempDir(async (dir) => {
      // The child holds 200 MiB for a moment, lets it go, and waits: the watch reads it only after.
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          "--v8-flags=--expose-gc",
          `let b = new Uint8Array(200 << 20).fill(1); b = null; globalThis.gc();
           console.log("freed"); await new Promise((r) => setTimeout(r, 3000));`,
        ],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      try {
        assert.equal((await reader.read()).value?.trim(), "freed");
        const tail = new AuditTail(`${dir}/audit.jsonl`, { read: [], write: [], net: [] }, dir);
        const breaches: string[] = [];
        const watch = watchChild(child.pid, tail, { auditBytes: 1 << 20 }, (b) => {
          breaches.push(b.limit);
        });
        // Once the watch knows where its stats come from (it asks first), a reading counts.
        for (let i = 0; i < 100 && watch.peakRssBytes() === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
          watch.sampleNow();
        }
        await watch.stop();
        const rss = readProcStats(child.pid)!.rssBytes;
        assert.ok(watch.peakRssBytes() >= 200 * 2 ** 20, `peak ${watch.peakRssBytes()}`);
        assert.ok(rss < watch.peakRssBytes() - 100 * 2 ** 20, "the burst is gone from the RSS now");
        assert.deepEqual(breaches, [], "no limit was set, so none is passed");
      } finally {
        await reader.cancel();
        child.kill();
        await child.status;
      }
    }),
});
