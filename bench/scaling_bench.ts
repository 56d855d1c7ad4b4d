/**
 * Does any operation cost more per item as N grows? Each group runs one
 * operation at N = 1,000 (the baseline), 10,000 and 100,000, always over
 * 100,000 items in all (100 rounds of 1,000, 10 of 10,000, 1 of 100,000),
 * so the ratios `deno bench` prints are per-item ratios.
 *
 * Run: deno bench bench/scaling_bench.ts (about a minute and a half)
 * Target (issue 14): every case within 1.5x of its N = 1,000 baseline.
 *
 * `deno run bench/scaling_bench.ts [rounds] [group word]` runs each group's
 * cases interleaved instead and prints the median ratios, steadier on a
 * busy machine.
 *
 * - remove: every file of one N-file directory (CowFs: base files, so each
 *   removal leaves a whiteout);
 * - create: N new files in one directory (CowFs: one that the base holds,
 *   with N files of its own);
 * - readdir: a directory of N entries (CowFs: half base, half overlay);
 * - stat: every file of one N-file directory;
 * - diff: a CowFs with N changes (a third modified, a third deleted, a
 *   third added);
 * - Scheduler: submit N jobs (100 priorities), then next() and complete()
 *   each.
 *
 * Holding N live entries costs more per item at 100,000 on any structure
 * (cache misses, objects promoted by the GC): the "reference" groups show
 * how much for the Map tree (bench/map_tree.ts) and for a Map of job
 * records with a plain array as queue, so an operation's growth can be told
 * from the machine's.
 */
import { CowFs, EnvBuilder, JobKind, JobSpec, MapFs, MemFs, Scheduler, writeFile } from "../mod.ts";
import { type Case, registerBenches, runInterleaved, type Workload } from "./bench_cases.ts";
import { MapTree } from "./map_tree.ts";

const ITEMS = 100_000;
const SIZES = [1_000, 10_000, 100_000];
const BYTES = new Uint8Array(16).fill(1);
const OTHER = new Uint8Array(16).fill(2);
let sink = 0;

const names = new Map<number, string[]>();
/** `/d/f000000` … for N files (the same strings each time, as callers reuse paths). */
function paths(n: number): string[] {
  let out = names.get(n);
  if (out === undefined) {
    out = Array.from({ length: n }, (_, i) => `/d/f${String(i).padStart(6, "0")}`);
    names.set(n, out);
  }
  return out;
}

function newPaths(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `/d/n${String(i).padStart(6, "0")}`);
}

function mapTreeWith(n: number): MapTree {
  const t = new MapTree();
  t.mkdir("/d");
  for (const p of paths(n)) t.writeFile(p, BYTES);
  return t;
}

function memWith(n: number): MemFs {
  const fs = new MemFs();
  fs.mkdir("/d");
  for (const p of paths(n)) writeFile(fs, p, BYTES);
  return fs;
}

const bases = new Map<number, MapFs>();
/** A read-only base with /d holding N files (built once per N). */
function baseWith(n: number): MapFs {
  let base = bases.get(n);
  if (base === undefined) {
    const b = MapFs.builder().dir("/d");
    for (const p of paths(n)) b.file(p, BYTES);
    bases.set(n, base = b.build());
  }
  return base;
}

function cowOver(n: number): CowFs {
  const cow = new CowFs(baseWith(n));
  writeFile(cow, "/elsewhere", BYTES);
  return cow;
}

function rounds<T>(n: number, make: () => T): T[] {
  return Array.from({ length: ITEMS / n }, make);
}

/** One case per N, all doing ITEMS items. */
function scaled<T>(label: string, prepare: (n: number) => T, run: (state: T, n: number) => void) {
  return SIZES.map((n): Case<T> => ({
    name: `${label} N=${n.toLocaleString("en")}`,
    prepare: () => prepare(n),
    run: (state) => run(state, n),
  }));
}

const cached = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!cached.has(key)) cached.set(key, make());
  return cached.get(key) as T;
}

function mergedCow(n: number): CowFs {
  const b = MapFs.builder().dir("/d");
  paths(n).forEach((p, i) => i % 2 === 0 && b.file(p, BYTES));
  const cow = new CowFs(b.build());
  paths(n).forEach((p, i) => i % 2 === 1 && writeFile(cow, p, BYTES));
  return cow;
}

function changedCow(n: number): CowFs {
  const cow = cowOver(n);
  paths(n).forEach((p, i) => {
    if (i % 3 === 0) writeFile(cow, p, OTHER);
    else if (i % 3 === 1) cow.remove(p);
  });
  for (const p of newPaths(Math.floor(n / 3))) writeFile(cow, p, BYTES);
  return cow;
}

const PRIORITIES = (() => {
  const out: number[] = [];
  let x = 42;
  for (let i = 0; i < ITEMS; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(x % 100);
  }
  return out;
})();

function scheduler(): { scheduler: Scheduler; spec: JobSpec } {
  const s = new Scheduler({ maxConcurrent: 1, maxRetainedResults: 10_000, wasiRunner: undefined });
  const envId = s.registerEnv(new EnvBuilder().build());
  return { scheduler: s, spec: new JobSpec(envId, JobKind.custom("noop")) };
}

/** The least a scheduler does: records in a Map by id, a FIFO array, done in order. */
function referenceJobs(n: number, offset: number): void {
  const live = new Map<string, { id: string; priority: number; state: string }>();
  const queue: string[] = [];
  for (let k = 0; k < n; k++) {
    const id = `job-${offset + k}`;
    live.set(id, { id, priority: PRIORITIES[offset + k], state: "queued" });
    queue.push(id);
  }
  for (const id of queue) {
    live.get(id)!.state = "completed";
    live.delete(id);
  }
}

/**
 * The least a diff does: an overlay Map of changed paths (bytes, or
 * undefined for deleted) against a base Map, compared byte for byte, the
 * result sorted by path.
 */
function referenceDiff(
  base: Map<string, Uint8Array>,
  overlay: Map<string, Uint8Array | undefined>,
) {
  const out: Array<{ path: string; change: string }> = [];
  for (const [path, mine] of overlay) {
    const old = base.get(path);
    if (mine === undefined) out.push({ path, change: "deleted" });
    else if (old === undefined) out.push({ path, change: "added" });
    else if (old.length !== mine.length || old.some((b, i) => b !== mine[i])) {
      out.push({ path, change: "modified" });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function referenceChanges(n: number) {
  const base = new Map(paths(n).map((p) => [p, BYTES] as const));
  const overlay = new Map<string, Uint8Array | undefined>();
  paths(n).forEach((p, i) => {
    if (i % 3 === 0) overlay.set(p, OTHER);
    else if (i % 3 === 1) overlay.set(p, undefined);
  });
  for (const p of newPaths(Math.floor(n / 3))) overlay.set(p, BYTES);
  return { base, overlay };
}

const REFERENCES: Workload[] = [
  [
    "reference: Map tree remove",
    scaled("remove", (n) => rounds(n, () => mapTreeWith(n)), (ts, n) => {
      for (const t of ts) for (const p of paths(n)) t.remove(p);
    }),
  ],
  [
    "reference: Map tree create",
    scaled("create", (n) => rounds(n, () => mapTreeWith(0)), (ts, n) => {
      const ps = once(`new${n}`, () => newPaths(n));
      for (const t of ts) for (const p of ps) t.writeFile(p, BYTES);
    }),
  ],
  [
    "reference: Map tree readdir",
    scaled("readdir", (n) => once(`map${n}`, () => mapTreeWith(n)), (t, n) => {
      for (let r = 0; r < ITEMS / n; r++) sink += t.readdir("/d").length;
    }),
  ],
  [
    "reference: Map tree stat",
    scaled("stat", (n) => once(`map${n}`, () => mapTreeWith(n)), (t, n) => {
      for (let r = 0; r < ITEMS / n; r++) for (const p of paths(n)) sink += t.stat(p).size;
    }),
  ],
  [
    "reference: diff of two Maps",
    scaled("diff", (n) => rounds(n, () => referenceChanges(n)), (all) => {
      for (const { base, overlay } of all) sink += referenceDiff(base, overlay).length;
    }),
  ],
  [
    "reference: Map of job records",
    scaled("jobs", () => undefined, (_, n) => {
      for (let r = 0; r < ITEMS / n; r++) referenceJobs(n, r * n);
    }),
  ],
];

const WORKLOADS: Workload[] = [
  [
    "remove (MemFs)",
    scaled("MemFs remove", (n) => rounds(n, () => memWith(n)), (fss, n) => {
      for (const fs of fss) for (const p of paths(n)) fs.remove(p);
    }),
  ],
  [
    "remove (CowFs)",
    scaled("CowFs remove", (n) => rounds(n, () => cowOver(n)), (cows, n) => {
      for (const cow of cows) for (const p of paths(n)) cow.remove(p);
    }),
  ],
  [
    "create (MemFs)",
    scaled("MemFs create", (n) => rounds(n, () => memWith(0)), (fss, n) => {
      const ps = once(`new${n}`, () => newPaths(n));
      for (const fs of fss) for (const p of ps) writeFile(fs, p, BYTES);
    }),
  ],
  [
    "create (CowFs)",
    scaled("CowFs create", (n) => rounds(n, () => cowOver(n)), (cows, n) => {
      const ps = once(`new${n}`, () => newPaths(n));
      for (const cow of cows) for (const p of ps) writeFile(cow, p, BYTES);
    }),
  ],
  [
    "readdir (MemFs)",
    scaled("MemFs readdir", (n) => once(`mem${n}`, () => memWith(n)), (fs, n) => {
      for (let r = 0; r < ITEMS / n; r++) sink += fs.readdir("/d").length;
    }),
  ],
  [
    "readdir (CowFs)",
    scaled("CowFs readdir", (n) => once(`merged${n}`, () => mergedCow(n)), (c, n) => {
      for (let r = 0; r < ITEMS / n; r++) sink += c.readdir("/d").length;
    }),
  ],
  [
    "stat (MemFs)",
    scaled("MemFs stat", (n) => once(`mem${n}`, () => memWith(n)), (fs, n) => {
      for (let r = 0; r < ITEMS / n; r++) for (const p of paths(n)) sink += fs.stat(p).size;
    }),
  ],
  [
    "stat (CowFs)",
    scaled("CowFs stat", (n) => once(`cow${n}`, () => cowOver(n)), (cow, n) => {
      for (let r = 0; r < ITEMS / n; r++) for (const p of paths(n)) sink += cow.stat(p).size;
    }),
  ],
  [
    "diff (CowFs)",
    scaled("CowFs diff", (n) => rounds(n, () => changedCow(n)), (cows) => {
      for (const cow of cows) sink += cow.diff().length;
    }),
  ],
  [
    "Scheduler",
    scaled("Scheduler submit+next+complete", (n) => rounds(n, scheduler), (all, n) => {
      let i = 0;
      for (const { scheduler, spec } of all) {
        for (let k = 0; k < n; k++) scheduler.submit(spec.withPriority(PRIORITIES[i++]));
        for (let job = scheduler.next(); job; job = scheduler.next()) scheduler.complete(job.id, 0);
      }
    }),
  ],
];

registerBenches([...WORKLOADS, ...REFERENCES], { n: 5, warmup: 1 });

if (import.meta.main) {
  const all = [...WORKLOADS, ...REFERENCES];
  runInterleaved(all, Number(Deno.args[0] ?? 10), Deno.args[1], "per item of N=1,000");
}

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
