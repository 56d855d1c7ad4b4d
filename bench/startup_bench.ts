/**
 * Start-up of a sandboxed run, as whole processes: `oanix run` of a trivial
 * module agent against a bare `deno run` of a script doing the same work
 * (target: within 2.5× wall and peak memory). Runs alternate; medians and
 * ratios are reported. Then trials per minute of `runSandboxed` in one
 * process, with and without a pool of waiting children.
 *
 *   deno run -A bench/startup_bench.ts [runs] [trials]
 *
 * Peak memory is GNU time's maximum resident size of the measured process
 * (for oanix: the runner), plus, for oanix, the child's peak as the runner
 * saw it (status.json `peak_memory_bytes`).
 */
import { ChildPool, loadManifest, runSandboxed } from "../mod.ts";

const here = new URL("./fixtures/startup/", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const runs = Number(Deno.args[0] ?? 15);
const trials = Number(Deno.args[1] ?? 50);
const out = await Deno.makeTempDir({ prefix: "oanix-startup-" });

async function timed(args: string[]): Promise<{ ms: number; kb: number }> {
  const started = performance.now();
  const r = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M", ...args],
    cwd: here,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  const text = new TextDecoder().decode(r.stderr).trim().split("\n");
  if (!r.success) throw new Error(`${args.join(" ")} failed:\n${text.join("\n")}`);
  return { ms, kb: Number(text.at(-1)) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = { ms: [] as number[], kb: [] as number[] };
const oanix = { ms: [] as number[], kb: [] as number[] };
for (let i = 0; i < runs + 2; i++) {
  const b = await timed([
    Deno.execPath(),
    "run",
    `--allow-write=${out}`,
    "bare.ts",
    `${out}/bare.json`,
  ]);
  const o = await timed([
    Deno.execPath(),
    "run",
    "-A",
    cli,
    "run",
    "env.yaml",
    "--out",
    `${out}/o`,
    "--quiet",
  ]);
  const child = JSON.parse(await Deno.readTextFile(`${out}/o/status.json`)).peak_memory_bytes /
    1024;
  if (i < 2) continue; // warm-up
  bare.ms.push(b.ms);
  bare.kb.push(b.kb);
  oanix.ms.push(o.ms);
  oanix.kb.push(o.kb + child);
}
const row = (name: string, m: { ms: number[]; kb: number[] }) =>
  `${name.padEnd(34)} ${median(m.ms).toFixed(0).padStart(6)} ms  ${
    (median(m.kb) / 1024).toFixed(0).padStart(5)
  } MiB`;
console.log(`whole processes, ${runs} runs each, alternating, medians:`);
console.log(row("bare deno run (same work)", bare));
console.log(row("oanix run (trivial module agent)", oanix));
console.log(
  `ratio: wall ${(median(oanix.ms) / median(bare.ms)).toFixed(2)}×, ` +
    `peak memory ${(median(oanix.kb) / median(bare.kb)).toFixed(2)}× (target ≤ 2.5×)`,
);

const manifest = await loadManifest(`${here}env.yaml`);
async function perMinute(pool?: ChildPool): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < trials; i++) {
    const r = await runSandboxed(manifest, { outDir: `${out}/t`, ...(pool ? { pool } : {}) });
    if (r.outcome !== "completed") throw new Error(`trial ${i}: ${r.error}`);
  }
  return trials / ((performance.now() - started) / 60_000);
}
await perMinute(); // warm the bundles
const cold = await perMinute();
const pool = new ChildPool({ size: 2 });
let warm: number;
try {
  await perMinute(pool);
  warm = await perMinute(pool);
} finally {
  await pool.close();
}
console.log(`\nrunSandboxed, ${trials} trials in a row, one process:`);
console.log(`  without a pool: ${cold.toFixed(0)} trials/min`);
console.log(`  with a pool of 2: ${warm.toFixed(0)} trials/min (${(warm / cold).toFixed(2)}×)`);
await Deno.remove(out, { recursive: true });
