/**
 * The child's entry point. It runs under exactly the permissions the
 * manifest implies: reads the bootstrap from stdin, builds the namespace,
 * starts the executors, runs the program, and reports to the parent
 * through nonce-prefixed lines on stdout.
 *
 * Not part of the public API: the runner starts it.
 *
 * @module
 */

import { ExecutorManager } from "../../executor/executor_manager.ts";
import { readFile } from "../../fs/file_io.ts";
import { WasiRuntime } from "../../wasi/wasi_runtime.ts";
import { buildNamespace, type BuiltNamespace } from "./build_namespace.ts";
import { collectChanges } from "./collect_changes.ts";
import { auditDenials } from "./denial_audit.ts";
import { type Bootstrap, type ChildMessage, encodeMessage } from "../runner/run_protocol.ts";
import { AgentError, runAgentInWorker } from "../agent/agent_host.ts";

const stdoutWrite = Deno.stdout.writeSync.bind(Deno.stdout);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** One streaming decoder per output stream: a character may come in two writes. */
const streamDecoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
const decodeOutput = (stream: "stdout" | "stderr", bytes: Uint8Array) =>
  streamDecoders[stream].decode(bytes, { stream: true });

function makeSend(nonce: string): (msg: ChildMessage) => void {
  return (msg) => {
    const bytes = encoder.encode(encodeMessage(nonce, msg));
    let at = 0;
    while (at < bytes.length) at += stdoutWrite(bytes.subarray(at));
  };
}

async function readBootstrap(): Promise<Bootstrap> {
  const text = await new Response(Deno.stdin.readable).text();
  return JSON.parse(text) as Bootstrap;
}

/** Reports a check Deno does not audit (spawning), as the worker saw it. */
function deniedEvent(send: (msg: ChildMessage) => void, permission: string, value: string): void {
  send({
    type: "event",
    event: {
      timestamp: Date.now(),
      level: "warn",
      message: `permission denied: ${permission} ${value}`,
      data: { source: "oanix-child", permission, value, denied: true },
    },
  });
}

async function runProgram(
  boot: Bootstrap,
  built: BuiltNamespace,
  send: (msg: ChildMessage) => void,
): Promise<number> {
  const program = boot.manifest.program!;
  if (program.kind === "wasi") {
    const bytes = await Deno.readFile(program.path);
    const forward = (stream: "stdout" | "stderr") => (chunk: Uint8Array) =>
      send({ type: "output", stream, text: decodeOutput(stream, chunk) });
    const result = await new WasiRuntime().run(built.namespace, bytes, {
      args: [program.path.split("/").pop()!, ...program.args],
      env: program.env,
      stdin: program.stdin !== undefined
        ? encoder.encode(program.stdin)
        : boot.stdinBase64 !== undefined
        ? Uint8Array.fromBase64(boot.stdinBase64)
        : undefined,
      ...(built.logs ? {} : { onStdout: forward("stdout"), onStderr: forward("stderr") }),
    });
    return result.exitCode;
  }
  // A module agent runs in a worker of its own with no permissions: it cannot reach the
  // network, the disk, or this realm (executors, keys, the protocol).
  if (boot.agent === undefined) throw new Error("the runner gave no agent bundle");
  return await runAgentInWorker({
    program: program.path,
    bundle: boot.agent.bundle,
    args: program.args,
    env: program.env,
    namespace: built.namespace,
    onOutput: (stream, text) => {
      if (!built.logs) send({ type: "output", stream, text });
      else if (stream === "stdout") built.logs.writeStdout(text);
      else built.logs.writeStderr(text);
    },
    onDenied: (permission, value) => deniedEvent(send, permission, value),
  });
}

async function main(): Promise<void> {
  const boot = await readBootstrap();
  const send = makeSend(boot.nonce);
  const built = buildNamespace(boot.manifest, { nostrKeyHex: boot.secrets.nostrKeyHex });
  // The agent sees the namespace through a view that reports refusals as denied events.
  const agentView = auditDenials(built.namespace, (d) => {
    const message = `denied by the namespace: ${d.op} ${d.path} (${d.code})`;
    const data = { source: "namespace", permission: "namespace", ...d, denied: true };
    if (built.logs) built.logs.warn(message, data);
    else send({ type: "event", event: { timestamp: Date.now(), level: "warn", message, data } });
  });
  const unsubscribe = built.logs?.subscribe((record) => {
    if (record.stream === "events") {
      send({ type: "event", event: record.event.toJSON() as unknown as Record<string, unknown> });
    } else {
      send({
        type: "output",
        stream: record.stream,
        text: decodeOutput(record.stream, record.data),
      });
    }
  });
  let executor: ExecutorManager | undefined;
  if (built.http || built.ws || built.nostr) {
    executor = new ExecutorManager();
    if (built.http) executor.attachHttp(built.http);
    if (built.ws) executor.attachWs(built.ws);
    if (built.nostr) executor.attachNostr(built.nostr);
    executor.start();
  }
  const statusOf = () =>
    (built.task?.status() ?? { status: "completed" }) as Record<string, unknown>;
  built.task?.setRunning();
  send({ type: "status", status: statusOf() });
  let exitCode = 0;
  let error: string | undefined;
  try {
    if (boot.manifest.program) {
      exitCode = await runProgram(boot, { ...built, namespace: agentView }, send);
    }
    if (exitCode !== 0) error = `the program exited with code ${exitCode}`;
  } catch (e) {
    exitCode = 1;
    if (e instanceof AgentError) {
      error = e.location ? `${e.message} (at ${e.location})` : e.message;
      const stack = `${e.agentStack ?? e.message}\n`;
      if (built.logs) built.logs.writeStderr(stack);
      else send({ type: "output", stream: "stderr", text: stack });
    } else error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  if (built.task) {
    if (error === undefined) built.task.setCompleted();
    else built.task.setFailed(error);
  }
  await executor?.shutdown();
  unsubscribe?.();
  let result: string | null = null;
  try {
    result = decoder.decode(readFile(built.namespace, "/task/result.json"));
  } catch { /* no result written */ }
  const status = built.task ? statusOf() : { status: error === undefined ? "completed" : "failed" };
  send({ type: "final", status, exitCode, result, changes: collectChanges(built), error });
  Deno.exit(0);
}

if (import.meta.main) await main();
