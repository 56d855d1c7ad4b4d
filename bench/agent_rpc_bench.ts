/**
 * What the agent worker's isolation costs: a module agent doing 5,000
 * write+read pairs of a small file through its environment, run in its
 * locked-down worker (synchronous SharedArrayBuffer RPC, including the
 * worker's start) against the same agent called in-process.
 *
 * Run: deno bench -A bench/agent_rpc_bench.ts
 */
import { agentEnvironment, MemFs, Namespace, runAgentInWorker } from "../mod.ts";
import io from "./fixtures/io_agent.ts";

const program = new URL("./fixtures/io_agent.ts", import.meta.url).pathname;
const fresh = () => Namespace.builder().mount("/tmp", new MemFs()).build();

Deno.bench({
  name: "in-process agent, 5,000 write+read pairs",
  group: "agent io",
  baseline: true,
  fn() {
    io(agentEnvironment(fresh(), [], {}));
  },
});

Deno.bench({
  name: "worker agent over the RPC, 5,000 write+read pairs",
  group: "agent io",
  async fn() {
    await runAgentInWorker({
      program,
      args: [],
      env: {},
      namespace: fresh(),
      onOutput: () => {},
    });
  },
});
