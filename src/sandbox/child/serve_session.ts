/**
 * A serving session (`oanix mcp`): instead of running a program, the
 * environment answers the host's tool calls over its namespace until the
 * host ends the session or its time is up. Calls run side by side; at the
 * end, those still running are waited for (within the time left).
 *
 * Not part of the public API.
 *
 * @module
 */

import type { FileService } from "../../fs/types.ts";
import type { Manifest } from "../manifest/manifest.ts";
import type { ChildMessage } from "../runner/run_protocol.ts";
import type { ToolRunner } from "../tools/tool_types.ts";
import type { HostInbox } from "./host_inbox.ts";
import { ProgramTimeout, type ShellRunner } from "./run_program.ts";

/** How the client said the task ended (`set_result`), when it did. */
export interface DeclaredStatus {
  /** The status. */
  status: "completed" | "failed";
  /** Why it failed. */
  error?: string;
}

/** The mount point of the first mount of `type`. */
function mountOf(manifest: Manifest, type: string): string | undefined {
  return Object.entries(manifest.mounts).find(([, m]) => m.type === type)?.[0];
}

function isDir(ns: FileService, path: string): boolean {
  try {
    return ns.stat(path).kind === "dir";
  } catch {
    return false;
  }
}

/** What serving needs from the environment's bundle. */
export interface ServeParts {
  /** Runs one tool call. */
  runTool: ToolRunner;
  /** The shell, for `bash`. */
  shell: ShellRunner;
}

/**
 * Serves tool calls from `inbox` over `namespace` until the end or the
 * deadline; resolves with the status the client declared, if any.
 * Throws {@linkcode ProgramTimeout} when the deadline ended the session.
 */
export async function serveSession(
  manifest: Manifest,
  namespace: FileService,
  inbox: HostInbox,
  send: (msg: ChildMessage) => void,
  deadline: AbortSignal,
  parts: ServeParts,
): Promise<DeclaredStatus | undefined> {
  let declared: DeclaredStatus | undefined;
  const taskRoot = mountOf(manifest, "task");
  const httpRoot = mountOf(manifest, "http");
  const ctx = {
    namespace,
    cwd: isDir(namespace, "/workspace") ? "/workspace" : "/",
    shell: parts.shell,
    shellLimits: { timeoutMs: Math.max(1, Math.round(manifest.limits.timeoutSecs * 1000)) },
    signal: deadline,
    ...(taskRoot ? { taskRoot } : {}),
    ...(httpRoot ? { httpRoot } : {}),
    onStatus: (status: DeclaredStatus["status"], error?: string) => {
      declared = { status, ...(error === undefined ? {} : { error }) };
    },
  };
  const running = new Set<Promise<void>>();
  for (;;) {
    const msg = await inbox.next(deadline);
    if (msg === undefined) throw new ProgramTimeout();
    if (msg.type === "end") break;
    const call = parts.runTool(ctx, msg.tool, msg.args).then(
      (answer) => send({ type: "reply", id: msg.id, ...answer }),
      (e) =>
        send({
          type: "reply",
          id: msg.id,
          text: `the environment failed: ${e instanceof Error ? e.message : e}`,
          isError: true,
        }),
    ).finally(() => running.delete(call));
    running.add(call);
  }
  const ended = new Promise<void>((resolve) => {
    if (deadline.aborted) resolve();
    deadline.addEventListener("abort", () => resolve(), { once: true });
  });
  await Promise.race([Promise.allSettled([...running]), ended]);
  if (deadline.aborted) throw new ProgramTimeout();
  return declared;
}
