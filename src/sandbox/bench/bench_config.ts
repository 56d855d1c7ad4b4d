/**
 * Benchmark files (`bench.yaml`): tasks (each an environment and a checker),
 * agents (each a program), repeats, concurrency and limits, validated like
 * manifests: every problem named with its field and line.
 *
 * ```yaml
 * name: example
 * repeats: 3
 * concurrency: 2
 * limits: { timeout: 30 }
 * tasks:
 *   find-todos:
 *     task: { id: find-todos, type: search, description: List every TODO }
 *     mounts:
 *       /task: task
 *       /workspace: { type: workspace, path: ./project, mode: cow }
 *     checker: { module: ./checkers/todos.ts }
 * agents:
 *   careful: { module: ./agents/careful.ts }
 *   quick: { wasi: ./agents/quick.wasm, args: [--fast] }
 * ```
 *
 * @module
 */

// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
// @ts-types="npm:@types/js-yaml@4.0.9"
import yaml from "npm:js-yaml@4.1.0";
import { dirname } from "node:path/posix";
import {
  FieldReader,
  type LineFinder,
  ManifestError,
  problemCollector,
  readConfigFile,
} from "../manifest/field_reader.ts";
import { type Manifest, type ProgramSpec, validateManifest } from "../manifest/manifest.ts";
import { sourceLineFinder } from "../manifest/source_lines.ts";
import { checkExpansion } from "../manifest/manifest_vars.ts";

/**
 * One task of a benchmark: its environment (a manifest without a program)
 * and the checker that judges a trial's final state.
 *
 * @example
 * ```ts ignore
 * const t: BenchTask = config.tasks[0];
 * console.log(t.name, t.checker.kind);
 * ```
 */
export interface BenchTask {
  /** The task's name (its key in `tasks`). */
  name: string;
  /** The environment's manifest data, with the bench's limits merged in (no program). */
  manifest: Manifest;
  /** The checker program, run in a sandbox of its own over the trial's final state. */
  checker: ProgramSpec;
  /** A transcript to replay for every trial of this task, when given. */
  replay?: string;
}

/**
 * One agent of a benchmark: a program, and what it adds to every task's
 * environment (mounts, limits).
 *
 * @example
 * ```ts ignore
 * const a: BenchAgent = config.agents[0];
 * console.log(a.name, a.program.path);
 * ```
 */
export interface BenchAgent {
  /** The agent's name (its key in `agents`). */
  name: string;
  /** The program it runs. */
  program: ProgramSpec;
  /** Raw mounts it adds to each task's (validated with each task). */
  mounts: Record<string, unknown>;
  /** Raw limits over the task's (validated with each task). */
  limits: Record<string, unknown>;
}

/**
 * A validated benchmark.
 *
 * @example
 * ```ts ignore
 * const config = await loadBenchConfig("bench.yaml");
 * console.log(config.tasks.length * config.agents.length * config.repeats, "trials");
 * ```
 */
export interface BenchConfig {
  /** The benchmark's name. */
  name: string;
  /** The file it came from (absolute), when it came from one. */
  file?: string;
  /** Its folder: relative paths resolve against it. */
  baseDir: string;
  /** Tasks, in file order. */
  tasks: BenchTask[];
  /** Agents, in file order. */
  agents: BenchAgent[];
  /** Trials per task and agent. */
  repeats: number;
  /** Trials run at once. */
  concurrency: number;
  /** The manifest of every trial, by task and agent (validated up front). */
  trialManifest(task: BenchTask, agent: BenchAgent): Manifest;
}

/** Keys of a task that are the bench's own; the rest is its environment (manifest data). */
const TASK_KEYS = new Set(["checker", "env"]);

/**
 * Parses and validates benchmark text. Each task's environment is validated
 * with every agent's program and mounts as the trial manifest it becomes,
 * so a bad combination is found now, not in the middle of a run.
 *
 * @throws {ManifestError} listing every problem (field and line).
 *
 * @example
 * ```ts ignore
 * const config = parseBenchConfig(await Deno.readTextFile("bench.yaml"), "/srv/bench");
 * ```
 */
export function parseBenchConfig(text: string, baseDir: string, file?: string): BenchConfig {
  if (typeof text !== "string") throw new ManifestError("", "expected benchmark text");
  let data: unknown;
  try {
    data = yaml.load(text, { schema: yaml.JSON_SCHEMA, json: false });
  } catch (e) {
    const mark = (e as { mark?: { line: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw new ManifestError("", `malformed YAML: ${reason}`, mark ? mark.line + 1 : undefined);
  }
  if (data === undefined || data === null) throw new ManifestError("", "the benchmark is empty");
  checkExpansion(data);
  const lines = sourceLineFinder(text);
  const { collect, problems } = problemCollector();
  const root = new FieldReader(data, [], lines);
  const name = collect(() => root.optionalString("name")) ?? "benchmark";
  const repeats = collect(() => root.optionalNumber("repeats", 1)) ?? 1;
  const concurrency = collect(() => root.optionalNumber("concurrency", 1)) ?? 1;
  const limits = collect(() => rawMapping(root, "limits")) ?? {};
  const rawTasks = collect(() => requiredMapping(root, "tasks")) ?? {};
  const rawAgents = collect(() => requiredMapping(root, "agents")) ?? {};
  collect(() => root.done());
  for (const [field, v] of [["repeats", repeats], ["concurrency", concurrency]] as const) {
    if (!Number.isInteger(v)) {
      problems.push(root.error([field], "expected a whole number").problems[0]);
    }
  }

  const rawEnv = new Map<string, Record<string, unknown>>();
  const rawProgram = new Map<string, Record<string, unknown>>();
  const agents: BenchAgent[] = [];
  for (const [agentName, raw] of Object.entries(rawAgents)) {
    collect(() => {
      const r = new FieldReader(raw, ["agents", agentName], lines);
      const mounts = rawMapping(r, "mounts");
      const agentLimits = rawMapping(r, "limits");
      const programData = Object.fromEntries(
        r.keys().filter((k) => k !== "mounts" && k !== "limits").map((k) => [k, r.raw(k)]),
      );
      // The program alone, validated as a manifest's program (errors mapped to the agent).
      const probe = validateAs(
        { mounts: {}, program: programData },
        baseDir,
        agentLines(lines, agentName),
        `agents.${agentName}.`,
        true,
      );
      agents.push({ name: agentName, program: probe.program!, mounts, limits: agentLimits });
      rawProgram.set(agentName, programData);
    });
  }

  const tasks: BenchTask[] = [];
  for (const [taskName, raw] of Object.entries(rawTasks)) {
    collect(() => {
      const r = new FieldReader(raw, ["tasks", taskName], lines);
      const checkerData = r.raw("checker");
      if (checkerData === undefined) throw r.error([...r.path, "checker"], "is required");
      const env: Record<string, unknown> = {};
      for (const k of r.keys()) if (!TASK_KEYS.has(k)) env[k] = r.raw(k);
      if (r.has("env")) throw r.error([...r.path, "env"], "give the environment inline");
      const taskLines: LineFinder = (p) => lines(["tasks", taskName, ...p]);
      const envData = { ...env, limits: { ...limits, ...(env.limits as object ?? {}) } };
      const manifest = validateAs(envData, baseDir, taskLines, `tasks.${taskName}.`);
      for (const [point, spec] of Object.entries(manifest.mounts)) {
        if (spec.type === "workspace" && spec.mode === "rw") {
          throw r.error(
            [...r.path, "mounts", point, "mode"],
            "trials would share the real folder: mount it cow (each trial gets its own view)",
          );
        }
      }
      rawEnv.set(taskName, envData);
      const checker = validateAs(
        { mounts: {}, program: checkerData },
        baseDir,
        (p) => lines(["tasks", taskName, "checker", ...p.slice(1)]),
        `tasks.${taskName}.checker.`,
        true,
      ).program!;
      tasks.push({
        name: taskName,
        manifest,
        checker,
        ...(manifest.replay === undefined ? {} : { replay: manifest.replay }),
      });
    });
  }
  if (tasks.length === 0 && rawTasks && Object.keys(rawTasks).length === 0) {
    problems.push(root.error(["tasks"], "list at least one task").problems[0]);
  }
  if (agents.length === 0 && rawAgents && Object.keys(rawAgents).length === 0) {
    problems.push(root.error(["agents"], "list at least one agent").problems[0]);
  }

  // Every task with every agent: the trial manifests, validated now.
  const trials = new Map<string, Manifest>();
  for (const task of tasks) {
    for (const agent of agents) {
      collect(() => {
        const env = rawEnv.get(task.name)!;
        const data = {
          ...env,
          mounts: { ...(env.mounts as object ?? {}), ...agent.mounts },
          program: rawProgram.get(agent.name),
          limits: { ...(env.limits as object), ...agent.limits },
        };
        const where: LineFinder = (p) =>
          p[0] === "program"
            ? lines(["agents", agent.name, ...p.slice(1)])
            : lines(["tasks", task.name, ...p]);
        trials.set(
          `${task.name}\0${agent.name}`,
          validateAs(data, baseDir, where, `tasks.${task.name} with agents.${agent.name}: `),
        );
      });
    }
  }
  if (problems.length > 0) {
    throw ManifestError.of(
      problems.map((p, i) => ({ p, i })).sort((a, b) =>
        (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i
      ).map(({ p }) => p),
    );
  }
  return {
    name,
    ...(file === undefined ? {} : { file }),
    baseDir,
    tasks,
    agents,
    repeats,
    concurrency,
    trialManifest: (task, agent) => {
      const m = trials.get(`${task.name}\0${agent.name}`);
      if (m === undefined) throw new Error(`no trial manifest for ${task.name} × ${agent.name}`);
      return m;
    },
  };
}

/**
 * Reads and validates a benchmark file; relative paths inside it resolve
 * against its folder.
 *
 * @throws {ManifestError} when the file is missing, unreadable or invalid.
 *
 * @example
 * ```ts ignore
 * const config = await loadBenchConfig("examples/bench/bench.yaml");
 * ```
 */
export async function loadBenchConfig(path: string): Promise<BenchConfig> {
  const { full, text } = await readConfigFile(path, "benchmark");
  return parseBenchConfig(text, dirname(full), full);
}

function requiredMapping(r: FieldReader, key: string): Record<string, unknown> {
  if (!r.has(key)) throw r.error([...r.path, key], "is required");
  return rawMapping(r, key);
}

function rawMapping(r: FieldReader, key: string): Record<string, unknown> {
  if (!r.has(key)) {
    r.raw(key);
    return {};
  }
  const m = r.object(key);
  return Object.fromEntries(m.keys().map((k) => [k, m.raw(k)]));
}

function agentLines(lines: LineFinder, agent: string): LineFinder {
  return (p) => lines(["agents", agent, ...(p[0] === "program" ? p.slice(1) : p)]);
}

/** Validates manifest data; problems' fields get `prefix`, lines come from `lines`. */
function validateAs(
  data: Record<string, unknown>,
  baseDir: string,
  lines: LineFinder,
  prefix = "",
  stripProgram = false,
): Manifest {
  try {
    return validateManifest(data, baseDir, lines);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    throw ManifestError.of(e.problems.map((p) => ({
      ...p,
      field: (prefix + (stripProgram ? p.field.replace(/^program\.?/, "") : p.field)).replace(
        /\.$/,
        "",
      ),
    })));
  }
}
