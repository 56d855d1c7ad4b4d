/**
 * What `oanix bench` costs per trial: the example benchmark's `todos` task
 * with its careful agent, N trials through `runBench` (agent run, checker
 * run, results), against the same N agent runs and N checker runs done
 * bare with `runSandboxed`, one after another; and trials per minute at
 * concurrency 1 and 2. Goal: the bench's own overhead under 10% of a bare
 * run.
 *
 *   deno run -A bench/bench_overhead.ts [trials]
 */
import { loadBenchConfig, runBench, runSandboxed } from "../mod.ts";

const trials = Number(Deno.args[0] ?? 12);
const config = await loadBenchConfig(
  new URL("../examples/bench/bench.yaml", import.meta.url).pathname,
);
const task = config.tasks.find((t) => t.name === "todos")!;
const agent = config.agents.find((a) => a.name === "careful")!;
const out = await Deno.makeTempDir({ prefix: "oanix-bench-overhead-" });

async function bare(): Promise<number> {
  const manifest = config.trialManifest(task, agent);
  const checker = { ...manifest, program: task.checker };
  const t0 = performance.now();
  for (let i = 0; i < trials; i++) {
    const r = await runSandboxed(manifest, { outDir: `${out}/bare/${i}` });
    if (r.outcome !== "completed") throw new Error(r.error);
    await runSandboxed(checker, { outDir: `${out}/bare/${i}-check` });
  }
  return (performance.now() - t0) / trials;
}

async function viaBench(concurrency: number): Promise<number> {
  const dir = `${out}/bench-${concurrency}-${crypto.randomUUID().slice(0, 6)}`;
  const t0 = performance.now();
  const run = await runBench(config, {
    outDir: dir,
    repeats: trials,
    concurrency,
    filter: "todos/careful/",
  });
  if (run.results.length !== trials) throw new Error(`${run.results.length} trials recorded`);
  return (performance.now() - t0) / trials;
}

await bare(); // warm the bundles
const bareMs = await bare();
const benchMs = await viaBench(1);
const bench2Ms = await viaBench(2);
console.log(`per trial (agent run + checker run), ${trials} trials:`);
console.log(`  bare runSandboxed, one after another: ${bareMs.toFixed(0)} ms`);
console.log(
  `  oanix bench, concurrency 1:           ${benchMs.toFixed(0)} ms (${
    (benchMs / bareMs).toFixed(2)
  }×)`,
);
console.log(
  `  oanix bench, concurrency 2:           ${bench2Ms.toFixed(0)} ms (${
    (bench2Ms / bareMs).toFixed(2)
  }×)`,
);
console.log(
  `trials per minute: ${(60_000 / benchMs).toFixed(0)} at concurrency 1, ${
    (60_000 / bench2Ms).toFixed(0)
  } at 2`,
);
await Deno.remove(out, { recursive: true });
