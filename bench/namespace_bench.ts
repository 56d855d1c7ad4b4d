/**
 * The namespace: what a hop through it costs, and how resolution scales.
 *
 * Run: deno task bench bench/namespace_bench.ts
 * Targets:
 * - open/read/close of a 100 B file and stat through a namespace of 10
 *   mounts cost at most 1.2x the service called directly; through a
 *   namespace mounted in a namespace at most 1.5x (groups "hop ...", each
 *   with the direct call as baseline);
 * - resolving at 1000 mounts costs at most 1.5x resolving at 10 (group
 *   "trie-scaling"); the trie beats a linear scan from 100 mounts on
 *   (`resolve` walks the trie every time: it does not use the routes a
 *   namespace keeps for its file operations).
 *
 * The hop groups call with the same path strings every time, as the direct
 * call does, so V8 has their hashes; a caller that decodes each path afresh
 * (WASI, the agent RPC) pays for hashing on both sides.
 *
 * `deno bench` runs the cases one after the other, so on a busy machine
 * drift between cases moves the ratios by ±20%. `deno run
 * bench/namespace_bench.ts` measures the hop ratios with the cases
 * interleaved instead (the median of 200 rounds), which holds steady, both
 * with the same and with fresh path strings.
 */
import { type FileService, MemFs, normalizePath, writeFile } from "../src/fs/mod.ts";
import { Namespace } from "../src/namespace/mod.ts";

let sink = 0;

// ---- the cost of a hop -----------------------------------------------------

/** The file every hop case reads, as the service sees it. */
const FILE = "/src/lib/a.txt";
const buf = new Uint8Array(128);

/** The service behind every hop. */
const mem = new MemFs();
mem.mkdir("/src");
mem.mkdir("/src/lib");
writeFile(mem, FILE, new Uint8Array(100).fill(97));

/** Ten mounts shaped like an agent's namespace, `mem` at /workspace. */
function tenMounts(): Namespace {
  const b = Namespace.builder().mount("/workspace", mem);
  for (const p of ["/task", "/tmp", "/logs", "/home", "/cap/ws", "/cap/http", "/cap/nostr"]) {
    b.mount(p, new MemFs());
  }
  return b.mount("/env/jobs", new MemFs()).mount("/env/status", new MemFs()).build();
}

const one = Namespace.builder().mount("/workspace", mem).build();
const ten = tenMounts();
const nested = Namespace.builder().mount("/sandbox", tenMounts()).mount("/tmp", new MemFs())
  .build();

/** The routes to the same file: the service itself, then through namespaces. */
const routes: Array<[string, FileService, string]> = [
  ["MemFs directly", mem, FILE],
  ["through a Namespace of 1 mount", one, "/workspace" + FILE],
  ["through a Namespace of 10 mounts", ten, "/workspace" + FILE],
  ["through a Namespace mounted in a Namespace", nested, "/sandbox/workspace" + FILE],
];

/** Open, read the 100 bytes, close. */
function readOnce(svc: FileService, path: string): void {
  const h = svc.open(path);
  sink += h.read(buf);
  h.close();
}

/** Stat the file. */
function statOnce(svc: FileService, path: string): void {
  sink += svc.stat(path).size;
}

for (const [, svc, path] of routes) {
  if (svc.stat(path).size !== 100) throw new Error(`bad hop fixture at ${path}`);
}

/** The operations timed, with how many calls make one interleaved sample. */
const hopOps: Array<[string, (svc: FileService, path: string) => void, number]> = [
  ["open/read/close 100 B", readOnce, 10_000],
  ["stat", statOnce, 100_000],
];

// The first case would otherwise pay for the JIT's warm-up and the
// fixtures' garbage, and see the shared helpers before they have met every
// route; this throwaway case does instead.
Deno.bench({
  name: "warm-up (ignore)",
  group: "hop warm-up",
  n: 200_000,
  fn: () => {
    for (const [, run] of hopOps) for (const [, svc, path] of routes) run(svc, path);
  },
});

const STEADY = { warmup: 50_000, n: 500_000 };
for (const [op, run] of hopOps) {
  for (const [name, svc, path] of routes) {
    Deno.bench({
      name: `${op}: ${name}`,
      group: `hop ${op}`,
      baseline: svc === mem,
      ...STEADY,
      fn: () => run(svc, path),
    });
  }
}

// ---- many paths: more than a namespace keeps routes for ----------------------

/** More files than a namespace keeps routes for: every route is walked afresh. */
const MANY = 5_000;
mem.mkdir("/many");
for (let i = 0; i < MANY; i++) writeFile(mem, `/many/f${i}.txt`, "x");

/** Stats each of the many files in turn, every path built afresh. */
function statMany(svc: FileService, prefix: string): void {
  for (let i = 0; i < MANY; i++) sink += svc.stat(`${prefix}/many/f${i}.txt`).size;
}

/** Where a route's mount starts: its path without the file. */
const prefixOf = (path: string) => path.slice(0, path.length - FILE.length);

for (const [name, svc, path] of routes) {
  Deno.bench({
    name: `stat of 5,000 paths in turn: ${name}`,
    group: "hop stat, 5,000 paths in turn",
    baseline: svc === mem,
    fn: () => statMany(svc, prefixOf(path)),
  });
}

// ---- resolution: the trie against a linear scan ----------------------------

/** Mount points with depths 2..8, e.g. /m7/d1/d2. */
function mountPoints(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const depth = 2 + (i % 7);
    const segs = [`m${i}`];
    for (let d = 1; d < depth; d++) segs.push(`d${d}`);
    out.push("/" + segs.join("/"));
  }
  return out;
}

/** The queries: a file two levels under each mount, cycled. */
function queries(points: string[]): string[] {
  return points.slice(0, 64).map((p) => `${p}/src/main.rs`);
}

/** The baseline: scan every mount, keep the longest whole-segment prefix. */
class LinearTable {
  #mounts: Array<[string, FileService]> = [];
  add(p: string, s: FileService) {
    this.#mounts.push([p, s]);
  }
  resolve(path: string) {
    const p = normalizePath(path);
    let best: [string, FileService] | undefined;
    for (const m of this.#mounts) {
      const [point] = m;
      if ((p === point || p.startsWith(point + "/")) && (!best || point.length > best[0].length)) {
        best = m;
      }
    }
    return best && { service: best[1], path: p.slice(best[0].length) || "/", mountPoint: best[0] };
  }
}

const svc = new MemFs();

for (const count of [1, 10, 100, 1000]) {
  const points = mountPoints(count);
  const b = Namespace.builder();
  const linear = new LinearTable();
  for (const p of points) {
    b.mount(p, svc);
    linear.add(p, svc);
  }
  const ns = b.build();
  const qs = queries(points);
  Deno.bench({
    name: `linear scan, ${count} mounts`,
    group: `resolve-${count}`,
    baseline: true,
    fn() {
      for (const q of qs) sink += linear.resolve(q)!.path.length;
    },
  });
  Deno.bench({
    name: `trie, ${count} mounts`,
    group: `resolve-${count}`,
    fn() {
      for (const q of qs) sink += ns.resolve(q)!.path.length;
    },
  });
  if (count === 10 || count === 1000) {
    // Same query shapes at both sizes, so only the table size differs.
    const same = queries(mountPoints(10));
    Deno.bench({
      name: `trie, ${count} mounts (10-mount queries)`,
      group: "trie-scaling",
      baseline: count === 10,
      fn() {
        for (const q of same) sink += ns.resolve(q)!.path.length;
      },
    });
  }
}

// ---- interleaved hop ratios (deno run) --------------------------------------

/** Milliseconds for `n` calls of `fn`. */
function time(fn: () => void, n: number): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - t;
}

function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[xs.length >> 1];
}

/**
 * A copy of `path` that V8 has not hashed yet, as a path decoded from an
 * agent's memory or a message would be.
 */
function fresh(path: string): string {
  return (path + " ").slice(0, -1);
}

/** Median ratios of each namespace route to the direct call, cases interleaved. */
function interleaved(
  run: (svc: FileService, path: string) => void,
  n: number,
  pathOf: (path: string) => string,
): number[] {
  const ratios = routes.slice(1).map(() => [] as number[]);
  const [, direct, directPath] = routes[0];
  for (let round = 0; round < 220; round++) {
    const base = time(() => run(direct, pathOf(directPath)), n);
    routes.slice(1).forEach(([, svc, path], i) => {
      const t = time(() => run(svc, pathOf(path)), n);
      if (round >= 20) ratios[i].push(t / base); // the first rounds warm up
    });
  }
  return ratios.map(median);
}

if (import.meta.main) {
  const strings: Array<[string, (path: string) => string]> = [
    ["the same path strings", (path) => path],
    ["fresh path strings", fresh],
  ];
  const report = (what: string, ratios: number[]) =>
    routes.slice(1).forEach(([name], i) => {
      console.log(`${what} ${name}: ${ratios[i].toFixed(2)}x MemFs directly`);
    });
  for (const [label, pathOf] of strings) {
    for (const [op, run, n] of hopOps) report(`${op}, ${label},`, interleaved(run, n, pathOf));
  }
  report("stat of 5,000 paths in turn (fresh strings),", interleaved(statMany, 1, prefixOf));
}

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
