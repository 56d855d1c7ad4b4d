/**
 * `oanix bench`: runs a benchmark with live progress (one line on a
 * terminal, a line per trial elsewhere), then prints the summary table and
 * writes `report.html`.
 *
 * @module
 */

import { join } from "node:path/posix";
import { type BenchConfig, loadBenchConfig } from "../bench/bench_config.ts";
import { benchReportHtml } from "../bench/report_html.ts";
import { runBenchOnQueue } from "../bench/queue_bench.ts";
import {
  type BenchOptions,
  type BenchProgress,
  type BenchRun,
  runBench,
} from "../bench/run_bench.ts";
import { type GroupSummary, summariseResults, type TrialResult } from "../bench/trial_result.ts";
import { ManifestError } from "../manifest/field_reader.ts";
import { EXIT_CODES } from "../runner/run_types.ts";
import type { ParsedArgs } from "./args.ts";
import type { CliIo } from "./cli.ts";
import { errorJson } from "./report_json.ts";
import { DEFAULT_STORE } from "./worker_command.ts";

const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

function progressText(p: BenchProgress): string {
  const eta = p.etaMs === null ? "" : ` · about ${seconds(p.etaMs)} left`;
  const running = p.running.length ? ` · running ${p.running.join(", ")}` : "";
  return `[oanix] bench ${p.done}/${p.total} · ${p.passed} passed · ${p.failed} failed${running}${eta}`;
}

function trialLine(r: TrialResult): string {
  const how = r.pass
    ? `passed (score ${r.score.toFixed(2)})`
    : r.verdict
    ? `failed (score ${r.score.toFixed(2)}: ${r.verdict.details})`
    : `failed (${r.outcome}${
      r.checker_error ? `; ${r.checker_error}` : r.error ? `: ${r.error}` : ""
    })`;
  return `[oanix] ${r.trial} ${how} in ${r.duration_ms} ms\n`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd())
    .join("\n") + "\n";
}

function row(name: string, s: GroupSummary): string[] {
  const spread = s.passRateSpread > 0 ? ` ± ${Math.round(s.passRateSpread * 100)}` : "";
  return [
    name,
    `${s.passed}/${s.trials}`,
    `${Math.round(s.passRate * 100)}%${spread}`,
    s.meanScore.toFixed(2),
    `${Math.round(s.meanDurationMs)} ms`,
  ];
}

/** The summary table: pass rate per agent and per task, with spread over repeats. */
export function benchSummaryText(config: BenchConfig, results: TrialResult[]): string {
  const { byAgent, byTask } = summariseResults(results);
  const head = ["", "passed", "pass rate", "score", "mean time"];
  const agents = [
    ["AGENT", ...head.slice(1)],
    ...config.agents.flatMap((a) => {
      const s = byAgent.get(a.name);
      return s ? [row(a.name, s)] : [];
    }),
  ];
  const tasks = [
    ["TASK", ...head.slice(1)],
    ...config.tasks.flatMap((t) => {
      const s = byTask.get(t.name);
      return s ? [row(t.name, s)] : [];
    }),
  ];
  return `${table(agents)}\n${table(tasks)}`;
}

/** Runs `oanix bench`; returns the exit code. */
export async function benchCommand(parsed: ParsedArgs, io: CliIo): Promise<number> {
  let config: BenchConfig;
  try {
    config = await loadBenchConfig(parsed.file!);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    const lines = e.problems.map((p) =>
      `${p.field || "benchmark"}: ${p.problem}${p.line === undefined ? "" : ` (line ${p.line})`}`
    );
    if (parsed.json) {
      io.out(JSON.stringify(errorJson("manifest", lines.join("; "), e.problems)) + "\n");
    } else io.err(lines.map((l) => `oanix: ${parsed.file}: ${l}\n`).join(""));
    return EXIT_CODES.usage;
  }
  const outDir = parsed.out ?? join("out", "bench", config.name.replace(/[^\w.-]+/g, "-"));
  const terminal = io.isTerminal === true && !parsed.quiet;
  let shown = false;
  const options: BenchOptions = {
    outDir,
    ...(parsed.filter === undefined ? {} : { filter: parsed.filter }),
    ...(parsed.repeats === undefined ? {} : { repeats: parsed.repeats }),
    ...(parsed.concurrency === undefined ? {} : { concurrency: parsed.concurrency }),
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress: (p) => {
      if (!terminal) return;
      io.err(`\r\x1b[2K${progressText(p)}`);
      shown = true;
    },
    onTrial: (r) => {
      if (parsed.quiet) return;
      if (terminal) io.err(`\r\x1b[2K${trialLine(r)}`);
      else io.err(trialLine(r));
    },
  };
  let run: BenchRun;
  try {
    run = parsed.queue === undefined
      ? await runBench(config, options)
      : await runBenchOnQueue(config, options, {
        url: parsed.queue,
        storeDir: parsed.store ?? DEFAULT_STORE,
        onError: (e) => io.err(`\r\x1b[2K[oanix] queue: ${e.message}\n`),
      });
  } catch (e) {
    if (parsed.queue === undefined) throw e;
    io.err(`${shown ? "\r\x1b[2K" : ""}oanix: ${(e as Error).message}\n`);
    return e instanceof TypeError ? EXIT_CODES.usage : EXIT_CODES.failed;
  }
  if (shown) io.err("\r\x1b[2K");
  const reportPath = join(outDir, "report.html");
  await Deno.writeTextFile(reportPath, await benchReportHtml(config, run.results, outDir));
  if (parsed.json) {
    const { byAgent, byTask } = summariseResults(run.results);
    io.out(
      JSON.stringify(
        {
          name: config.name,
          out_dir: outDir,
          total: run.total,
          recorded: run.results.length,
          ran: run.ran,
          resumed: run.resumed,
          interrupted: run.interrupted,
          duration_ms: run.durationMs,
          by_agent: Object.fromEntries(byAgent),
          by_task: Object.fromEntries(byTask),
          report: reportPath,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    io.out(
      `\n${benchSummaryText(config, run.results)}\n` +
        `[oanix] ${run.results.length}/${run.total} trials recorded (${run.ran} now, ${run.resumed} kept) ` +
        `in ${seconds(run.durationMs)}${run.interrupted ? "; stopped before the end" : ""}\n` +
        `[oanix] results: ${join(outDir, "results.jsonl")}\n[oanix] report: ${reportPath}\n`,
    );
  }
  return run.interrupted ? EXIT_CODES.interrupted : 0;
}
