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
  const [ASKED, ANSWERED] = [0, 1];
  const state = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(ping, { type: "module" });
  const said = (word: string) =>
    new Promise<void>((resolve) => {
      worker.onmessage = (e) => e.data === word && resolve();
    });
  await said("ready");
  const done = said("done");
  worker.postMessage({ sab: state.buffer, n });
  for (let i = 1; i <= n; i++) {
    while (Atomics.load(state, ASKED) !== i) Atomics.wait(state, ASKED, i - 1);
    Atomics.store(state, ANSWERED, i);
    Atomics.notify(state, ANSWERED);
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
