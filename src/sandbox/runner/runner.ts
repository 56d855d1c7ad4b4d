/**
 * The runner (DESIGN.md D8): runs a manifest in a child `deno run` that
 * holds only the permissions its mounts imply, streams its output, holds it
 * to its limits (time, memory, threads, the audit log), and collects the
 * result, logs, the host's evidence and the workspace changes into an
 * output folder. The child cannot outlive the runner: it exits when the
 * runner's end of its stdin closes, whatever ends the runner.
 *
 * @module
 */

import { join, resolve } from "../manifest/posix_path.ts";
import type { Manifest } from "../manifest/manifest.ts";
import { permissionsFor, type RuntimeFiles, usesShell } from "../manifest/permissions.ts";
import { applyChangesToFolder } from "./apply_changes.ts";
import { AuditTail } from "./audit.ts";
import { CappedQueue, CappedText } from "./capped_text.ts";
import { childCommand } from "./child_command.ts";
import { prepareSecrets } from "./host_secrets.ts";
import { spawnChild, startChild } from "./child_session.ts";
import { HostEvidence } from "./evidence.ts";
import { preflight, RunRefusedError } from "./preflight.ts";
import type { ChildMessage } from "./run_protocol.ts";
import { type Breach, watchChild } from "./run_monitor.ts";
import { writeRunOutput } from "./run_output.ts";
import {
  EXIT_CODES,
  type RunOptions,
  type RunOutcome,
  type RunPhase,
  type RunReport,
} from "./run_types.ts";
import { childRuntime, needsFullEnvironment } from "./runtime_bundles.ts";
import { CallTable, checkSession } from "./tool_calls.ts";
import { MAX_MESSAGE_CHARS } from "./stdout_split.ts";

export * from "./run_types.ts";

/** How long after the time limit the child is killed if it has not ended by itself. */
const KILL_GRACE_MS = 2000;
/** The largest permission audit log a run may write. */
const MAX_AUDIT_BYTES = 64 * 1024 * 1024;

type FinalMessage = Extract<ChildMessage, { type: "final" }>;

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
  const limits = manifest.limits;
  const session = options.session;
  if (session !== undefined) checkSession(session);
  const timeoutMs = (session?.timeoutSecs ?? limits.timeoutSecs) * 1000;
  const host = new HostEvidence();
  const counts = { events: 0, changes: 0 };
  const audit: { tail?: AuditTail } = {};
  let phase: RunPhase = "starting";
  const progress = (next: RunPhase = phase) => {
    phase = next;
    options.onProgress?.({
      phase,
      elapsedMs: Math.round(performance.now() - started),
      timeoutMs,
      events: counts.events,
      denials: host.denials() + (audit.tail?.deniedCount ?? 0),
      changes: counts.changes,
    });
  };
  progress();
  const denoPath = Deno.execPath();
  // The child's bundles are found (or built) while the manifest is checked; a refusal wins.
  const runtimeFound = childRuntime(denoPath, {
    shell: usesShell(manifest) || session !== undefined,
    full: needsFullEnvironment(manifest),
  });
  runtimeFound.catch(() => {}); // awaited below, unless the run is refused
  const checked = await preflight(manifest, {
    denoPath,
    serving: session !== undefined,
    ...(options.outDir === undefined ? {} : { outDir: resolve(options.outDir) }),
  });
  if (checked.problems.length > 0) throw new RunRefusedError(checked.problems);
  const bundles = await runtimeFound;
  const agent = checked.agent && { bundle: checked.agent.path };
  // The output folder of a run whose child writes there (a transcript, a snapshot) is known
  // before the child starts.
  const earlyOut = manifest.record || manifest.snapshot
    ? resolve(options.outDir ?? join("out", `run-${crypto.randomUUID().slice(0, 8)}`))
    : undefined;
  const recordDir = manifest.record ? earlyOut : undefined;
  const snapshotOut = manifest.snapshot ? join(earlyOut!, "snapshot.tar") : undefined;
  const runtime: RuntimeFiles = {
    ...bundles,
    ...(agent ? { agent: agent.bundle } : {}),
    ...(recordDir ? { transcriptOut: join(recordDir, "cap.jsonl") } : {}),
    ...(snapshotOut ? { snapshotOut } : {}),
    ...(session ? { shell: true } : {}),
  };
  const permissions = permissionsFor(manifest, runtime);
  const secrets = await prepareSecrets(manifest);
  const entryArgs = [bundles.environment, ...(agent ? [agent.bundle] : [])];
  const make = () => childCommand(manifest, permissions, bundles.child, entryArgs);
  // A pooled child was started with this very grant and these bundles (its per-run parts aside).
  const spawned = options.pool
    ? await options.pool.take(JSON.stringify([permissions.flags, bundles.child, entryArgs]), make)
    : spawnChild(await make());
  const cmd = spawned.cmd;
  const outDir = options.outDir ?? earlyOut ?? join("out", cmd.runId);
  if (earlyOut) await Deno.mkdir(earlyOut, { recursive: true });
  const tail = new AuditTail(cmd.auditPath, permissions.grant, cmd.workDir);
  audit.tail = tail;
  const stdout = new CappedText(limits.maxOutputBytes);
  const stderr = new CappedText(limits.maxOutputBytes);
  // The agent's events are kept whole, the newest up to the cap in characters of JSON.
  const agentEvents = new CappedQueue<Record<string, unknown>>(
    limits.maxOutputBytes,
    (e) => JSON.stringify(e).length + 1,
  );
  const live = liveOutput(limits.maxOutputBytes, options.onOutput);
  let final: FinalMessage | undefined;
  let oversized = false;
  let ending: { outcome: RunOutcome; error: string } | undefined;
  const end = (outcome: RunOutcome, error: string) => {
    ending ??= { outcome, error };
    child.kill();
  };

  const bootstrap = {
    ...secrets,
    manifest,
    nonce: cmd.nonce,
    ...(recordDir ? { recordDir } : {}),
    ...(snapshotOut ? { snapshotOut } : {}),
    ...(session ? { serve: { sessionSecs: session.timeoutSecs } } : {}),
  };
  const calls = new CallTable();
  const child = startChild(spawned, bootstrap, {
    onMessage: (msg) => {
      if (msg.type === "reply") return calls.answer(msg.id, msg);
      if (msg.type === "output") {
        (msg.stream === "stdout" ? stdout : stderr).append(msg.text);
        live(msg.stream, msg.text);
      } else if (msg.type === "event") {
        agentEvents.push(msg.event);
        counts.events++;
        options.onEvent?.(msg.event);
        progress();
      } else if (msg.type === "host_event") {
        host.add(msg.event);
        progress();
      } else if (msg.type === "status") {
        watch.programStarted();
        options.onStatus?.(msg.status);
      } else if (msg.type === "limit") {
        host.add(limitEvent(msg));
        end(msg.limit === "memory" ? "memory" : "limit", msg.message);
      } else if (msg.type === "final") {
        watch.sampleNow(); // its peak so far: it ends now
        final = msg;
      }
    },
    onText: (text) => {
      stdout.append(text);
      live("stdout", text);
    },
    onStderr: (text) => {
      stderr.append(text);
      live("stderr", text);
    },
    onOversized: () => oversized = true,
  });
  progress("running");
  if (session) session.onReady(calls.channel((msg) => child.send(msg)));
  const watch = watchChild(child.pid, tail, {
    memoryBytes: limits.memoryMb * 1024 * 1024,
    threads: limits.threads,
    auditBytes: options.maxAuditBytes ?? MAX_AUDIT_BYTES,
  }, (breach: Breach) => {
    host.add(limitEvent(breach));
    end(breach.limit === "memory" ? "memory" : "limit", breach.message);
  });
  // The child stops the program at the limit itself and reports; this is for a child that
  // does not end then.
  const timer = setTimeout(
    () => end("timeout", `timed out after ${timeoutMs / 1000} s: the child was killed`),
    timeoutMs + KILL_GRACE_MS,
  );
  const onAbort = () => end("interrupted", "the run was stopped before it finished");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let status: Deno.CommandStatus;
  try {
    status = await child.ended;
  } finally {
    calls.close();
    clearTimeout(timer);
    await watch.stop();
    options.signal?.removeEventListener("abort", onAbort);
    child.kill();
    await child.release();
    counts.changes = final?.changes.length ?? 0;
    progress("collecting");
  }
  const checks = tail.finish();
  // The working folder goes while the output is written (nothing of it is read after this).
  const cleaned = cmd.cleanup();

  let { outcome, error } = ending ??
    outcomeOf(final, oversized, status.code, stderr.text(), limits.timeoutSecs);
  const changes = ending === undefined ? final?.changes ?? [] : [];
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
  const durationMs = Math.round(performance.now() - started);
  const truncated = { stdout: stdout.dropped, stderr: stderr.dropped, events: agentEvents.dropped };
  const peakMemoryBytes = watch.peakRssBytes();
  const hostEvents = host.items();
  await writeRunOutput(outDir, {
    result: final?.result ?? null,
    status: {
      run_id: cmd.runId,
      outcome,
      exit_code: exitCode,
      task: final?.status ?? null,
      error: error ?? null,
      duration_ms: durationMs,
      peak_memory_bytes: peakMemoryBytes,
      permissions: permissions.grant,
      command: [cmd.denoPath, ...cmd.args],
      truncated,
    },
    stdout: stdout.text(),
    stderr: stderr.text(),
    agentEvents: agentEvents.items(),
    hostEvents,
    checks,
    changes,
    maxDiffBytes: limits.maxOutputBytes,
  }).finally(() => cleaned);
  progress("done");
  return {
    runId: cmd.runId,
    exitCode,
    outcome,
    ...(error === undefined ? {} : { error }),
    result: parseResult(final?.result),
    outDir,
    permissions,
    command: [cmd.denoPath, ...cmd.args],
    checks,
    hostEvents,
    changes,
    applied,
    durationMs,
    peakMemoryBytes,
    truncated,
    ...(recordDir ? { transcript: join(recordDir, "cap.jsonl") } : {}),
    ...(snapshotOut && await exists(snapshotOut) ? { snapshot: snapshotOut } : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function parseResult(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The live output callback, cut off at `max` characters per stream with one notice. */
function liveOutput(
  max: number,
  onOutput: RunOptions["onOutput"],
): (stream: "stdout" | "stderr", text: string) => void {
  const sent = { stdout: 0, stderr: 0 };
  return (stream, text) => {
    if (onOutput === undefined || sent[stream] >= max) return;
    const room = max - sent[stream];
    sent[stream] += text.length;
    if (text.length <= room) return onOutput(stream, text);
    onOutput(stream, text.slice(0, room));
    onOutput("stderr", `\n[${stream} past limits.max_output: the rest is not shown]\n`);
  };
}

function limitEvent(b: { limit: string; message: string }): Record<string, unknown> {
  return {
    timestamp: Date.now(),
    level: "error",
    message: b.message,
    data: { source: "oanix-runner", limit: b.limit },
  };
}

/** How a run ended by itself, and why when it failed. */
function outcomeOf(
  final: FinalMessage | undefined,
  oversized: boolean,
  code: number,
  stderr: string,
  timeoutSecs: number,
): { outcome: RunOutcome; error?: string } {
  if (final === undefined) {
    // Deno's own report ("error: ...") says most; else the last lines.
    const lines = stderr.trim().split("\n");
    const said = lines.findLast((l) => l.startsWith("error: ")) ?? lines.slice(-3).join(" ");
    if (oversized) {
      return {
        outcome: "failed",
        error: `a message from the child passed ${MAX_MESSAGE_CHARS} characters and was dropped`,
      };
    }
    if (/out of memory|heap limit/i.test(stderr)) {
      return { outcome: "memory", error: "the agent ran out of memory (limits.memory)" };
    }
    return {
      outcome: "failed",
      error: `the child exited with code ${code} before finishing${said ? `: ${said}` : ""}`,
    };
  }
  if (final.timedOut) {
    return { outcome: "timeout", error: final.error ?? `timed out after ${timeoutSecs} s` };
  }
  const outcome = final.status.status === "completed" ? "completed" : "failed";
  return final.error === undefined ? { outcome } : { outcome, error: final.error };
}
