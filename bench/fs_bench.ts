/**
 * The file services against the practical limit, a hand-written Map tree
 * (bench/map_tree.ts), on six workloads. Every group has the Map tree as
 * its baseline, so each figure is a ratio measured in the same run.
 *
 * Run: deno bench bench/fs_bench.ts
 *
 * Targets (issue 14), as "x slower than the Map tree" in each group:
 * - MemFs ≤ 1.5x on every workload;
 * - CowFs over a read-only MapFs base ≤ 2x on read and overwrite, ≤ 3x on
 *   create, stat and delete, ≤ 4x on the 10,000-entry readdir.
 *
 * MemFs and CowFs are driven through the public whole-file helpers
 * (`readFile`, `writeFile`) and the FileService methods, as callers use
 * them. The CowFs always has a change elsewhere, so no case runs on its
 * "nothing changed yet" shortcut; its overwrite is the first write of each
 * file (a copy-up), on a fresh overlay every iteration.
 *
 * `deno bench` runs the cases one after the other, so on a busy 2-core
 * machine the ratios swing by ±20% and more. `deno run bench/fs_bench.ts`
 * runs the cases of each workload interleaved instead and prints the
 * median ratio over 60 rounds, which holds steady.
 */
import { CowFs, type FileService, MapFs, MemFs, readFile, writeFile } from "../mod.ts";
import { plain, registerBenches, runInterleaved, type Workload } from "./bench_cases.ts";
import { MapTree } from "./map_tree.ts";

const KiB = 1024;
const READ_FILES = 1_000;
const WIDE = 10_000;
const CREATES = 10_000;
const DELETES = 1_000;

let sink = 0;

function fill(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

const SMALL = fill(16, 3);
const NEW_BYTES = fill(4 * KiB, 99);
/** 1,000 files of 4 KiB, three segments deep. */
const FILES = Array.from({ length: READ_FILES }, (_, i) => `/data/d${i % 10}/f${i}.bin`);
const FILE_BYTES = FILES.map((_, i) => fill(4 * KiB, i));
/** 10,000 entries of one directory. */
const WIDE_PATHS = Array.from({ length: WIDE }, (_, i) => `/wide/e${String(i).padStart(5, "0")}`);
/** 10,000 new files in an existing (base) directory. */
const NEW_PATHS = Array.from({ length: CREATES }, (_, i) => `/data/new/n${i}`);
const DIRS = [
  "/data",
  ...Array.from({ length: 10 }, (_, d) => `/data/d${d}`),
  "/data/new",
  "/wide",
];

/** The common operations, so one fixture builder serves every subject. */
interface Tree {
  mkdir(path: string): void;
  write(path: string, data: Uint8Array): void;
}

function populate(t: Tree, withWide = true): void {
  for (const d of DIRS) t.mkdir(d);
  FILES.forEach((p, i) => t.write(p, FILE_BYTES[i]));
  if (withWide) { for (const p of WIDE_PATHS) t.write(p, SMALL); }
}

function mapTree(withWide = true): MapTree {
  const t = new MapTree();
  populate({ mkdir: (p) => t.mkdir(p), write: (p, d) => t.writeFile(p, d) }, withWide);
  return t;
}

function memFs(withWide = true): MemFs {
  const fs = new MemFs();
  populate({ mkdir: (p) => fs.mkdir(p), write: (p, d) => writeFile(fs, p, d) }, withWide);
  return fs;
}

const base: MapFs = (() => {
  const b = MapFs.builder();
  for (const d of DIRS) b.dir(d);
  FILES.forEach((p, i) => b.file(p, FILE_BYTES[i]));
  for (const p of WIDE_PATHS) b.file(p, SMALL);
  return b.build();
})();

/** A CowFs over the read-only base, with one change elsewhere. */
function cowFs(): CowFs {
  const cow = new CowFs(base);
  writeFile(cow, "/elsewhere.txt", "x");
  return cow;
}

// Build every long-lived fixture first, and run each path once, so the first
// group does not pay for the others' garbage and cold code.
const map = mapTree();
const mem = memFs();
const cow = cowFs();
for (const svc of [mem, cow] as FileService[]) {
  for (const p of FILES) sink += readFile(svc, p).length;
  for (const p of WIDE_PATHS) sink += svc.stat(p).size;
  sink += svc.readdir("/wide").length;
}
/** The same 10,000 entries, half in the base and half in the overlay. */
const merged = (() => {
  const b = MapFs.builder().dir("/wide");
  WIDE_PATHS.forEach((p, i) => i % 2 === 0 && b.file(p, SMALL));
  const c = new CowFs(b.build());
  WIDE_PATHS.forEach((p, i) => i % 2 === 1 && writeFile(c, p, SMALL));
  if (c.readdir("/wide").length !== WIDE) throw new Error("bad merged fixture");
  return c;
})();

// ---- the workloads ---------------------------------------------------------------

/** The workloads: in each, the first case is the Map tree, the baseline. */
const WORKLOADS: Workload[] = [
  ["read 1,000 × 4 KiB", [
    plain("Map tree", () => {
      for (const p of FILES) sink += map.readFile(p).length;
    }),
    plain("MemFs readFile", () => {
      for (const p of FILES) sink += readFile(mem, p).length;
    }),
    plain("CowFs readFile (base files)", () => {
      for (const p of FILES) sink += readFile(cow, p).length;
    }),
  ]],
  ["overwrite 1,000 × 4 KiB", [
    plain("Map tree", () => {
      for (const p of FILES) map.writeFile(p, NEW_BYTES);
    }),
    plain("MemFs writeFile", () => {
      for (const p of FILES) writeFile(mem, p, NEW_BYTES);
    }),
    {
      name: "CowFs writeFile (first write: copy-up, fresh overlay)",
      prepare: cowFs,
      run: (fresh: CowFs) => {
        for (const p of FILES) writeFile(fresh, p, NEW_BYTES);
      },
    },
  ]],
  ["create 10,000 files", [
    {
      name: "Map tree",
      prepare: () => mapTree(false),
      run: (t: MapTree) => {
        for (const p of NEW_PATHS) t.writeFile(p, SMALL);
      },
    },
    {
      name: "MemFs writeFile",
      prepare: () => memFs(false),
      run: (fs: MemFs) => {
        for (const p of NEW_PATHS) writeFile(fs, p, SMALL);
      },
    },
    {
      name: "CowFs writeFile (in a base directory)",
      prepare: cowFs,
      run: (fresh: CowFs) => {
        for (const p of NEW_PATHS) writeFile(fresh, p, SMALL);
      },
    },
  ]],
  ["readdir 10,000 entries", [
    plain("Map tree", () => {
      sink += map.readdir("/wide").length;
    }),
    plain("MemFs", () => {
      sink += mem.readdir("/wide").length;
    }),
    plain("CowFs (a base directory)", () => {
      sink += cow.readdir("/wide").length;
    }),
    plain("CowFs (half base, half overlay)", () => {
      sink += merged.readdir("/wide").length;
    }),
  ]],
  ["stat 10,000 files", [
    plain("Map tree", () => {
      for (const p of WIDE_PATHS) sink += map.stat(p).size;
    }),
    plain("MemFs", () => {
      for (const p of WIDE_PATHS) sink += mem.stat(p).size;
    }),
    plain("CowFs (base files)", () => {
      for (const p of WIDE_PATHS) sink += cow.stat(p).size;
    }),
  ]],
  ["delete 1,000 files", [
    {
      name: "Map tree",
      prepare: () => mapTree(false),
      run: (t: MapTree) => {
        for (let i = 0; i < DELETES; i++) t.remove(FILES[i]);
      },
    },
    {
      name: "MemFs",
      prepare: () => memFs(false),
      run: (fs: MemFs) => {
        for (let i = 0; i < DELETES; i++) fs.remove(FILES[i]);
      },
    },
    {
      name: "CowFs (base files: whiteouts)",
      prepare: cowFs,
      run: (fresh: CowFs) => {
        for (let i = 0; i < DELETES; i++) fresh.remove(FILES[i]);
      },
    },
  ]],
];

registerBenches(WORKLOADS);

if (import.meta.main) {
  // `deno run bench/fs_bench.ts [rounds] [workload word]`
  runInterleaved(WORKLOADS, Number(Deno.args[0] ?? 60), Deno.args[1], "the Map tree");
}

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
