/**
 * The environment of a run, in the child's worker: builds the namespace,
 * starts the executors, runs the program until it ends or its time is up,
 * and reports everything to the supervisor (`supervisor.ts`), which passes
 * it to the runner.
 *
 * Not part of the public API.
 *
 * @module
 */

import { readFile } from "../../fs/file_io.ts";
import { AgentError } from "../agent/agent_host.ts";
import type { ChildMessage, HostMessage } from "../runner/run_protocol.ts";
import type { CapabilitySession } from "./capability_session.ts";
import { collectChanges } from "./collect_changes.ts";
import { auditDenials } from "./denial_audit.ts";
import { type ChildStart, failedFinal, TERMINATE_AGENT } from "./child_protocol.ts";
import { refusalEvent, RefusalTally } from "./refusal_tally.ts";
import { HostInbox } from "./host_inbox.ts";
import { buildNamespaceWith } from "./namespace_core.ts";
import { type EnvironmentParts, outputDecoder, ProgramTimeout, runProgram } from "./run_program.ts";
import { serveSession } from "./serve_session.ts";

type Send = (msg: ChildMessage) => void;

/** A run with no capability mounts has no executors. */
const NO_CAPABILITIES: CapabilitySession = { start: () => {}, close: () => Promise.resolve() };

/**
 * This worker's own scope, typed without the worker lib (which would change
 * the globals of every module checked together with this one).
 */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<ChildStart>) => void) | null;
  postMessage(message: unknown): void;
};

const decoder = new TextDecoder();

/**
 * Runs the environment of one run: builds the namespace, starts the
 * executors, runs the program until it ends or its time is up, and reports
 * it all through `send`, ending with the final message. `terminateAgent`
 * stops a module agent's worker (which the supervisor owns).
 */
export async function runEnvironment(
  start: ChildStart,
  send: Send,
  terminateAgent: () => void,
  parts: EnvironmentParts = {},
  inbox?: HostInbox,
): Promise<void> {
  try {
    await run(start, send, terminateAgent, parts, inbox);
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    send(failedFinal(error));
  }
}

async function run(
  start: ChildStart,
  send: Send,
  terminateAgent: () => void,
  parts: EnvironmentParts,
  inbox: HostInbox | undefined,
): Promise<void> {
  const boot = start.boot;
  const full = parts.full;
  const capabilities = full ? await full.openCapabilities(boot, send) : NO_CAPABILITIES;
  const build = full?.buildNamespace ?? buildNamespaceWith;
  const built = build(boot.manifest, {
    nostrKeyHex: boot.secrets.nostrKeyHex,
    ...(capabilities.nostrClock ? { nostrClock: capabilities.nostrClock } : {}),
    ...(boot.manifest.restore ? { restore: await Deno.readFile(boot.manifest.restore) } : {}),
  });
  const decode = outputDecoder();
  // The agent sees the namespace through a view that reports refusals, as the host's evidence
  // (never into /logs, where the agent's own output could crowd them out).
  const refusals = new RefusalTally();
  const agentView = auditDenials(built.namespace, (d) => {
    if (refusals.add(d)) send({ type: "host_event", event: refusalEvent(d) });
  });
  const unsubscribe = built.logs?.subscribe((record) => {
    if (record.stream === "events") {
      send({ type: "event", event: record.event.toJSON() as unknown as Record<string, unknown> });
    } else {
      send({ type: "output", stream: record.stream, text: decode(record.stream, record.data) });
    }
  });
  capabilities.start(built);
  const statusOf = () =>
    (built.task?.status() ?? { status: "completed" }) as Record<string, unknown>;
  built.task?.setRunning();
  send({ type: "status", status: statusOf() });
  const deadline = new AbortController();
  const limitSecs = boot.serve?.sessionSecs ?? boot.manifest.limits.timeoutSecs;
  const timer = setTimeout(() => deadline.abort(), limitSecs * 1000);
  let exitCode = 0;
  let error: string | undefined;
  let timedOut = false;
  try {
    if (boot.serve) {
      if (inbox === undefined || parts.shell === undefined || parts.runTool === undefined) {
        throw new Error("this child cannot serve a session");
      }
      const declared = await serveSession(boot.manifest, agentView, inbox, send, deadline.signal, {
        shell: parts.shell,
        runTool: parts.runTool,
      });
      if (declared?.status === "failed") {
        exitCode = 1;
        error = declared.error ?? "the client ended the task as failed";
      }
    } else {
      exitCode = await runProgram(
        start,
        { ...built, namespace: agentView },
        send,
        deadline.signal,
        terminateAgent,
        parts,
      );
      if (exitCode !== 0) error = `the program exited with code ${exitCode}`;
    }
  } catch (e) {
    exitCode = 1;
    if (e instanceof ProgramTimeout) {
      [exitCode, timedOut] = [124, true];
      error = boot.serve
        ? `the session's time (${limitSecs} s) ran out: it was ended`
        : `timed out after ${limitSecs} s: the program was stopped`;
    } else if (e instanceof AgentError) {
      error = e.location ? `${e.message} (at ${e.location})` : e.message;
      const stack = `${e.agentStack ?? e.message}\n`;
      if (built.logs) built.logs.writeStderr(stack);
      else send({ type: "output", stream: "stderr", text: stack });
    } else error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    clearTimeout(timer);
  }
  if (built.task) {
    if (error === undefined) built.task.setCompleted();
    else built.task.setFailed(error);
  }
  await capabilities.close();
  if (boot.snapshotOut !== undefined) {
    try {
      if (full === undefined) throw new Error("this child was started without snapshots");
      await Deno.writeFile(boot.snapshotOut, full.snapshotNamespace(built.namespace));
    } catch (e) {
      exitCode ||= 1;
      error ??= `the final state could not be saved: ${e instanceof Error ? e.message : e}`;
    }
  }
  unsubscribe?.();
  for (const event of refusals.summary()) send({ type: "host_event", event });
  let result: string | null = null;
  try {
    result = decoder.decode(readFile(built.namespace, "/task/result.json"));
  } catch { /* no result written */ }
  const status = built.task ? statusOf() : { status: error === undefined ? "completed" : "failed" };
  send({
    type: "final",
    status,
    exitCode,
    result,
    changes: collectChanges(built),
    ...(error === undefined ? {} : { error }),
    ...(timedOut ? { timedOut } : {}),
  });
}

/** Runs the environment in this worker once the supervisor sends the bootstrap. */
export function runChildWorker(parts: EnvironmentParts = {}): void {
  let inbox: HostInbox | undefined;
  scope.onmessage = (e: MessageEvent<ChildStart | HostMessage>) => {
    if (inbox !== undefined) return inbox.push(e.data as HostMessage);
    inbox = new HostInbox();
    runEnvironment(
      e.data as ChildStart,
      (msg) => scope.postMessage(msg),
      () => scope.postMessage(TERMINATE_AGENT),
      parts,
      inbox,
    );
  };
}
