/**
 * The runner (DESIGN.md D8): runs a manifest in a child `deno run` that
 * holds only the permissions its mounts imply, streams its output, kills
 * it at the timeout, and collects the result, logs, permission checks and
 * workspace changes into an output folder.
 *
 * @module
 */

import { join } from "@std/path";
import { parseAuditLog, type PermissionCheck } from "./audit.ts";
import type { Manifest } from "./manifest.ts";
import { type Permissions, permissionsFor } from "./permissions.ts";
import { type ChildCommand, childCommand, prepareSecrets } from "./child_command.ts";
import { type ChangeRecord, type ChildMessage, decodeMessage } from "./run_protocol.ts";
import { applyChangesToFolder, writeRunOutput } from "./run_output.ts";
import { findEscapingSymlinks } from "./symlink_scan.ts";
import { CappedText } from "./capped_text.ts";

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
  /** Stops the run (the child is killed). */
  signal?: AbortSignal;
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
 * The run cannot start: a workspace is missing or holds an escaping link.
 *
 * @example
 * ```ts
 * import { RunRefusedError } from "@oanix/oanix";
 * console.log(new RunRefusedError("no").name); // "RunRefusedError"
 * ```
 */
export class RunRefusedError extends Error {
  /**
   * Makes the error.
   *
   * @param message why the run cannot start
   */
  constructor(message: string) {
    super(message);
    this.name = "RunRefusedError";
  }
}

async function checkWorkspaces(manifest: Manifest): Promise<void> {
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    if (spec.type !== "workspace" && !(spec.type === "map" && spec.dir)) continue;
    const dir = spec.type === "workspace" ? spec.path : spec.dir!;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(dir);
    } catch {
      throw new RunRefusedError(`mounts.${point}: the folder ${dir} does not exist`);
    }
    if (!info.isDirectory) throw new RunRefusedError(`mounts.${point}: ${dir} is not a folder`);
    const links = await findEscapingSymlinks(dir);
    if (links.length > 0) {
      const list = links.map((l) => `${l.path} → ${l.target}`).join(", ");
      throw new RunRefusedError(
        `mounts.${point}: ${dir} holds symlinks that lead outside it (${list}); ` +
          "remove them: a scoped --allow-read would follow them",
      );
    }
  }
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  const reader = stream.pipeThrough(decoder).getReader();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== "") yield rest;
}

/**
 * Runs a validated manifest in a permission-mapped child process.
 *
 * @throws {RunRefusedError} when a workspace is missing or escapes.
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
  const permissions = permissionsFor(manifest);
  await checkWorkspaces(manifest);
  const secrets = await prepareSecrets(manifest);
  const cmd: ChildCommand = await childCommand(manifest, permissions);
  const outDir = options.outDir ?? join("out", cmd.runId);
  const stdout = new CappedText(manifest.limits.maxOutputBytes);
  const stderr = new CappedText(manifest.limits.maxOutputBytes);
  const events: Record<string, unknown>[] = [];
  let final: Extract<ChildMessage, { type: "final" }> | undefined;
  let timedOut = false;
  let aborted = false;

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
  }, manifest.limits.timeoutSecs * 1000);
  const onAbort = () => {
    aborted = true;
    kill();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(JSON.stringify({ ...secrets, manifest, nonce: cmd.nonce })),
  );
  await writer.close().catch(() => {});

  const readOut = (async () => {
    for await (const line of lines(child.stdout)) {
      const msg = decodeMessage(cmd.nonce, line);
      if (msg === undefined) {
        stdout.append(line + "\n");
        options.onOutput?.("stdout", line + "\n");
      } else if (msg.type === "output") {
        (msg.stream === "stdout" ? stdout : stderr).append(msg.text);
        options.onOutput?.(msg.stream, msg.text);
      } else if (msg.type === "event") {
        events.push(msg.event);
        options.onEvent?.(msg.event);
      } else if (msg.type === "status") {
        options.onStatus?.(msg.status);
      } else if (msg.type === "final") {
        final = msg;
      }
    }
  })();
  const readErr = (async () => {
    for await (const line of lines(child.stderr)) {
      stderr.append(line + "\n");
      options.onOutput?.("stderr", line + "\n");
    }
  })();
  const status = await child.status;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  await Promise.all([readOut, readErr]);

  let checks: PermissionCheck[] = [];
  try {
    checks = parseAuditLog(await Deno.readTextFile(cmd.auditPath), permissions.grant, cmd.workDir);
  } catch { /* the child wrote no audit log */ }
  await cmd.cleanup();

  let outcome: RunReport["outcome"];
  let error: string | undefined;
  if (timedOut) {
    outcome = "timeout";
    error = `timed out after ${manifest.limits.timeoutSecs} s: the child was killed`;
  } else if (aborted) {
    outcome = "failed";
    error = "the run was stopped";
  } else if (final === undefined) {
    outcome = "failed";
    const tail = stderr.text().trim().split("\n").slice(-3).join(" ");
    error = /out of memory|heap limit/i.test(stderr.text())
      ? "the agent ran out of memory (limits.memory)"
      : `the child exited with code ${status.code} before finishing${tail ? `: ${tail}` : ""}`;
  } else {
    outcome = final.status.status === "completed" ? "completed" : "failed";
    error = final.error;
  }
  const exitCode = EXIT_CODES[outcome];
  const changes = final?.changes ?? [];
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
    truncated: { stdout: stdout.dropped, stderr: stderr.dropped },
  };
  await writeRunOutput(outDir, {
    result: final?.result ?? null,
    status: statusDoc,
    stdout: stdout.text(),
    stderr: stderr.text(),
    events,
    checks,
    changes,
  });
  let applied = false;
  if (options.apply && outcome === "completed") {
    for (const [point, spec] of Object.entries(manifest.mounts)) {
      if (spec.type !== "workspace" || spec.mode !== "cow") continue;
      await applyChangesToFolder(spec.path, changes.filter((c) => c.mount === point));
      applied = true;
    }
  }
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
