/**
 * The runner (DESIGN.md D8): runs a manifest in a child `deno run` that
 * holds only the permissions its mounts imply, streams its output, kills
 * it at the timeout, and collects the result, logs, permission checks and
 * workspace changes into an output folder.
 *
 * @module
 */

import { join } from "node:path/posix";
import type { Manifest } from "../manifest/manifest.ts";
import { type AgentFiles, type Permissions, permissionsFor } from "../manifest/permissions.ts";
import { applyChangesToFolder } from "./apply_changes.ts";
import { type PermissionCheck, readAuditLog } from "./audit.ts";
import { CappedQueue, CappedText } from "./capped_text.ts";
import { childCommand, prepareSecrets } from "./child_command.ts";
import { preflight, RunRefusedError } from "./preflight.ts";
import { type ChangeRecord, type ChildMessage, decodeMessage } from "./run_protocol.ts";
import { writeRunOutput } from "./run_output.ts";
import { childRuntime } from "./runtime_bundles.ts";
import { MAX_MESSAGE_CHARS, splitStdout } from "./stdout_split.ts";

/**
 * Exit codes of a run, as the CLI returns them.
 *
 * @example
 * ```ts
 * import { EXIT_CODES } from "@oanix/oanix";
 * console.log(EXIT_CODES.timeout); // 124
 * ```
 */
export const EXIT_CODES = { completed: 0, failed: 1, usage: 2, timeout: 124 } as const;

/**
 * Options for {@linkcode runSandboxed}.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "@oanix/oanix";
 * const opts: RunOptions = { outDir: "out/demo", onOutput: (s, t) => console.log(s, t) };
 * ```
 */
export interface RunOptions {
  /** Where to write the output folder (default `out/<run id>`). */
  outDir?: string;
  /** Commit a `cow` workspace's changes to its real folder when the run completes. */
  apply?: boolean;
  /** Live output of the agent. */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  /** Live events from /logs/events.jsonl. */
  onEvent?: (event: Record<string, unknown>) => void;
  /** Live task status changes. */
  onStatus?: (status: Record<string, unknown>) => void;
  /** Progress: each change of phase, and of the counts of events, denials and changes. */
  onProgress?: (progress: RunProgress) => void;
  /** Stops the run (the child is killed). */
  signal?: AbortSignal;
}

/**
 * Where a run is: `starting` (checks, bundles, the child's start),
 * `running` (the program), `collecting` (reading the audit, diffing the
 * changes, writing the output folder), `applying` (`--apply`), `done`.
 *
 * @example
 * ```ts
 * import type { RunPhase } from "@oanix/oanix";
 * const phase: RunPhase = "running";
 * ```
 */
export type RunPhase = "starting" | "running" | "collecting" | "applying" | "done";

/**
 * A run's progress, as {@linkcode RunOptions.onProgress} reports it.
 *
 * @example
 * ```ts
 * import type { RunProgress } from "@oanix/oanix";
 * const line = (p: RunProgress) => `${p.phase} ${p.elapsedMs}/${p.timeoutMs} ms`;
 * ```
 */
export interface RunProgress {
  /** The phase. */
  phase: RunPhase;
  /** Milliseconds since the run began. */
  elapsedMs: number;
  /** The run's time limit, in milliseconds. */
  timeoutMs: number;
  /** Events the agent and the namespace logged so far. */
  events: number;
  /** Denied permission checks and namespace refusals seen so far. */
  denials: number;
  /** Workspace changes (known once the program has ended). */
  changes: number;
}

/**
 * What a run produced.
 *
 * @example
 * ```ts
 * import type { RunReport } from "@oanix/oanix";
 * const ok = (r: RunReport) => r.exitCode === 0;
 * ```
 */
export interface RunReport {
  /** A unique id for the run. */
  runId: string;
  /** 0 completed, 1 failed, 124 timeout. */
  exitCode: number;
  /** How it ended. */
  outcome: "completed" | "failed" | "timeout";
  /** Why it failed, when it did. */
  error?: string;
  /** The parsed /task/result.json, or null. */
  result: unknown;
  /** The output folder. */
  outDir: string;
  /** The grant the child held. */
  permissions: Permissions;
  /** The child's command line. */
  command: string[];
  /** Every permission check the child made. */
  checks: PermissionCheck[];
  /** Workspace changes. */
  changes: ChangeRecord[];
  /** Whether changes were applied to a real workspace. */
  applied: boolean;
  /** Wall-clock duration. */
  durationMs: number;
}

/**
 * Runs a validated manifest in a permission-mapped child process. Before it
 * starts, everything the manifest names is checked on the host
 * ({@linkcode preflight}); a module agent is bundled with its imports.
 *
 * @throws {RunRefusedError} listing every problem found before the start.
 *
 * @example
 * ```ts ignore
 * import { loadManifest, runSandboxed } from "@oanix/oanix";
 * const report = await runSandboxed(await loadManifest("env.yaml"), { outDir: "out/run" });
 * console.log(report.outcome, report.result);
 * ```
 */
export async function runSandboxed(
  manifest: Manifest,
  options: RunOptions = {},
): Promise<RunReport> {
  const started = performance.now();
  const timeoutMs = manifest.limits.timeoutSecs * 1000;
  const counts = { events: 0, denials: 0, changes: 0 };
  let phase: RunPhase = "starting";
  const progress = (next: RunPhase = phase) => {
    phase = next;
    options.onProgress?.({
      phase,
      elapsedMs: Math.round(performance.now() - started),
      timeoutMs,
      ...counts,
    });
  };
  progress();
  const denoPath = Deno.execPath();
  const checked = await preflight(manifest, { denoPath });
  if (checked.problems.length > 0) throw new RunRefusedError(checked.problems);
  const childEntry = await childRuntime(denoPath);
  const agent: AgentFiles | undefined = checked.agent === undefined
    ? undefined
    : { bundle: checked.agent.path };
  const permissions = permissionsFor(manifest, agent);
  const secrets = await prepareSecrets(manifest);
  const cmd = await childCommand(manifest, permissions, childEntry);
  const outDir = options.outDir ?? join("out", cmd.runId);
  const stdout = new CappedText(manifest.limits.maxOutputBytes);
  const stderr = new CappedText(manifest.limits.maxOutputBytes);
  // Events are kept whole, the newest up to the cap in characters of JSON.
  const events = new CappedQueue<Record<string, unknown>>(
    manifest.limits.maxOutputBytes,
    (e) => JSON.stringify(e).length + 1,
  );
  let final: Extract<ChildMessage, { type: "final" }> | undefined;
  let oversized = false;
  let timedOut = false;
  let aborted = false;
  let status: Deno.CommandStatus;
  let checks: PermissionCheck[] = [];

  const child = new Deno.Command(cmd.denoPath, {
    args: cmd.args,
    cwd: cmd.workDir,
    clearEnv: true,
    env: cmd.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  const onAbort = () => {
    aborted = true;
    kill();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const writer = child.stdin.getWriter();
    // A child that dies before reading its bootstrap says why on stderr.
    const bootstrap = { ...secrets, manifest, nonce: cmd.nonce, ...(agent ? { agent } : {}) };
    await writer.write(new TextEncoder().encode(JSON.stringify(bootstrap))).catch(() => {});
    await writer.close().catch(() => {});
    progress("running");

    // Every message is untrusted: only its shape is relied on.
    const prefix = `@@oanix:${cmd.nonce} `;
    const readOut = (async () => {
      for await (const piece of splitStdout(child.stdout, prefix, MAX_MESSAGE_CHARS)) {
        if ("oversized" in piece) {
          oversized = true;
          continue;
        }
        const msg = "line" in piece ? decodeMessage(cmd.nonce, piece.line) : undefined;
        if (msg === undefined) {
          const text = "line" in piece ? piece.line + "\n" : piece.text;
          stdout.append(text);
          options.onOutput?.("stdout", text);
        } else if (msg.type === "output") {
          (msg.stream === "stdout" ? stdout : stderr).append(msg.text);
          options.onOutput?.(msg.stream, msg.text);
        } else if (msg.type === "event") {
          events.push(msg.event);
          counts.events++;
          if ((msg.event.data as Record<string, unknown> | undefined)?.denied === true) {
            counts.denials++;
          }
          options.onEvent?.(msg.event);
          progress();
        } else if (msg.type === "status") {
          options.onStatus?.(msg.status);
        } else if (msg.type === "final") {
          final = msg;
        }
      }
    })();
    const readErr = (async () => {
      const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
      for await (const text of child.stderr.pipeThrough(decoder)) {
        stderr.append(text);
        options.onOutput?.("stderr", text);
      }
    })();
    status = await child.status;
    await Promise.all([readOut, readErr]);
    counts.changes = final?.changes.length ?? 0;
    progress("collecting");
    try {
      checks = await readAuditLog(cmd.auditPath, permissions.grant, cmd.workDir);
    } catch { /* the child wrote no audit log */ }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    kill();
    await cmd.cleanup();
  }
  counts.denials = checks.reduce((n, c) => n + (c.denied ? c.folded ?? 1 : 0), 0) +
    events.items().filter((e) =>
      (e.data as Record<string, unknown> | undefined)?.denied === true &&
      (e.data as Record<string, unknown>).source !== "deno-audit"
    ).length;

  let { outcome, error } = outcomeOf({
    timedOut,
    aborted,
    final,
    oversized,
    code: status.code,
    stderr: stderr.text(),
    timeoutSecs: manifest.limits.timeoutSecs,
  });
  const changes = final?.changes ?? [];
  let applied = false;
  if (options.apply && outcome === "completed") {
    progress("applying");
    try {
      for (const [point, spec] of Object.entries(manifest.mounts)) {
        if (spec.type !== "workspace" || spec.mode !== "cow") continue;
        await applyChangesToFolder(spec.path, changes.filter((c) => c?.mount === point));
        applied = true;
      }
    } catch (e) {
      outcome = "failed";
      error = `the changes were not applied: ${(e as Error).message}`;
    }
  }
  const exitCode = EXIT_CODES[outcome];
  let result: unknown = null;
  if (final?.result) {
    try {
      result = JSON.parse(final.result);
    } catch {
      result = final.result;
    }
  }
  const durationMs = Math.round(performance.now() - started);
  const statusDoc: Record<string, unknown> = {
    run_id: cmd.runId,
    outcome,
    exit_code: exitCode,
    task: final?.status ?? null,
    error: error ?? null,
    duration_ms: durationMs,
    permissions: permissions.grant,
    command: [cmd.denoPath, ...cmd.args],
    truncated: { stdout: stdout.dropped, stderr: stderr.dropped, events: events.dropped },
  };
  await writeRunOutput(outDir, {
    result: final?.result ?? null,
    status: statusDoc,
    stdout: stdout.text(),
    stderr: stderr.text(),
    events: events.items(),
    checks,
    changes,
    maxDiffBytes: manifest.limits.maxOutputBytes,
  });
  progress("done");
  return {
    runId: cmd.runId,
    exitCode,
    outcome,
    ...(error === undefined ? {} : { error }),
    result,
    outDir,
    permissions,
    command: [cmd.denoPath, ...cmd.args],
    checks,
    changes,
    applied,
    durationMs,
  };
}

interface Ending {
  timedOut: boolean;
  aborted: boolean;
  final: Extract<ChildMessage, { type: "final" }> | undefined;
  oversized: boolean;
  code: number;
  stderr: string;
  timeoutSecs: number;
}

/** How a run ended, and why when it failed. */
function outcomeOf(end: Ending): { outcome: RunReport["outcome"]; error?: string } {
  if (end.timedOut) {
    return {
      outcome: "timeout",
      error: `timed out after ${end.timeoutSecs} s: the child was killed`,
    };
  }
  if (end.aborted) return { outcome: "failed", error: "the run was stopped" };
  if (end.final === undefined) {
    // Deno's own report ("error: ...") says most; else the last lines.
    const lines = end.stderr.trim().split("\n");
    const tail = lines.findLast((l) => l.startsWith("error: ")) ?? lines.slice(-3).join(" ");
    const error = end.oversized
      ? `a message from the child passed ${MAX_MESSAGE_CHARS} characters and was dropped`
      : /out of memory|heap limit/i.test(end.stderr)
      ? "the agent ran out of memory (limits.memory)"
      : `the child exited with code ${end.code} before finishing${tail ? `: ${tail}` : ""}`;
    return { outcome: "failed", error };
  }
  const outcome = end.final.status.status === "completed" ? "completed" : "failed";
  return end.final.error === undefined ? { outcome } : { outcome, error: end.final.error };
}
