/**
 * Start-up of a sandboxed run, as whole processes: `oanix run` of a trivial
 * module agent against a bare `deno run` of a script doing the same work
 * (target: within 2.5× wall and peak memory), and against the floor of
 * two processes and a worker. Runs alternate; medians and
 * ratios are reported. Then trials per minute of `runSandboxed` in one
 * process, with and without a pool of waiting children.
 *
 *   deno run -A bench/startup_bench.ts [runs] [trials]
 *
 * The floor is what any runner of this design pays before doing anything:
 * a process that starts a second `deno run`, which starts a worker, which
 * does the same write (`fixtures/startup/floor_parent.ts`), timed the same
 * way.
 *
 * Peak memory is each process's own high-water mark (`VmHWM` in
 * `/proc/PID/status`, read every few milliseconds while it runs, so the
 * last reading comes within a few milliseconds of its end), summed over
 * the measured process and every process it started (for oanix: the
 * runner and its child). GNU time is not used for it: its maximum covers
 * the measured process and its descendants together, so it cannot tell
 * the runner from its child.
 */
import { ChildPool, loadManifest, runSandboxed } from "../mod.ts";

const here = new URL("./fixtures/startup/", import.meta.url).pathname;
const cli = new URL("../cli.ts", import.meta.url).pathname;
const runs = Number(Deno.args[0] ?? 15);
const trials = Number(Deno.args[1] ?? 50);
const out = await Deno.makeTempDir({ prefix: "oanix-startup-" });

/** The high-water mark of `pid`'s resident memory, in KiB, or undefined once it is gone. */
function peakKib(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The processes `pid` started that are still running. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    }
  } catch { /* gone */ }
  return found;
}

/** Runs `args`; its wall time and the peak memory of it and its descendants, summed. */
async function timed(args: string[]): Promise<{ ms: number; kb: number }> {
  const started = performance.now();
  const process = new Deno.Command(args[0], {
    args: args.slice(1),
    cwd: here,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const peaks = new Map<number, number>();
  const poll = (pid: number) => {
    const kb = peakKib(pid);
    if (kb !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kb));
    for (const child of childrenOf(pid)) poll(child);
  };
  poll(process.pid);
  const timer = setInterval(() => poll(process.pid), 3);
  const r = await process.output();
  const ms = performance.now() - started;
  clearInterval(timer);
  if (!r.success) {
    throw new Error(`${args.join(" ")} failed:\n${new TextDecoder().decode(r.stderr)}`);
  }
  return { ms, kb: [...peaks.values()].reduce((a, b) => a + b, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = { ms: [] as number[], kb: [] as number[] };
const oanix = { ms: [] as number[], kb: [] as number[] };
const floor = { ms: [] as number[], kb: [] as number[] };
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
  const f = await timed([
    Deno.execPath(),
    "run",
    "--allow-run",
    "--allow-read",
    "--no-config",
    "floor_parent.ts",
    out,
  ]);
  if (i < 2) continue; // warm-up
  for (const [series, m] of [[bare, b], [oanix, o], [floor, f]] as const) {
    series.ms.push(m.ms);
    series.kb.push(m.kb);
  }
}
const row = (name: string, m: { ms: number[]; kb: number[] }) =>
  `${name.padEnd(34)} ${median(m.ms).toFixed(0).padStart(6)} ms  ${
    (median(m.kb) / 1024).toFixed(0).padStart(5)
  } MiB`;
console.log(`whole processes, ${runs} runs each, alternating, medians:`);
console.log(row("bare deno run (same work)", bare));
console.log(row("oanix run (trivial module agent)", oanix));
console.log(row("floor: two processes and a worker", floor));
const ratio = (a: { ms: number[]; kb: number[] }, b: { ms: number[]; kb: number[] }) =>
  `wall ${(median(a.ms) / median(b.ms)).toFixed(2)}×, ` +
  `peak memory ${(median(a.kb) / median(b.kb)).toFixed(2)}×`;
console.log(`oanix against bare: ${ratio(oanix, bare)} (target ≤ 2.5×)`);
console.log(`the floor against bare: ${ratio(floor, bare)}`);
console.log(`oanix against the floor: ${ratio(oanix, floor)}`);

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
