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
import { type Bootstrap, type ChildMessage, encodeMessage } from "../runner/run_protocol.ts";
import { type ChildStart, TERMINATE_AGENT } from "./child_protocol.ts";

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
 * Reads stdin: the first line is the bootstrap; the rest is only watched
 * for its end. Resolves the bootstrap; calls `onClosed` at the end.
 */
function readStdin(onClosed: () => void): Promise<Bootstrap> {
  return new Promise((resolve, reject) => {
    (async () => {
      const decoder = new TextDecoder();
      let text = "";
      let booted = false;
      for await (const chunk of Deno.stdin.readable) {
        if (booted) continue;
        text += decoder.decode(chunk, { stream: true });
        const nl = text.indexOf("\n");
        if (nl >= 0) {
          booted = true;
          resolve(JSON.parse(text.slice(0, nl)) as Bootstrap);
          text = "";
        }
      }
      if (!booted) reject(new Error("the runner closed stdin before the bootstrap"));
      onClosed();
    })().catch(reject);
  });
}

/**
 * Runs the child: the supervisor here, the environment in a worker started
 * from `args[0]` (its bundle), a module agent in a worker started from
 * `args[1]` (its bundle), both started before the bootstrap is read.
 */
export async function supervise(args: string[]): Promise<void> {
  const [environment, agentBundle] = args;
  if (environment === undefined) throw new Error("the child needs its environment's bundle");
  // The environment's worker holds the child's whole grant ("inherit"). A module agent's worker
  // holds none; it is started here, not from the environment's worker (a worker's own workers
  // take about a second to start), and served by the environment through a port.
  const worker = new Worker(new URL(`file://${environment}`), { type: "module" });
  const agent = agentBundle === undefined
    ? undefined
    : createAgentWorker(new URL(`file://${agentBundle}`), false);
  const boot = await readStdin(() => Deno.exit(EXIT_ORPHANED));
  const send = (msg: ChildMessage) => writeAll(encoder.encode(encodeMessage(boot.nonce, msg)));
  const limitMs = boot.manifest.limits.timeoutSecs * 1000 + DEADLINE_GRACE_MS;
  setTimeout(() => Deno.exit(EXIT_DEADLINE), limitMs);
  const memory = memoryWall(boot.manifest.limits.memoryMb * 1024 * 1024, (message) => {
    send({ type: "limit", limit: "memory", message });
    Deno.exit(EXIT_MEMORY);
  });
  worker.onmessage = (e: MessageEvent<ChildMessage | typeof TERMINATE_AGENT>) => {
    if (e.data === TERMINATE_AGENT) return agent?.terminate();
    if (e.data?.type === "status") memory.start();
    send(e.data);
    if (e.data?.type === "final") Deno.exit(0);
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const error = `the child failed: ${e.message}`;
    send({
      type: "final",
      status: { status: "failed" },
      exitCode: 1,
      result: null,
      changes: [],
      error,
    });
    Deno.exit(1);
  };
  const start: ChildStart = { boot, ...(agent ? { agentPort: agent.port } : {}) };
  worker.postMessage(start, agent ? [agent.port] : []);
}
