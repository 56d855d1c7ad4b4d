/**
 * The child's main thread: it reads the bootstrap, starts the environment
 * in a worker, passes the worker's messages to the runner, and ties the
 * child's life to the runner's. The main thread runs no agent code, so it
 * stays responsive whatever the program does (a WASI guest spinning with no
 * host call included):
 *
 * - the runner keeps the child's stdin open for the whole run; when it
 *   closes (the runner exited, was killed, or crashed), the child exits at
 *   once;
 * - the child exits by itself a little after the run's time limit, should
 *   the runner's own kill not come;
 * - it holds the program to its memory allowance (limits.memory above the
 *   child's own footprint when the program starts): the process's resident
 *   memory, every kind, checked twenty times a second; past it the child
 *   says so and exits (the host watches too, where it can).
 *
 * @module
 */

import { createAgentWorker } from "../agent/agent_worker_handle.ts";
import {
  type Bootstrap,
  type ChildMessage,
  encodeMessage,
  type HostMessage,
  parseHostMessage,
} from "../runner/run_protocol.ts";
import {
  type ChildStart,
  ENVIRONMENT_WORKER,
  failedFinal,
  TERMINATE_AGENT,
} from "./child_protocol.ts";

/** Exit code when the runner went away. */
export const EXIT_ORPHANED = 129;
/** Exit code when the child's own deadline passed. */
export const EXIT_DEADLINE = 124;
/** How long after the time limit the child stops itself (the runner normally acts first). */
const DEADLINE_GRACE_MS = 3000;
/** Exit code past the memory allowance. */
export const EXIT_MEMORY = 137;
/** How often the memory allowance is checked. */
const MEMORY_CHECK_MS = 50;

/** Watches the process's resident memory against `allowance` bytes above the footprint at `start()`. */
function memoryWall(allowance: number, onPassed: (message: string) => void) {
  let baseline: number | undefined;
  const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
  const timer = setInterval(() => {
    if (baseline === undefined) return;
    const used = Deno.memoryUsage().rss - baseline;
    if (used <= allowance) return;
    clearInterval(timer);
    onPassed(
      `the program's memory passed limits.memory (${mib(used)} > ${mib(allowance)} above the ` +
        `child's own ${mib(baseline)}): the run was stopped`,
    );
  }, MEMORY_CHECK_MS);
  return {
    start: () => baseline ??= Deno.memoryUsage().rss,
  };
}

const encoder = new TextEncoder();

function writeAll(bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += Deno.stdout.writeSync(bytes.subarray(at));
}

/**
 * Reads stdin: the first line is the bootstrap; each later line a host
 * message (a serving session's calls), passed to `onLine`. Resolves the
 * bootstrap; calls `onClosed` at the end.
 */
function readStdin(onLine: (line: string) => void, onClosed: () => void): Promise<Bootstrap> {
  return new Promise((resolve, reject) => {
    (async () => {
      const decoder = new TextDecoder();
      // Plain reads rather than `Deno.stdin.readable`: the stream machinery costs the child
      // about 2 MiB.
      const chunk = new Uint8Array(64 * 1024);
      let text = "";
      let booted = false;
      for (let n = await Deno.stdin.read(chunk); n !== null; n = await Deno.stdin.read(chunk)) {
        text += decoder.decode(chunk.subarray(0, n), { stream: true });
        for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
          const line = text.slice(0, nl);
          text = text.slice(nl + 1);
          if (booted) onLine(line);
          else {
            booted = true;
            resolve(JSON.parse(line) as Bootstrap);
          }
        }
      }
      if (!booted) reject(new Error("the runner closed stdin before the bootstrap"));
      onClosed();
    })().catch(reject);
  });
}

/** How the environment runs: in a worker, or in this thread. */
interface Environment {
  start(start: ChildStart, send: (msg: ChildMessage) => void, terminateAgent: () => void): void;
  /** Passes on a host message (a serving session's call or end). */
  deliver(msg: HostMessage): void;
}

/** The environment in a worker of its own (it inherits the child's whole grant). */
function environmentWorker(bundle: string): Environment {
  const worker = new Worker(new URL(`file://${bundle}`), {
    type: "module",
    name: ENVIRONMENT_WORKER,
  });
  return {
    start(start, send, terminateAgent) {
      worker.onmessage = (e: MessageEvent<ChildMessage | typeof TERMINATE_AGENT>) => {
        if (e.data === TERMINATE_AGENT) return terminateAgent();
        send(e.data);
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        const error = `the child failed: ${e.message}`;
        send(failedFinal(error));
      };
      worker.postMessage(start, start.agentPort ? [start.agentPort] : []);
    },
    deliver: (msg) => worker.postMessage(msg),
  };
}

/** The environment imported into this thread. */
function environmentHere(bundle: string): Environment {
  type Module = { runEnvironment: (s: ChildStart, send: unknown, t: () => void) => Promise<void> };
  const loaded = import(new URL(`file://${bundle}`).href) as Promise<Module>;
  loaded.catch(() => {}); // reported when started
  return {
    start(start, send, terminateAgent) {
      loaded.then((m) => m.runEnvironment(start, send, terminateAgent)).catch((e) => {
        const error = `the child failed: ${e instanceof Error ? e.message : e}`;
        send(failedFinal(error));
      });
    },
    // A serving session runs in a worker: this thread runs module agents only.
    deliver: () => {},
  };
}

/**
 * Runs the child: the supervisor here; the environment from `args[0]` (its
 * bundle) and a module agent in a worker from `args[1]` (its bundle), both
 * started before the bootstrap is read. With a module agent the environment
 * runs in this thread (the agent's code runs in its own worker, never
 * here); with a WASI program it runs in a worker, so a guest spinning with
 * no host call cannot hold this thread.
 */
export async function supervise(args: string[]): Promise<void> {
  const [environmentBundle, agentBundle] = args;
  if (environmentBundle === undefined) throw new Error("the child needs its environment's bundle");
  const agent = agentBundle === undefined
    ? undefined
    : createAgentWorker(new URL(`file://${agentBundle}`), false);
  const environment = agent === undefined
    ? environmentWorker(environmentBundle)
    : environmentHere(environmentBundle);
  // Host messages may come in the bootstrap's own chunk: they wait until the environment starts.
  let early: HostMessage[] | undefined = [];
  const boot = await readStdin((line) => {
    const msg = parseHostMessage(line);
    if (msg === undefined) return;
    if (early !== undefined) early.push(msg);
    else environment.deliver(msg);
  }, () => Deno.exit(EXIT_ORPHANED));
  const write = (msg: ChildMessage) => writeAll(encoder.encode(encodeMessage(boot.nonce, msg)));
  const limitMs = (boot.serve?.sessionSecs ?? boot.manifest.limits.timeoutSecs) * 1000 +
    DEADLINE_GRACE_MS;
  setTimeout(() => Deno.exit(EXIT_DEADLINE), limitMs);
  const memory = memoryWall(boot.manifest.limits.memoryMb * 1024 * 1024, (message) => {
    write({ type: "limit", limit: "memory", message });
    Deno.exit(EXIT_MEMORY);
  });
  const send = (msg: ChildMessage) => {
    if (msg?.type === "status") memory.start();
    write(msg);
    if (msg?.type === "final") Deno.exit(0);
  };
  const start: ChildStart = { boot, ...(agent ? { agentPort: agent.port } : {}) };
  environment.start(start, send, () => agent?.terminate());
  for (const msg of early) environment.deliver(msg);
  early = undefined;
}
