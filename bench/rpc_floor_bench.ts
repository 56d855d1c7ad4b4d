/**
 * A module agent's namespace call against the floor of a cross-thread
 * call: a SharedArrayBuffer round trip (the worker asks with
 * Atomics.notify and blocks in Atomics.wait; this thread answers, blocking
 * in Atomics.wait too). 5,000 calls each, worker start included on both
 * sides. Target: within 3×.
 *
 *   deno bench -A --unstable-worker-options bench/rpc_floor_bench.ts
 */
import { MemFs, Namespace, runAgentInWorker } from "../mod.ts";

const N = 5_000;
const agent = new URL("./fixtures/stat_agent.ts", import.meta.url).pathname;
const ping = new URL("./fixtures/ping_worker.ts", import.meta.url);

async function pingPong(n: number): Promise<void> {
  const sab = new SharedArrayBuffer(4);
  const state = new Int32Array(sab);
  const worker = new Worker(ping, { type: "module" });
  const done = new Promise<void>((resolve) => worker.onmessage = () => resolve());
  worker.postMessage({ sab, n });
  for (let i = 0; i < n; i++) {
    Atomics.wait(state, 0, 0);
    Atomics.store(state, 0, 0);
    Atomics.notify(state, 0);
  }
  await done;
  worker.terminate();
}

Deno.bench({
  name: `SharedArrayBuffer round trip ×${N} (the floor)`,
  group: "cross-thread call",
  baseline: true,
  async fn() {
    await pingPong(N);
  },
});

Deno.bench({
  name: `agent namespace stat ×${N} over the RPC`,
  group: "cross-thread call",
  async fn() {
    await runAgentInWorker({
      program: agent,
      args: [String(N)],
      env: {},
      namespace: Namespace.builder().mount("/tmp", new MemFs()).build(),
      onOutput: () => {},
    });
  },
});
