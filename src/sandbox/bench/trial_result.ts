/**
 * What a benchmark trial left: one line of `results.jsonl` per trial, and
 * reading them back (to resume, to summarise, to report).
 *
 * @module
 */

import type { RunOutcome } from "../runner/run_types.ts";

/**
 * A checker's verdict on a trial: written by the checker to its
 * `/task/result.json`.
 *
 * @example
 * ```ts
 * import type { Verdict } from "@oanix/oanix";
 * const v: Verdict = { pass: true, score: 1, details: "all 4 TODOs found" };
 * ```
 */
export interface Verdict {
  /** Whether the trial passed. */
  pass: boolean;
  /** A score from 0 to 1. */
  score: number;
  /** Why, in words. */
  details: string;
}

/**
 * One trial, as `results.jsonl` holds it (snake_case, like every JSON the
 * CLI writes).
 *
 * @example
 * ```ts
 * import type { TrialResult } from "@oanix/oanix";
 * const ok = (r: TrialResult) => r.pass;
 * ```
 */
export interface TrialResult {
  /** `task/agent/repeat`. */
  trial: string;
  /** The task's name. */
  task: string;
  /** The agent's name. */
  agent: string;
  /** The repeat, from 1. */
  repeat: number;
  /** How the agent's run ended. */
  outcome: RunOutcome;
  /** Its exit code. */
  exit_code: number;
  /** Why the run failed, when it did. */
  error: string | null;
  /** The checker's verdict, or null when there was none (the checker failed). */
  verdict: Verdict | null;
  /** Whether the trial passed: the run completed and the verdict passed. */
  pass: boolean;
  /** The verdict's score, 0 when there is none. */
  score: number;
  /** Why the checker gave no verdict, when it did not. */
  checker_error: string | null;
  /** The agent run's wall time. */
  duration_ms: number;
  /** Workspace changes the agent made. */
  changes: number;
  /** Denied permission checks and refusals in the namespace. */
  denied: number;
  /** The trial's output folder, relative to the benchmark's output folder. */
  out_dir: string;
  /** When the trial ended (ISO 8601). */
  finished_at: string;
}

/**
 * Reads `results.jsonl`: the trials already done. A line that does not
 * parse (a trial cut off mid-write) is skipped and counted.
 *
 * @example
 * ```ts ignore
 * const { results, skipped } = await readResults("out/bench/results.jsonl");
 * ```
 */
export async function readResults(
  path: string,
): Promise<{ results: TrialResult[]; skipped: number }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { results: [], skipped: 0 };
    throw e;
  }
  const results: TrialResult[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as TrialResult;
      if (typeof r.trial === "string" && typeof r.pass === "boolean") results.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { results, skipped };
}

/**
 * Appends one result as a whole line (one write, so a kill leaves whole
 * lines or none).
 *
 * @example
 * ```ts ignore
 * await appendResult("out/bench/results.jsonl", result);
 * ```
 */
export async function appendResult(path: string, result: TrialResult): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(result) + "\n", { append: true, create: true });
}

/**
 * Pass rate and score of a group of trials, with their spread over repeats.
 *
 * @example
 * ```ts
 * import type { GroupSummary } from "@oanix/oanix";
 * const line = (g: GroupSummary) => `${(g.passRate * 100).toFixed(0)}% ± ${g.passRateSpread}`;
 * ```
 */
export interface GroupSummary {
  /** Trials in the group. */
  trials: number;
  /** Passed trials. */
  passed: number;
  /** passed / trials. */
  passRate: number;
  /** The standard deviation of the per-repeat pass rates (0 with one repeat). */
  passRateSpread: number;
  /** The mean score. */
  meanScore: number;
  /** The mean wall time of the agent runs. */
  meanDurationMs: number;
}

function summarise(results: TrialResult[]): GroupSummary {
  const trials = results.length;
  const passed = results.filter((r) => r.pass).length;
  const byRepeat = new Map<number, { n: number; p: number }>();
  for (const r of results) {
    const g = byRepeat.get(r.repeat) ?? { n: 0, p: 0 };
    g.n++;
    if (r.pass) g.p++;
    byRepeat.set(r.repeat, g);
  }
  const rates = [...byRepeat.values()].map((g) => g.p / g.n);
  const mean = rates.reduce((a, b) => a + b, 0) / (rates.length || 1);
  const spread = Math.sqrt(rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (rates.length || 1));
  const avg = (f: (r: TrialResult) => number) =>
    trials === 0 ? 0 : results.reduce((a, r) => a + f(r), 0) / trials;
  return {
    trials,
    passed,
    passRate: trials === 0 ? 0 : passed / trials,
    passRateSpread: Number(spread.toFixed(4)),
    meanScore: avg((r) => r.score),
    meanDurationMs: avg((r) => r.duration_ms),
  };
}

/**
 * A benchmark's results summarised per agent, per task, and per task ×
 * agent cell.
 *
 * @example
 * ```ts
 * import { summariseResults } from "@oanix/oanix";
 * console.log(summariseResults([]).byAgent.size); // 0
 * ```
 */
export function summariseResults(results: TrialResult[]): {
  byAgent: Map<string, GroupSummary>;
  byTask: Map<string, GroupSummary>;
  byCell: Map<string, GroupSummary>;
} {
  const group = (key: (r: TrialResult) => string) => {
    const groups = new Map<string, TrialResult[]>();
    for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return new Map([...groups].map(([k, rs]) => [k, summarise(rs)]));
  };
  return {
    byAgent: group((r) => r.agent),
    byTask: group((r) => r.task),
    byCell: group((r) => `${r.task}\0${r.agent}`),
  };
}
