/**
 * Looks at a benchmark report in Debian's Chromium (playwright-core): the
 * grid, the chart, a trial opened, at 1280×800 and 390×844, with
 * screenshots. Prints one "ok  <step>" line per step; run by
 * bench_report_e2e_test.ts in a child with --allow-all (playwright-core
 * reads /proc, which Deno lets only --allow-all read).
 *
 *   deno run -A --config=tests/deno.json tests/browser/bench_report_driver.ts REPORT.html SHOTS_DIR/
 */
import { chromium } from "playwright-core";
import { CHROMIUM_PATH } from "../../tools/setup_test.ts";

const [report, shots] = Deno.args;
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
  ],
  timeout: 60_000,
});
try {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`file://${report}`);
    const cells = await page.locator("table.grid tbody td[style]").count();
    if (cells !== 4) {
      throw new Error(`the grid shows ${cells} coloured cells, not 4`);
    }
    const dots = await page.locator("svg circle").count();
    if (dots < 4) throw new Error(`the chart shows ${dots} trials`);
    console.log(`ok  grid and chart at ${width}x${height}`);
    const trial = page.locator("details").first();
    await trial.locator("summary").click();
    const text = await trial.textContent() ?? "";
    if (!text.includes("Verdict:")) {
      throw new Error("an opened trial shows no verdict");
    }
    console.log(`ok  a trial opens at ${width}x${height}`);
    // Nothing wider than the screen but the grid's own scroller.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    if (overflow > 1) {
      throw new Error(`the page is ${overflow} px wider than the screen`);
    }
    await page.screenshot({
      path: `${shots}report-${width}x${height}.png`,
      fullPage: true,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
