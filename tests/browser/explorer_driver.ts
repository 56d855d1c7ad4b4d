/// <reference lib="dom" />
/**
 * Drives the Namespace Explorer in Debian's Chromium with playwright-core
 * (no browser download), through every panel. Run by
 * `explorer_e2e_test.ts` in a child process:
 *
 * ```sh
 * deno run -A tests/browser/explorer_driver.ts http://127.0.0.1:8080/ test-artifacts/browser/
 * ```
 *
 * Why a child: loading playwright-core probes
 * `/proc/sys/fs/binfmt_misc/WSLInterop`, which Deno lets only `--allow-all`
 * read, and the test task runs without it. A child also keeps playwright's
 * pipes and timers out of the test's resource sanitizers.
 *
 * @module
 */

import assert from "@std/assert";
import { type Browser, chromium, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

async function launch(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `the browser test needs Chromium at ${CHROMIUM} (apt-get install chromium), and it is not there`,
    );
  }
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: ARGS,
      timeout: 60_000,
    });
  } catch (e) {
    throw new Error(
      `Chromium at ${CHROMIUM} could not start: ${(e as Error).message}`,
    );
  }
}

const row = (path: string) => `#tree button.row[data-path="${path}"]`;

/** Waits until `selector`'s text contains `text` (or fails naming what it saw). */
async function waitForText(
  page: Page,
  selector: string,
  text: string,
  timeout = 15_000,
) {
  try {
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent?.includes(want) ?? false,
      [selector, text] as const,
      { timeout },
    );
  } catch {
    const seen = await page.locator(selector).first().textContent().catch(() => "(absent)");
    throw new Error(
      `${selector} never contained ${JSON.stringify(text)}; it shows: ${seen}`,
    );
  }
}

/** How many distinct colours a screenshot has (sampled), decoded by the browser itself. */
function distinctColours(page: Page, png: Uint8Array): Promise<number> {
  const b64 = btoa(Array.from(png, (b) => String.fromCharCode(b)).join(""));
  return page.evaluate(async (data) => {
    const blob = await (await fetch(`data:image/png;base64,${data}`)).blob();
    const bmp = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(bmp, 0, 0);
    const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < px.length; i += 4 * 7) {
      seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
    return seen.size;
  }, b64);
}

async function screenshot(
  page: Page,
  dir: string,
  name: string,
  fullPage = false,
) {
  const png = await page.screenshot({ path: `${dir}${name}.png`, fullPage });
  const colours = await distinctColours(page, png);
  assert.ok(
    colours > 20,
    `${name}.png looks blank: ${colours} colours, ${png.length} bytes`,
  );
}

/** The page must not scroll sideways, and every panel must have room. */
async function checkLayout(page: Page, width: number): Promise<void> {
  const m = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    panels: [...document.querySelectorAll(".panel")].map((p) => {
      const r = p.getBoundingClientRect();
      return { id: p.className, w: r.width, h: r.height, right: r.right };
    }),
    text: document.body.innerText.length,
  }));
  assert.ok(
    m.scrollWidth <= width,
    `the page scrolls sideways at ${width}px: ${m.scrollWidth}`,
  );
  assert.ok(m.text > 500, `the page shows little text: ${m.text} characters`);
  for (const p of m.panels) {
    assert.ok(
      p.w > 200 && p.h > 80,
      `${p.id} is too small at ${width}px: ${p.w}×${p.h}`,
    );
    assert.ok(p.right <= width + 0.5, `${p.id} sticks out at ${width}px`);
  }
}

/** One named step of the scenario. */
type Step = (name: string, fn: () => Promise<void>) => Promise<void>;

/**
 * Goes through the page at `url`; screenshots go to `artifacts` (a folder
 * path ending in "/"). Throws on the first failure, naming the step.
 */
export async function driveExplorer(
  url: string,
  artifacts: string,
): Promise<void> {
  await Deno.mkdir(artifacts, { recursive: true });
  /** Errors the page logged, and requests that failed. */
  const problems: string[] = [];
  const step: Step = async (name, fn) => {
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      const seen = problems.length === 0 ? "" : `\nthe page reported:\n  ${problems.join("\n  ")}`;
      throw new Error(`step "${name}" failed: ${(e as Error).message}${seen}`, {
        cause: e,
      });
    }
    console.log(`ok  ${name} (${Math.round(performance.now() - t0)} ms)`);
  };
  let browser: Browser | undefined;
  try {
    browser = await launch();
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
    });
    page.setDefaultTimeout(15_000);
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on(
      "requestfailed",
      (r) => problems.push(`request failed: ${r.url()}`),
    );
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });

    await step(
      "loads, and the tree lists the root and the mounts",
      async () => {
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]');
        for (
          const p of [
            "/",
            "/task",
            "/workspace",
            "/logs",
            "/tmp",
            "/cap",
            "/cap/http",
          ]
        ) {
          await page.locator(row(p)).waitFor();
        }
        assert.equal(
          await page.locator(`${row("/workspace")} .badge`).textContent(),
          "cow",
        );
        assert.equal(
          await page.locator(`${row("/cap")} .badge`).textContent(),
          "synthesised",
        );
        await page.locator(row("/workspace/hello.txt")).waitFor();
        assert.equal(await page.locator("#errors .banner-error").count(), 0);
      },
    );

    await step(
      "edits and saves a file (Ctrl-S); Changes shows it",
      async () => {
        await page.click(row("/workspace/hello.txt"));
        await waitForText(page, "#editor-path", "/workspace/hello.txt");
        const editor = page.locator("#editor-body textarea");
        assert.match(
          await editor.inputValue(),
          /Hello from the OANIX workspace!/,
        );
        await editor.fill("Edited in Chromium by the e2e test.\n");
        assert.ok(
          await page.locator("#editor-dirty").isVisible(),
          "unsaved marker",
        );
        await editor.press("Control+s");
        await page.locator(
          '#changes li[data-path="/workspace/hello.txt"][data-change="modified"]',
        )
          .waitFor();
        assert.ok(
          await page.locator("#editor-dirty").isHidden(),
          "saved: no unsaved marker",
        );
      },
    );

    await step("creates a file with the New file dialog", async () => {
      await page.click("#new-file");
      await page.fill("#ask-input", "/workspace/notes.md");
      await page.click("#ask-ok");
      await page.locator(
        '#changes li[data-path="/workspace/notes.md"][data-change="added"]',
      )
        .waitFor();
      await waitForText(page, "#editor-path", "/workspace/notes.md");
    });

    await step("renames and deletes; Changes follows", async () => {
      await page.click(row("/workspace/notes.md"));
      await page.click("#rename");
      await page.fill("#ask-input", "/workspace/src/notes.md");
      await page.click("#ask-ok");
      await page.locator(
        '#changes li[data-path="/workspace/src/notes.md"][data-change="added"]',
      )
        .waitFor();
      await page.click(row("/workspace/README.md"));
      await page.click("#delete");
      await page.click("#ask-ok");
      await page.locator(
        '#changes li[data-path="/workspace/README.md"][data-change="deleted"]',
      )
        .waitFor();
      assert.equal(await page.locator(row("/workspace/README.md")).count(), 0);
      assert.equal(
        await page.locator('#changes li[data-path="/workspace/notes.md"]')
          .count(),
        0,
      );
    });

    await step("runs hello-wasi in the live namespace", async () => {
      await page.click("#run");
      await waitForText(page, "#run-status", "Exited with 0");
      assert.equal(await page.locator("#run-exit").textContent(), "0");
      const stdout = (await page.locator("#run-stdout").textContent())!;
      assert.match(stdout, /Hello from WASI!/);
      assert.match(stdout, /\[2\] browser/);
      assert.match(stdout, /USER=agent/);
      assert.match(
        stdout,
        /Edited in Chromium by the e2e test\./,
        "it read the saved edit",
      );
      assert.match(
        stdout,
        /Listing \/workspace:\n {2}data\/\n {2}hello\.txt\n {2}src\//,
        "listing",
      );
      await page.click(row("/tmp/output.txt"));
      await waitForText(page, "#editor-path", "/tmp/output.txt");
      assert.equal(
        await page.locator("#editor-body textarea").inputValue(),
        "Written by hello-wasi with 3 argument(s)\n",
      );
      await page.locator(row("/tmp/test-dir/nested.txt")).waitFor();
      await waitForText(page, "#logs", "wasi run finished");
      await waitForText(page, "#task-status", "task: completed");
    });

    await step("fetches through /cap/http with the page's fetch", async () => {
      await page.click("#http-send");
      await waitForText(page, "#http-status", "HTTP 200");
      await waitForText(page, "#editor-path", "/cap/http/responses/req-1.json");
      assert.match(
        await page.locator("#editor-body textarea").inputValue(),
        /fetched_through/,
      );
    });

    await step("shows a refused operation in the page", async () => {
      await page.click(row("/task"));
      await page.click("#new-dir");
      await page.click("#ask-ok");
      await waitForText(page, "#errors", "EROFS");
      await page.click("#errors .banner-error button");
      assert.equal(await page.locator("#errors .banner-error").count(), 0);
    });

    await step("is usable at 1280×800 and 390×844 (screenshots)", async () => {
      await page.click(row("/workspace/hello.txt"));
      await checkLayout(page, 1280);
      await screenshot(page, artifacts, "explorer-1280x800");
      await page.setViewportSize({ width: 390, height: 844 });
      await checkLayout(page, 390);
      await screenshot(page, artifacts, "explorer-390x844");
      await screenshot(page, artifacts, "explorer-390x844-full", true);
      await page.setViewportSize({ width: 1280, height: 800 });
    });

    await step("Reset drops the workspace changes", async () => {
      await page.click("#reset");
      await page.click("#ask-ok");
      await waitForText(page, "#changes", "No changes");
      await waitForText(page, "#logs", "workspace reset");
    });

    await step("logged no errors and no failed requests", () => {
      assert.deepEqual(
        problems,
        [],
        "the page logged errors or failed requests",
      );
      return Promise.resolve();
    });
  } finally {
    await browser?.close();
  }
}

if (import.meta.main) {
  const [url, artifacts] = Deno.args;
  if (url === undefined || artifacts === undefined) {
    console.error("usage: explorer_driver.ts URL ARTIFACTS_DIR/");
    Deno.exit(2);
  }
  try {
    await driveExplorer(
      url,
      artifacts.endsWith("/") ? artifacts : `${artifacts}/`,
    );
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(1);
  }
}
