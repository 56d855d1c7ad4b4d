/**
 * A benchmark's report, looked at in Chromium at two sizes: the example
 * benchmark (one repeat) is run for real, its report.html opened, the grid
 * and chart checked, a trial opened. Screenshots land in
 * test-artifacts/bench/.
 */
import assert from "@std/assert";
import { loadBenchConfig, runBench } from "../../mod.ts";
import { benchReportHtml } from "../../src/sandbox/bench/report_html.ts";
import { CHROMIUM_PATH } from "../../tools/setup_test.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const SHOTS = `${REPO}test-artifacts/bench/`;

function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

Deno.test({
  name: "the benchmark report in Chromium: grid, chart, a trial opened, two sizes",
  ignore: !hasChromium() && Deno.env.get("OANIX_REQUIRE_BROWSER") !== "1",
}, async () => {
  await withTempDir(async (dir) => {
    const config = await loadBenchConfig(`${REPO}examples/bench/bench.yaml`);
    const run = await runBench(config, {
      outDir: dir,
      repeats: 1,
      filter: "/^(todos|fix-add)\\//",
    });
    const report = `${dir}/report.html`;
    await Deno.writeTextFile(
      report,
      await benchReportHtml(config, run.results, dir),
    );
    await Deno.mkdir(SHOTS, { recursive: true });
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--config=tests/deno.json",
        "tests/browser/bench_report_driver.ts",
        report,
        SHOTS,
      ],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, `${new TextDecoder().decode(out.stderr)}\n${text}`);
    assert.equal(text.match(/^ok {2}/gm)?.length, 4, text);
    for (const size of ["1280x800", "390x844"]) {
      assert.ok((await Deno.stat(`${SHOTS}report-${size}.png`)).size > 10_000);
    }
  });
});
