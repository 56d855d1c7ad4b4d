/**
 * The runner (DESIGN.md D8): runs a manifest in a child `deno run` that
 * holds only the permissions its mounts imply, streams its output, kills
 * it at the timeout, and collects the result, logs, permission checks and
 * workspace changes into an output folder.
 *
 * @module
 */

import { isAbsolute, join, relative } from "@std/path";
import { type PermissionCheck, readAuditLog } from "./audit.ts";
import type { Manifest } from "../manifest/manifest.ts";
import { type Permissions, permissionsFor } from "../manifest/permissions.ts";
import { type ChildCommand, childCommand, prepareSecrets } from "./child_command.ts";
import { type ChangeRecord, type ChildMessage, decodeMessage } from "./run_protocol.ts";
import { applyChangesToFolder, writeRunOutput } from "./run_output.ts";
import { findEscapingSymlinks } from "./symlink_scan.ts";
import { CappedQueue, CappedText } from "./capped_text.ts";

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

function within(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

async function checkWorkspaces(manifest: Manifest): Promise<void> {
  const folders: Array<[point: string, dir: string]> = [];
  const writable: string[] = [];
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
    folders.push([point, dir]);
    if (spec.type === "workspace" && spec.mode === "rw") writable.push(await Deno.realPath(dir));
  }
  for (const [point, dir] of folders) {
    // The agent can move links inside a folder it may write, and so change
    // where a relative link leads: that folder, and any folder around or
    // inside it, may hold no link with `..`.
    const real = await Deno.realPath(dir);
    const movable = writable.some((w) => within(w, real) || within(real, w));
    const links = await findEscapingSymlinks(dir, { movable });
    const list = (ls: typeof links) => ls.map((l) => `${l.path} → ${l.target}`).join(", ");
    const out = links.filter((l) => !l.movable);
    if (out.length > 0) {
      throw new RunRefusedError(
        `mounts.${point}: ${dir} holds symlinks that lead outside it (${list(out)}); ` +
          "remove them: a scoped --allow-read would follow them",
      );
    }
    if (links.length > 0) {
      throw new RunRefusedError(
        `mounts.${point}: ${dir} holds symlinks with .. in a folder the agent may write ` +
          `(${list(links)}); moved elsewhere such a link leads outside, and a scoped ` +
          "--allow-read or --allow-write would follow it: remove them, or mount the workspace ro or cow",
      );
    }
  }
}

/** The longest message line accepted from the child (its final message holds the changes). */
const MAX_MESSAGE_CHARS = 128 * 1024 * 1024;

/** How many characters at the end of `text` may be the start of `prefix`. */
function heldBack(text: string, prefix: string): number {
  for (let k = Math.min(text.length, prefix.length - 1); k > 0; k--) {
    if (text.endsWith(prefix.slice(0, k))) return k;
  }
  return 0;
}

/** A piece of the child's stdout: the agent's own text, a message line, or a message given up. */
type StdoutPiece = { text: string } | { line: string } | { oversized: true };

/**
 * Splits the child's stdout into message lines (from `prefix` to the end of
 * the line) and the text an agent printed, passed on as it comes. A message
 * may follow text printed without a newline. Memory is bounded but for one
 * message in progress, given up past `maxMessage` characters.
 */
async function* splitStdout(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  maxMessage: number,
): AsyncGenerator<StdoutPiece> {
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  let held = "";
  let message: string[] | undefined;
  let size = 0;
  let skipping = false;
  for await (const chunk of stream.pipeThrough(decoder)) {
    let buf = held + chunk;
    held = "";
    while (buf !== "") {
      if (message !== undefined || skipping) {
        const nl = buf.indexOf("\n");
        if (message !== undefined) {
          const part = nl < 0 ? buf : buf.slice(0, nl);
          size += part.length;
          if (size > maxMessage) {
            [message, skipping] = [undefined, true];
            yield { oversized: true };
          } else message.push(part);
        }
        if (nl < 0) break;
        if (message !== undefined) yield { line: message.join("") };
        [message, skipping, buf] = [undefined, false, buf.slice(nl + 1)];
        continue;
      }
      const at = buf.indexOf(prefix);
      if (at >= 0) {
        if (at > 0) yield { text: buf.slice(0, at) };
        [message, size, buf] = [[prefix], prefix.length, buf.slice(at + prefix.length)];
        continue;
      }
      const keep = heldBack(buf, prefix);
      if (buf.length > keep) yield { text: buf.slice(0, buf.length - keep) };
      held = buf.slice(buf.length - keep);
      break;
    }
  }
  if (message !== undefined) yield { line: message.join("") };
  else if (held !== "") yield { text: held };
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
  }, manifest.limits.timeoutSecs * 1000);
  const onAbort = () => {
    aborted = true;
    kill();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const writer = child.stdin.getWriter();
    // A child that dies before reading its bootstrap says why on stderr.
    await writer.write(
      new TextEncoder().encode(JSON.stringify({ ...secrets, manifest, nonce: cmd.nonce })),
    ).catch(() => {});
    await writer.close().catch(() => {});

    // Every message is untrusted: an agent module shares the child's realm,
    // so it can learn the nonce and write messages of its own.
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
          options.onEvent?.(msg.event);
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
    try {
      checks = await readAuditLog(cmd.auditPath, permissions.grant, cmd.workDir);
    } catch { /* the child wrote no audit log */ }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    kill();
    await cmd.cleanup();
  }

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
    // Deno's own report ("error: ...") says most; else the last lines.
    const lines = stderr.text().trim().split("\n");
    const tail = lines.findLast((l) => l.startsWith("error: ")) ?? lines.slice(-3).join(" ");
    error = oversized
      ? `a message from the child passed ${MAX_MESSAGE_CHARS} characters and was dropped`
      : /out of memory|heap limit/i.test(stderr.text())
      ? "the agent ran out of memory (limits.memory)"
      : `the child exited with code ${status.code} before finishing${tail ? `: ${tail}` : ""}`;
  } else {
    outcome = final.status.status === "completed" ? "completed" : "failed";
    error = final.error;
  }
  const changes = final?.changes ?? [];
  let applied = false;
  if (options.apply && outcome === "completed") {
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
  });
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
