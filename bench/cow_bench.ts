/**
 * CowFs against direct MemFs: every group has a `baseline` MemFs case, so
 * each figure is a ratio measured in one run.
 *
 * Run: deno bench bench/cow_bench.ts
 * Target: reading a 4 KiB file through a CowFs costs at most 1.2x reading
 * it from MemFs directly (groups "read-through ...").
 *
 * `deno bench` runs the cases one after the other, so on a busy machine
 * drift between cases moves the ratios by ±20%. `deno run
 * bench/cow_bench.ts` measures the read-through ratios with the cases
 * interleaved instead (the median of 200 rounds), which holds steady.
 */
import { CowFs, type FileService, MemFs, readFile, walk, writeFile } from "../mod.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
let sink = 0;

function fill(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** A MemFs with /src/d0../src/d9, ten 4 KiB files each, and the 1 MiB /big.bin. */
function project(): MemFs {
  const fs = new MemFs();
  fs.mkdir("/src");
  for (let d = 0; d < 10; d++) {
    fs.mkdir(`/src/d${d}`);
    for (let f = 0; f < 10; f++) writeFile(fs, `/src/d${d}/f${f}.txt`, fill(4 * KiB, d + f));
  }
  writeFile(fs, "/big.bin", fill(MiB, 7));
  return fs;
}

const FILE = "/src/d3/f4.txt";
const buf = new Uint8Array(4 * KiB);

/** Open, read 4 KiB, close: the bare handle path. */
function readOnce(svc: FileService): void {
  const h = svc.open(FILE);
  sink += h.read(buf);
  h.close();
}

// ---- read-through ------------------------------------------------------------

/**
 * Long, equally warmed-up runs: the first case of a file otherwise pays the
 * JIT warm-up and the fixtures' garbage, and readFile allocates three 4 KiB
 * arrays a call, so GC pauses need averaging out.
 */
const STEADY = { warmup: 50_000, n: 500_000 };

const mem = project();
const clean = new CowFs(project());
const dirty = new CowFs(project());
for (let i = 0; i < 100; i++) writeFile(dirty, `/src/d${i % 10}/new${i}.txt`, "x"); // changes elsewhere
dirty.remove("/src/d9/f9.txt");
readOnce(dirty); // learns that FILE is untouched

// Building the fixtures above leaves megabytes of garbage and cold code; the
// first case would pay for it. This throwaway case does instead.
Deno.bench({
  name: "warm-up (ignore)",
  group: "warm-up",
  n: 200_000,
  fn: () => {
    readOnce(mem);
    readOnce(clean);
    readOnce(dirty);
  },
});

Deno.bench({
  name: "MemFs readFile 4 KiB",
  group: "read-through readFile",
  baseline: true,
  ...STEADY,
  fn: () => {
    sink += readFile(mem, FILE).length;
  },
});
Deno.bench({
  name: "CowFs readFile 4 KiB (no changes)",
  group: "read-through readFile",
  ...STEADY,
  fn: () => {
    sink += readFile(clean, FILE).length;
  },
});
Deno.bench({
  name: "CowFs readFile 4 KiB (100 changes elsewhere)",
  group: "read-through readFile",
  ...STEADY,
  fn: () => {
    sink += readFile(dirty, FILE).length;
  },
});

Deno.bench({
  name: "MemFs open/read/close 4 KiB",
  group: "read-through handle",
  baseline: true,
  ...STEADY,
  fn: () => readOnce(mem),
});
Deno.bench({
  name: "CowFs open/read/close 4 KiB (no changes)",
  group: "read-through handle",
  ...STEADY,
  fn: () => readOnce(clean),
});
Deno.bench({
  name: "CowFs open/read/close 4 KiB (100 changes elsewhere)",
  group: "read-through handle",
  ...STEADY,
  fn: () => readOnce(dirty),
});

// ---- copy-up -------------------------------------------------------------------

const one = new Uint8Array([1]);

/** The first write of one byte into an existing file. */
function touch(svc: FileService, path: string): void {
  const h = svc.open(path, { write: true });
  h.pwrite(one, 0);
  h.close();
}

for (const [label, path] of [["4 KiB", FILE], ["1 MiB", "/big.bin"]]) {
  const group = `copy-up ${label}`;
  const direct = project();
  const cow = new CowFs(project());
  Deno.bench({
    name: `MemFs write 1 byte into a ${label} file`,
    group,
    baseline: true,
    fn: () => touch(direct, path),
  });
  Deno.bench({
    name: `MemFs copy a ${label} file (readFile + writeFile)`,
    group,
    fn: () => writeFile(direct, "/copy", readFile(direct, path)),
  });
  Deno.bench({
    name: `CowFs first write of 1 byte: copy-up of ${label} (+ reset)`,
    group,
    fn: () => {
      cow.reset();
      touch(cow, path);
    },
  });
}

// ---- readdir ----------------------------------------------------------------

const wide = new MemFs();
wide.mkdir("/d");
const half = new MemFs();
half.mkdir("/d");
for (let i = 0; i < 10_000; i++) {
  const name = `/d/entry-${String(i).padStart(5, "0")}`;
  writeFile(wide, name, "");
  if (i % 2 === 0) writeFile(half, name, "");
}
const merged = new CowFs(half);
for (let i = 1; i < 10_000; i += 2) writeFile(merged, `/d/entry-${String(i).padStart(5, "0")}`, "");
if (merged.readdir("/d").length !== 10_000) throw new Error("bad readdir fixture");

Deno.bench({
  name: "MemFs readdir of 10,000 entries",
  group: "readdir 10k",
  baseline: true,
  fn: () => {
    sink += wide.readdir("/d").length;
  },
});
Deno.bench({
  name: "CowFs readdir of 10,000 entries (half base, half overlay)",
  group: "readdir 10k",
  fn: () => {
    sink += merged.readdir("/d").length;
  },
});

// ---- diff -----------------------------------------------------------------------

/** 2,000 files of 1 KiB in 20 directories. */
function tree(): MemFs {
  const fs = new MemFs();
  for (let d = 0; d < 20; d++) {
    fs.mkdir(`/d${d}`);
    for (let f = 0; f < 100; f++) writeFile(fs, `/d${d}/f${f}`, fill(KiB, d * 100 + f));
  }
  return fs;
}
const changed = new CowFs(tree());
const changedPaths: string[] = [];
for (let i = 0; i < 1000; i++) {
  const d = i % 20;
  const f = Math.floor(i / 20);
  const path = `/d${d}/f${f}`;
  changedPaths.push(path);
  if (i % 4 === 0) changed.remove(path);
  else if (i % 4 === 1) writeFile(changed, path + ".new", "added");
  else writeFile(changed, path, fill(KiB, d * 100 + f + 1)); // same size, other bytes
}
if (changed.diff().length !== 1000) throw new Error(`bad diff fixture: ${changed.diff().length}`);
const plainTree = tree();

Deno.bench({
  name: "MemFs walk 2,000 files + read the 1,000 changed ones",
  group: "diff 1k changes",
  baseline: true,
  fn: () => {
    for (const e of walk(plainTree)) sink += e.stat.size;
    for (const p of changedPaths) sink += readFile(plainTree, p).length;
  },
});
Deno.bench({
  name: "CowFs diff() after 1,000 changes",
  group: "diff 1k changes",
  fn: () => {
    sink += changed.diff().length;
  },
});

// ---- interleaved read-through ratios (deno run) -----------------------------

/** Milliseconds for `n` calls of `fn`. */
function time(fn: () => void, n: number): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - t;
}

function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[xs.length >> 1];
}

if (import.meta.main) {
  const cases: Array<[string, (svc: FileService) => void, number]> = [
    ["open/read/close 4 KiB", readOnce, 20_000],
    ["readFile 4 KiB", (svc) => void (sink += readFile(svc, FILE).length), 5_000],
  ];
  for (const [label, op, n] of cases) {
    const ratios: Record<string, number[]> = { "no changes": [], "100 changes elsewhere": [] };
    for (let round = 0; round < 220; round++) {
      const base = time(() => op(mem), n);
      const a = time(() => op(clean), n);
      const b = time(() => op(dirty), n);
      if (round < 20) continue; // warm-up
      ratios["no changes"].push(a / base);
      ratios["100 changes elsewhere"].push(b / base);
    }
    for (const [what, xs] of Object.entries(ratios)) {
      console.log(`CowFs/MemFs ${label} (${what}): ${median(xs).toFixed(2)}x`);
    }
  }
}

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
