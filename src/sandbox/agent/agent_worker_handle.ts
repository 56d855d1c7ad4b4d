/**
 * Starting an agent's worker: no permissions (beyond reading the agent,
 * when it is imported by path), and a message port for its namespace RPC.
 * The port lets the worker be started by one thread and served by another:
 * in the sandbox the child's main thread starts it (a worker started from
 * inside a worker takes about a second to start in Deno 2.9) while the
 * environment's worker serves it.
 *
 * @module
 */

/**
 * A started agent worker, as the side that serves it sees it.
 *
 * @example
 * ```ts ignore
 * const agent: AgentWorkerHandle = createAgentWorker(new URL("file:///cache/agent.js"), false);
 * agent.port.onmessage = (e) => console.log(e.data);
 * agent.terminate();
 * ```
 */
export interface AgentWorkerHandle {
  /** The agent's end of the RPC: its requests arrive here; the start message goes here. */
  port: MessagePort;
  /** Stops the worker (whatever it is doing). */
  terminate(): void;
}

/**
 * Starts a worker from `entry` with no permissions but reading `read`
 * (`false`: none at all; the entry itself loads under the parent's grant),
 * and gives it one end of a message channel; returns the other.
 *
 * @example
 * ```ts ignore
 * const agent = createAgentWorker(new URL("file:///cache/agent.js"), false);
 * ```
 */
export function createAgentWorker(entry: URL, read: string[] | false): AgentWorkerHandle {
  const worker = new Worker(entry, {
    type: "module",
    deno: {
      permissions: {
        read,
        write: false,
        net: false,
        env: false,
        run: false,
        ffi: false,
        sys: false,
        import: false,
      },
    },
  } as WorkerOptions);
  // What the agent posts to its worker's own scope reaches nobody who listens.
  worker.onmessage = () => {};
  const channel = new MessageChannel();
  worker.postMessage({ port: channel.port2 }, [channel.port2]);
  return { port: channel.port1, terminate: () => worker.terminate() };
}
