/**
 * Running the manifest's program in the child's environment: a JS/TS
 * agent in its own worker, a shell script through the shell over the
 * namespace, or a WASI module (`run_wasi.ts`, in the full environment).
 *
 * Not part of the public API.
 *
 * @module
 */

import type { FileService } from "../../fs/types.ts";
import type { ToolRunner } from "../tools/tool_types.ts";
import type { ShellOptions, ShellResult } from "../../shell/shell_options.ts";
import { runAgentInWorker } from "../agent/agent_host.ts";
import type { Manifest } from "../manifest/manifest.ts";
import type { ProgramSpec } from "../manifest/program.ts";
import type { ChildMessage } from "../runner/run_protocol.ts";
import type { Namespace } from "../../namespace/namespace.ts";
import type { Bootstrap } from "../runner/run_protocol.ts";
import type { CapabilitySession } from "./capability_session.ts";
import type { BuildOptions, BuiltNamespace } from "./namespace_core.ts";
import type { ChildStart } from "./child_protocol.ts";

type Send = (msg: ChildMessage) => void;
/**
 * The shell (`runShell`), when the environment's bundle carries it; typed
 * here so that the plain environment's graph never reaches its package.
 */
export type ShellRunner = (
  namespace: FileService,
  script: string,
  options?: ShellOptions,
) => Promise<ShellResult>;

/**
 * What the full environment adds to the plain one (see `full_parts.ts`):
 * capability mounts and their executors, WASI programs, snapshots.
 */
export interface FullParts {
  /** Builds the namespace with every kind of mount, from a snapshot too. */
  buildNamespace(manifest: Manifest, options: BuildOptions): BuiltNamespace;
  /** Opens the executors of the run's capability mounts (recording or replaying them). */
  openCapabilities(boot: Bootstrap, send: Send): Promise<CapabilitySession>;
  /** Runs a WASI program over the namespace; resolves with its exit code. */
  runWasi(
    start: ChildStart,
    built: BuiltNamespace,
    send: Send,
    deadline: AbortSignal,
  ): Promise<number>;
  /** The snapshot archive of a namespace's final state. */
  snapshotNamespace(namespace: Namespace): Uint8Array;
}

/** What one environment bundle can run beyond module agents over files and services. */
export interface EnvironmentParts {
  /** The shell: shell scripts, `env.shell` for agents `with_shell`, and `oanix mcp`'s `bash`. */
  shell?: ShellRunner;
  /** The tools a serving session (`oanix mcp`) answers calls with. */
  runTool?: ToolRunner;
  /** Capability mounts, WASI programs, snapshots: absent from the plain environment. */
  full?: FullParts;
}

/** The program ran out of time: the child stops it and still reports what it did. */
export class ProgramTimeout extends Error {}

const encoder = new TextEncoder();

/** One streaming decoder per output stream: a character may come in two writes. */
export function outputDecoder(): (stream: "stdout" | "stderr", bytes: Uint8Array) => string {
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  return (stream, bytes) => decoders[stream].decode(bytes, { stream: true });
}

/** A check Deno does not audit (spawning), as the agent's worker saw it. */
function deniedEvent(permission: string, value: string): Record<string, unknown> {
  return {
    timestamp: Date.now(),
    level: "warn",
    message: `permission denied: ${permission} ${value}`,
    data: { source: "oanix-child", permission, value, denied: true },
  };
}

/** The shell's limits for a program: the manifest's, with the run's time. */
export function shellLimitsOf(program: ProgramSpec, timeoutSecs: number): ShellOptions["limits"] {
  return { ...program.shellLimits, timeoutMs: Math.max(1, Math.round(timeoutSecs * 1000)) };
}

/** The bytes of the program's stdin, when it has any. */
export function stdinBytes({ boot }: ChildStart): Uint8Array | undefined {
  const program = boot.manifest.program!;
  if (program.stdin !== undefined) return encoder.encode(program.stdin);
  return boot.stdinBase64 === undefined ? undefined : Uint8Array.fromBase64(boot.stdinBase64);
}

/** An agent's shell call: the script's output kept to what one answer can carry. */
function agentShell(
  shell: ShellRunner,
  built: BuiltNamespace,
  program: ProgramSpec,
  timeoutSecs: number,
  signal: AbortSignal,
) {
  return async (script: unknown, options: unknown): Promise<ShellResult> => {
    const o = (options ?? {}) as ShellOptions;
    const given = o !== null && typeof o === "object" ? o : {};
    return await shell(built.namespace, String(script), {
      ...given,
      limits: shellLimitsOf(program, timeoutSecs),
      signal,
    });
  };
}

/**
 * Runs the program of `start` over `built` until it ends; resolves with its
 * exit code. Throws {@linkcode ProgramTimeout} when `deadline` ended it.
 */
export async function runProgram(
  start: ChildStart,
  built: BuiltNamespace,
  send: Send,
  deadline: AbortSignal,
  terminateAgent: () => void,
  parts: EnvironmentParts,
): Promise<number> {
  const { boot, agentPort } = start;
  const program = boot.manifest.program!;
  const timeoutSecs = boot.manifest.limits.timeoutSecs;
  const decode = outputDecoder();
  const toOutput = (stream: "stdout" | "stderr", text: string) => {
    if (!built.logs) send({ type: "output", stream, text });
    else if (stream === "stdout") built.logs.writeStdout(text);
    else built.logs.writeStderr(text);
  };
  if (program.kind === "wasi") {
    if (parts.full === undefined) throw new Error("this child was started without WASI");
    return await parts.full.runWasi(start, built, send, deadline);
  }
  if (program.kind === "shell") {
    if (parts.shell === undefined) throw new Error("this child was started without the shell");
    const script = program.script ?? await Deno.readTextFile(program.path);
    const stdin = stdinBytes(start);
    const shellSays = (stream: "stdout" | "stderr") => (chunk: Uint8Array) =>
      toOutput(stream, decode(stream, chunk));
    try {
      const result = await parts.shell(built.namespace, script, {
        args: program.args,
        env: program.env,
        ...(stdin === undefined ? {} : { stdin: new TextDecoder().decode(stdin) }),
        limits: shellLimitsOf(program, timeoutSecs),
        signal: deadline,
        onStdout: shellSays("stdout"),
        onStderr: shellSays("stderr"),
      });
      if (result.timedOut) throw new ProgramTimeout();
      return result.exitCode;
    } catch (e) {
      if (deadline.aborted) throw new ProgramTimeout();
      throw e;
    }
  }
  // A module agent runs in a worker of its own with no permissions: it cannot reach the
  // network, the disk, or this realm (executors, keys, the protocol).
  if (agentPort === undefined) throw new Error("the supervisor started no agent worker");
  if (program.withShell && parts.shell === undefined) {
    throw new Error("this child was started without the shell");
  }
  try {
    return await runAgentInWorker({
      program: program.path,
      worker: { port: agentPort, terminate: terminateAgent },
      args: program.args,
      env: program.env,
      namespace: built.namespace,
      signal: deadline,
      onOutput: toOutput,
      onDenied: (permission, value) =>
        send({ type: "host_event", event: deniedEvent(permission, value) }),
      ...(program.withShell && parts.shell
        ? { shell: agentShell(parts.shell, built, program, timeoutSecs, deadline) }
        : {}),
    });
  } catch (e) {
    if (deadline.aborted) throw new ProgramTimeout();
    throw e;
  }
}
