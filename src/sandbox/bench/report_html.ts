/**
 * A benchmark's report as one self-contained HTML page (no scripts, no
 * outside files): the task × agent grid coloured by pass rate, the wall
 * time of every trial per agent as a chart, and each trial's verdict,
 * changes, logs and denied checks one click away.
 *
 * @module
 */

import { join } from "node:path/posix";
import type { BenchConfig } from "./bench_config.ts";
import { summariseResults, type TrialResult } from "./trial_result.ts";

/** The most characters of one trial's file shown in the report. */
const MAX_SHOWN = 20_000;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function excerpt(path: string): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    return text.length > MAX_SHOWN
      ? `${text.slice(0, MAX_SHOWN)}\n… ${text.length - MAX_SHOWN} more characters in ${path}`
      : text;
  } catch {
    return "";
  }
}

/** A colour from red (0) through amber to green (1). */
function colour(rate: number): string {
  const hue = Math.round(rate * 120);
  return `hsl(${hue} 65% 42%)`;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function grid(config: BenchConfig, results: TrialResult[]): string {
  const { byCell, byAgent, byTask } = summariseResults(results);
  const head = config.agents.map((a) => `<th scope="col">${esc(a.name)}</th>`).join("");
  const rows = config.tasks.map((t) => {
    const cells = config.agents.map((a) => {
      const s = byCell.get(`${t.name}\0${a.name}`);
      if (s === undefined) return `<td class="none">not run</td>`;
      const spread = s.passRateSpread > 0 ? ` ± ${percent(s.passRateSpread)}` : "";
      return `<td style="background:${colour(s.passRate)}" title="mean score ${
        s.meanScore.toFixed(2)
      }">${s.passed}/${s.trials} · ${percent(s.passRate)}${spread}</td>`;
    }).join("");
    const task = byTask.get(t.name);
    return `<tr><th scope="row">${esc(t.name)}</th>${cells}<td class="total">${
      task ? percent(task.passRate) : "–"
    }</td></tr>`;
  }).join("\n");
  const totals = config.agents.map((a) => {
    const s = byAgent.get(a.name);
    return `<td class="total">${s ? percent(s.passRate) : "–"}</td>`;
  }).join("");
  return `<table class="grid"><thead><tr><th></th>${head}<th>task</th></tr></thead>
<tbody>${rows}
<tr><th scope="row">agent</th>${totals}<td></td></tr></tbody></table>`;
}

/** Wall time of every trial, one row of dots per agent, as SVG. */
function durations(config: BenchConfig, results: TrialResult[]): string {
  const max = Math.max(1, ...results.map((r) => r.duration_ms));
  const rowH = 34;
  const left = 130;
  const width = 640;
  const h = rowH * config.agents.length + 30;
  const rows = config.agents.map((a, i) => {
    const y = 20 + i * rowH;
    const dots = results.filter((r) => r.agent === a.name).map((r) =>
      `<circle cx="${
        (left + (r.duration_ms / max) * (width - left - 10)).toFixed(1)
      }" cy="${y}" r="5" fill="${r.pass ? "hsl(120 65% 38%)" : "hsl(0 65% 45%)"}"><title>${
        esc(r.trial)
      }: ${r.duration_ms} ms${r.pass ? ", passed" : ""}</title></circle>`
    ).join("");
    return `<text x="0" y="${y + 4}">${esc(a.name)}</text><line x1="${left}" x2="${
      width - 10
    }" y1="${y}" y2="${y}" stroke="#ccc"/>${dots}`;
  }).join("");
  return `<svg viewBox="0 0 ${width} ${h}" role="img" aria-label="trial wall times per agent">
${rows}<text x="${left}" y="${h - 4}">0</text><text x="${width - 10}" y="${
    h - 4
  }" text-anchor="end">${max} ms</text></svg>`;
}

async function trialDetails(outDir: string, r: TrialResult): Promise<string> {
  const run = join(outDir, r.out_dir, "run");
  const [diff, stdout, stderr, events] = await Promise.all([
    excerpt(join(run, "changes.diff")),
    excerpt(join(run, "logs", "stdout.log")),
    excerpt(join(run, "logs", "stderr.log")),
    excerpt(join(run, "logs", "events.jsonl")),
  ]);
  const denied = events.split("\n").filter((l) => l.includes('"denied":true')).join("\n");
  const verdict = r.verdict
    ? `${r.verdict.pass ? "pass" : "fail"}, score ${r.verdict.score}: ${r.verdict.details}`
    : `no verdict: ${r.checker_error ?? "the run did not finish"}`;
  const section = (title: string, body: string) =>
    body.trim() === "" ? "" : `<h4>${title}</h4><pre>${esc(body)}</pre>`;
  return `<details id="${esc(r.trial)}"><summary class="${r.pass ? "pass" : "fail"}">${
    esc(r.trial)
  } · ${r.outcome} · ${r.pass ? "passed" : "failed"} · ${r.duration_ms} ms</summary>
<p><strong>Verdict:</strong> ${esc(verdict)}</p>${
    r.error ? `<p><strong>Run:</strong> ${esc(r.error)}</p>` : ""
  }
${section("Changes", diff)}${section("Standard output", stdout)}${
    section("Standard error", stderr)
  }${section("Denied checks and refusals", denied)}</details>`;
}

/**
 * The report page of a benchmark's results (reading each trial's files
 * from `outDir`).
 *
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("out/bench/report.html", await benchReportHtml(config, run.results, "out/bench"));
 * ```
 */
export async function benchReportHtml(
  config: BenchConfig,
  results: TrialResult[],
  outDir: string,
): Promise<string> {
  const details = (await Promise.all(results.map((r) => trialDetails(outDir, r)))).join("\n");
  const passed = results.filter((r) => r.pass).length;
  const repeats = Math.max(0, ...results.map((r) => r.repeat));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(config.name)}: OANIX benchmark</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1d1d1f}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem}
.grid{border-collapse:collapse;width:100%;overflow-x:auto;display:block}
.grid th,.grid td{padding:.45rem .6rem;border:1px solid #ddd;text-align:center;white-space:nowrap}
.grid td{color:#fff;font-weight:600}.grid td.total,.grid td.none{color:#1d1d1f;background:#f5f5f7}
.grid th[scope=row]{text-align:left}
.chart{overflow-x:auto}svg{width:100%;min-width:32rem;height:auto;font-size:12px}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer;font-weight:600}summary.pass{color:hsl(120 65% 30%)}summary.fail{color:hsl(0 65% 40%)}
pre{background:#f5f5f7;padding:.5rem;overflow-x:auto;font-size:12px;max-height:24rem}
</style></head><body>
<h1>${esc(config.name)}</h1>
<p>${results.length} trials · ${passed} passed · ${config.tasks.length} tasks × ${config.agents.length} agents × ${repeats} repeats</p>
<h2>Pass rate by task and agent</h2>
${grid(config, results)}
<h2>Wall time of each trial, by agent</h2>
<div class="chart">${durations(config, results)}</div>
<h2>Trials</h2>
${details}
</body></html>
`;
}
