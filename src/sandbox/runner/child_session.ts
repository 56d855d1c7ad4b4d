/**
 * One child process, from the runner's side: spawned with its command,
 * given the bootstrap as one line on stdin (kept open: the child exits when
 * it closes), its stdout split into messages and stray text, its stderr
 * passed on.
 *
 * @module
 */

import type { ChildCommand } from "./child_command.ts";
import { type ChildMessage, decodeMessage, type HostMessage } from "./run_protocol.ts";
import { MAX_MESSAGE_CHARS, splitStdout } from "./stdout_split.ts";

/**
 * What a session reports as it runs.
 *
 * @example
 * ```ts ignore
 * const handlers: SessionHandlers = { onMessage: console.log, onText: console.log, onStderr: console.error };
 * ```
 */
export interface SessionHandlers {
  /** A well-formed message. */
  onMessage(msg: ChildMessage): void;
  /** Text on stdout that is not a message (an agent printing past its logs). */
  onText(text: string): void;
  /** Text on stderr. */
  onStderr(text: string): void;
  /** A message line past the size limit was dropped. */
  onOversized(): void;
}

/**
 * A running child.
 *
 * @example
 * ```ts ignore
 * const session = startChild(cmd, bootstrap, handlers);
 * const status = await session.ended;
 * ```
 */
export interface ChildSession {
  /** The child's process id. */
  pid: number;
  /** Resolves when the child has exited and its output is read. */
  ended: Promise<Deno.CommandStatus>;
  /** Kills the child (SIGKILL); safe to call more than once. */
  kill(): void;
  /** Closes the child's stdin (the child exits when it sees the end). */
  release(): Promise<void>;
  /** Sends the child one host message (a serving session's call or end), as a JSON line. */
  send(message: HostMessage): void;
}

/**
 * A child process started and waiting for its bootstrap (its runtime is
 * loading meanwhile): what a pool keeps ready.
 *
 * @example
 * ```ts ignore
 * const ready: SpawnedChild = spawnChild(cmd);
 * ```
 */
export interface SpawnedChild {
  /** The command it was started with. */
  cmd: ChildCommand;
  /** The process. */
  process: Deno.ChildProcess;
  /** True once the process has ended. */
  exited: boolean;
  /** When it was started (performance.now()). */
  startedAt: number;
}

/**
 * Starts the child of `cmd`; it waits for its bootstrap.
 *
 * @example
 * ```ts ignore
 * const ready = spawnChild(cmd);
 * const session = startChild(ready, bootstrap, handlers);
 * ```
 */
export function spawnChild(cmd: ChildCommand): SpawnedChild {
  const process = new Deno.Command(cmd.denoPath, {
    args: cmd.args,
    cwd: cmd.workDir,
    clearEnv: true,
    env: cmd.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const spawned: SpawnedChild = { cmd, process, exited: false, startedAt: performance.now() };
  process.status.then(() => spawned.exited = true);
  return spawned;
}

/**
 * Hands a started child (see {@linkcode spawnChild}) its `bootstrap` and
 * reads what it says.
 *
 * @example
 * ```ts ignore
 * const session = startChild(spawnChild(cmd), { manifest, nonce: cmd.nonce, secrets: {} }, handlers);
 * ```
 */
export function startChild(
  spawned: SpawnedChild,
  bootstrap: unknown,
  handlers: SessionHandlers,
): ChildSession {
  const { cmd, process: child } = spawned;
  const writer = child.stdin.getWriter();
  // A child that dies before reading its bootstrap says why on stderr.
  writer.write(new TextEncoder().encode(JSON.stringify(bootstrap) + "\n")).catch(() => {});

  const prefix = `@@oanix:${cmd.nonce} `;
  const readOut = (async () => {
    for await (const piece of splitStdout(child.stdout, prefix, MAX_MESSAGE_CHARS)) {
      if ("oversized" in piece) {
        handlers.onOversized();
        continue;
      }
      const msg = "line" in piece ? decodeMessage(cmd.nonce, piece.line) : undefined;
      if (msg !== undefined) handlers.onMessage(msg);
      else handlers.onText("line" in piece ? piece.line + "\n" : piece.text);
    }
  })();
  const readErr = (async () => {
    const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
    for await (const text of child.stderr.pipeThrough(decoder)) handlers.onStderr(text);
  })();
  let released = false;
  // Writes go in order, one after the other: a line is never split by another.
  let writing = Promise.resolve();
  const release = async () => {
    if (released) return;
    released = true;
    await writing;
    await writer.close().catch(() => {});
  };
  const send = (message: HostMessage) => {
    if (released) return;
    const line = new TextEncoder().encode(JSON.stringify(message) + "\n");
    writing = writing.then(() => writer.write(line)).catch(() => {});
  };
  return {
    pid: child.pid,
    ended: (async () => {
      const status = await child.status;
      await Promise.all([readOut, readErr]);
      await release();
      return status;
    })(),
    kill: () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    },
    release,
    send,
  };
}
