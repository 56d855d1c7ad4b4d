/**
 * The `oanix` command line: `run`, `explain`, `check` and `mcp` over
 * manifests, and `bench` over benchmarks. What only `bench`, `mcp` and
 * `worker` need is loaded when they run: a plain `oanix run` starts faster
 * and smaller without it.
 *
 * @module
 */

import { resolve } from "../manifest/posix_path.ts";
import { ManifestError, type ManifestProblem } from "../manifest/field_reader.ts";
import { loadManifest } from "../manifest/load_manifest.ts";
import type { Manifest } from "../manifest/manifest.ts";
import { preflight, RunRefusedError } from "../runner/preflight.ts";
import { EXIT_CODES, type RunReport, runSandboxed } from "../runner/runner.ts";
import { AgentOutput, neutralize } from "./agent_output.ts";
import { type Command, parseArgs, type ParsedArgs, UsageError } from "./args.ts";
import { explainManifest, explanationOf } from "./explain.ts";
import { CLI_HELP, COMMAND_HELP } from "./help.ts";
import { ProgressLine } from "./progress_line.ts";
import { errorJson, runReportJson } from "./report_json.ts";
import { VERSION } from "./version.ts";

/**
 * Where the CLI writes; tests pass their own.
 *
 * @example
 * ```ts
 * import type { CliIo } from "@oanix/oanix/cli";
 * let out = "";
 * const io: CliIo = { out: (t) => (out += t), err: () => {} };
 * ```
 */
export interface CliIo {
  /** Normal output. */
  out: (text: string) => void;
  /** Diagnostics and progress. */
  err: (text: string) => void;
  /** True when `err` is a terminal (the progress line is then drawn in place). */
  isTerminal?: boolean;
  /** Stops a run (the CLI's entry point ties it to SIGINT and SIGTERM). */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();
const defaultIo = (): CliIo => ({
  out: (t) => void Deno.stdout.writeSync(encoder.encode(t)),
  err: (t) => void Deno.stderr.writeSync(encoder.encode(t)),
  isTerminal: Deno.stderr.isTerminal(),
});

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * Runs the CLI with `args`; returns the exit code.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "@oanix/oanix/cli";
 * Deno.exit(await runCli(Deno.args));
 * ```
 */
export async function runCli(args: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usage(io, args.includes("--json"), e.message, e.command);
  }
  if (parsed.version) {
    io.out(`oanix ${VERSION} (deno ${Deno.version.deno})\n`);
    return 0;
  }
  if (parsed.help) {
    io.out(parsed.command ? COMMAND_HELP[parsed.command] : CLI_HELP);
    return 0;
  }
  if (parsed.command === undefined) return usage(io, parsed.json, "no command");
  if (parsed.command === "worker") {
    if (parsed.file !== undefined) return usage(io, false, "oanix worker takes no file", "worker");
    if (parsed.queue === undefined) {
      return usage(io, false, "give --queue redis://HOST:PORT/NAME", "worker");
    }
    const { workerCommand } = await import("./worker_command.ts");
    return await workerCommand(parsed, io);
  }
  if (parsed.store !== undefined && parsed.queue === undefined) {
    return usage(io, parsed.json, "--store goes with --queue", parsed.command);
  }
  if (parsed.file === undefined) {
    return usage(io, parsed.json, "give the manifest file", parsed.command);
  }
  if (parsed.command === "bench") {
    const { benchCommand } = await import("./bench_command.ts");
    return await benchCommand(parsed, io);
  }
  let manifest: Manifest;
  try {
    manifest = await loadManifest(parsed.file, { vars: parsed.vars });
    if (parsed.record) manifest.record = true;
    if (parsed.replay !== undefined) manifest.replay = resolve(parsed.replay);
    if (parsed.snapshot) manifest.snapshot = true;
    if (parsed.restore !== undefined) manifest.restore = resolve(parsed.restore);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    return refuse(io, parsed, "manifest", e.problems);
  }
  switch (parsed.command) {
    case "check":
      return await check(manifest, parsed, io);
    case "explain":
      io.out(parsed.json ? json(explanationOf(manifest)) : explainManifest(manifest));
      return 0;
    case "run":
      return await run(manifest, parsed, io);
    case "mcp": {
      const { mcpCommand } = await import("./mcp_command.ts");
      return await mcpCommand(manifest, parsed, io);
    }
  }
}

function usage(io: CliIo, asJson: boolean, message: string, command?: Command): number {
  if (asJson) io.out(json(errorJson("usage", message)));
  else {
    const help = command ? `oanix ${command} --help` : "oanix --help";
    io.err(`oanix: ${message}\nTry '${help}'.\n`);
  }
  return EXIT_CODES.usage;
}

function refuse(
  io: CliIo,
  parsed: ParsedArgs,
  kind: "manifest" | "refused",
  problems: ManifestProblem[],
): number {
  const file = parsed.file ?? "";
  const lines = problems.map((p) =>
    `${p.field || "manifest"}: ${p.problem}${p.line === undefined ? "" : ` (line ${p.line})`}`
  );
  if (parsed.json) io.out(json(errorJson(kind, `${file}: ${lines.join("; ")}`, problems)));
  else io.err(lines.map((l) => `oanix: ${file}: ${l}\n`).join(""));
  return EXIT_CODES.usage;
}

async function check(manifest: Manifest, parsed: ParsedArgs, io: CliIo): Promise<number> {
  const { problems } = await preflight(manifest);
  if (problems.length > 0) return refuse(io, parsed, "refused", problems);
  const mounts = Object.keys(manifest.mounts).length;
  if (parsed.json) {
    io.out(json({ ok: true, file: parsed.file, mounts, program: manifest.program?.kind ?? null }));
  } else io.out(`${parsed.file}: ok (${mounts} mounts, a ${manifest.program!.kind} program)\n`);
  return 0;
}

async function run(manifest: Manifest, parsed: ParsedArgs, io: CliIo): Promise<number> {
  // Progress and diagnostics go to stderr; the agent's stdout to stdout (to stderr with --json,
  // whose stdout is the report).
  const live = parsed.json ? io.err : io.out;
  const progress = new ProgressLine(io.err, io.isTerminal === true);
  // Each stream keeps its own line state; agent text is prefixed and its control characters shown.
  const agentText = { stdout: new AgentOutput(), stderr: new AgentOutput() };
  let report: RunReport;
  try {
    report = await runSandboxed(manifest, {
      outDir: parsed.out,
      apply: parsed.apply,
      signal: io.signal,
      onOutput: (stream, text) => {
        progress.clear();
        (stream === "stdout" ? live : io.err)(agentText[stream].format(text));
        progress.redraw();
      },
      onProgress: parsed.quiet ? undefined : (p) => progress.update(p),
    });
  } catch (e) {
    if (e instanceof RunRefusedError) return refuse(io, parsed, "refused", e.problems);
    const message = e instanceof Error ? e.message : String(e);
    if (parsed.json) io.out(json(errorJson("internal", message)));
    else io.err(`oanix: ${message}\n`);
    return EXIT_CODES.failed;
  } finally {
    progress.end();
  }
  if (parsed.json) {
    io.out(json(runReportJson(report)));
    return report.exitCode;
  }
  const denied = report.checks.reduce((n, c) => n + (c.denied ? c.count : 0), 0);
  const refused = report.hostEvents.reduce((n, e) => {
    const d = e.data as Record<string, unknown> | undefined;
    return n + (d?.denied === true ? (typeof d.count === "number" ? d.count : 1) : 0);
  }, 0);
  const lineEnd = agentText.stdout.atLineStart ? "" : "\n";
  const cut = Object.entries(report.truncated).filter(([, n]) => n > 0)
    .map(([what, n]) => `${what} ${n} bytes`).join(", ");
  io.out(
    `${lineEnd}\n[oanix] ${report.outcome} (exit ${report.exitCode}) in ${report.durationMs} ms` +
      `${report.error ? `: ${neutralize(report.error)}` : ""}\n` +
      `[oanix] ${report.changes.length} workspace change(s)` +
      `${report.applied ? ", applied" : ""}; ${denied} denied permission check(s), ` +
      `${refused} refused in the namespace\n` +
      `${cut ? `[oanix] past limits.max_output, not kept: ${cut}\n` : ""}` +
      `${report.snapshot ? `[oanix] final state: ${report.snapshot}\n` : ""}` +
      `[oanix] output: ${report.outDir}\n`,
  );
  return report.exitCode;
}
