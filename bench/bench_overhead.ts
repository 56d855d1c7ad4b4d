/**
 * What `oanix bench` costs per trial: the example benchmark's `todos` task
 * with its careful agent, N trials through `runBench` (agent run, checker
 * run, results), against the same N agent runs and N checker runs done
 * bare with `runSandboxed`, one after another (also with the agents from a
 * pool of one waiting child, as the bench keeps them, so that what the
 * bench itself adds shows apart from what the pool saves); and trials per
 * minute at concurrency 1 and 2. Goal: the bench's own overhead under 10%
 * of a bare run.
 *
 *   deno run -A bench/bench_overhead.ts [trials]
 */
import { ChildPool, loadBenchConfig, runBench, runSandboxed } from "../mod.ts";

const trials = Number(Deno.args[0] ?? 12);
const config = await loadBenchConfig(
  new URL("../examples/bench/bench.yaml", import.meta.url).pathname,
);
const task = config.tasks.find((t) => t.name === "todos")!;
const agent = config.agents.find((a) => a.name === "careful")!;
const out = await Deno.makeTempDir({ prefix: "oanix-bench-overhead-" });

/** The same agent and checker runs, one after another; the agents from `pool` when given. */
async function bare(pool?: ChildPool): Promise<number> {
  const manifest = config.trialManifest(task, agent);
  const checker = { ...manifest, program: task.checker };
  const t0 = performance.now();
  for (let i = 0; i < trials; i++) {
    const r = await runSandboxed(manifest, { outDir: `${out}/bare/${i}`, pool });
    if (r.outcome !== "completed") throw new Error(r.error);
    await runSandboxed(checker, { outDir: `${out}/bare/${i}-check` });
  }
  return (performance.now() - t0) / trials;
}

/** {@linkcode bare} with a pool of one waiting child, as `oanix bench` keeps at concurrency 1. */
async function barePooled(): Promise<number> {
  const pool = new ChildPool({ size: 1 });
  try {
    return await bare(pool);
  } finally {
    await pool.close();
  }
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
const pooledMs = await barePooled();
const benchMs = await viaBench(1);
const bench2Ms = await viaBench(2);
console.log(`per trial (agent run + checker run), ${trials} trials:`);
console.log(`  bare runSandboxed, one after another: ${bareMs.toFixed(0)} ms`);
console.log(
  `  the same, agents from a pool of 1:    ${pooledMs.toFixed(0)} ms (${
    (pooledMs / bareMs).toFixed(2)
  }×; the bench's own overhead is what it adds to this: ${(benchMs / pooledMs).toFixed(2)}×)`,
);
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
