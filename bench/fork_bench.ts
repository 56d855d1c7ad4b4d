/**
 * Forks of a prepared 10,000-file workspace: how fast, and how many bytes
 * each fork holds (issue 15's goal: 1,000 forks in under 100 ms, under
 * 10 KiB each; forkd, the fastest VM peer, does 100 forks in 101 ms at
 * 0.12 MiB each).
 *
 *   deno bench -A bench/fork_bench.ts
 *     ratios against making an empty overlay, and against copying the tree;
 *   deno run -A --v8-flags=--expose-gc bench/fork_bench.ts
 *     1,000 forks of each kind, timed, with the heap after a full GC
 *     (bytes per fork = heap growth / 1,000, all forks kept alive), plus
 *     what snapshots and base identities of that workspace cost.
 */
import {
  CowFs,
  EnvBuilder,
  type FileService,
  LogsFs,
  MapFs,
  MemFs,
  type OanixEnv,
  readFile,
  TaskFs,
  walk,
  writeFile,
} from "../mod.ts";
import { restoreEnv, snapshotEnv } from "../src/env/snapshot/mod.ts";
import { baseIdentity } from "../src/fs/snapshot/mod.ts";

const FILES = 10_000;
const CHANGED = 1_000;

function content(i: number): Uint8Array {
  return new TextEncoder().encode(`export const value${i} = ${i};\n`.repeat(20)); // ~600 bytes
}

/** The workspace: 10,000 files in 100 folders. */
function workspace(): MapFs {
  const b = MapFs.builder();
  for (let i = 0; i < FILES; i++) b.file(`/src/d${i % 100}/f${i}.ts`, content(i));
  return b.build();
}

/** The same files in a MemFs. */
function memTree(): MemFs {
  const fs = new MemFs();
  fs.mkdir("/src");
  for (let d = 0; d < 100; d++) fs.mkdir(`/src/d${d}`);
  for (let i = 0; i < FILES; i++) writeFile(fs, `/src/d${i % 100}/f${i}.ts`, content(i));
  return fs;
}

/** An overlay prepared over the workspace: 1,000 files changed, some removed, some added. */
function prepared(base: FileService): CowFs {
  const cow = new CowFs(base);
  for (let i = 0; i < CHANGED; i++) {
    const path = `/src/d${i % 100}/f${i}.ts`;
    if (i % 10 === 0) cow.remove(path);
    else writeFile(cow, path, content(i + 1));
  }
  writeFile(cow, "/SETUP.md", "prepared\n");
  return cow;
}

/** An environment as a benchmark harness prepares it. */
function preparedEnv(base: FileService): OanixEnv {
  const env = new EnvBuilder()
    .withId("prepared")
    .mount("/workspace", prepared(base))
    .mount("/tmp", new MemFs())
    .mount("/task", new TaskFs({ id: "t1", type: "fix", description: "fix it", input: null }))
    .mount("/logs", new LogsFs())
    .build();
  writeFile(env.namespace, "/tmp/notes.txt", "setup done");
  env.logs()!.info("prepared", { files: FILES });
  return env;
}

/** A full copy of a tree into a new MemFs: what a fork spares. */
function copyTree(src: FileService): MemFs {
  const out = new MemFs();
  for (const { path, stat } of walk(src)) {
    if (stat.kind === "dir") out.mkdir(path);
    else if (stat.kind === "file") writeFile(out, path, readFile(src, path));
  }
  return out;
}

const base = workspace();
const cow = prepared(base);
const mem = memTree();
const env = preparedEnv(base);
// The first fork freezes each overlay once; the benches measure the forks after it.
cow.fork();
mem.fork();
env.fork();

let sink = 0;

if (!import.meta.main) {
  Deno.bench({
    name: "new CowFs over the workspace (an empty overlay)",
    group: "fork 10,000-file workspace",
    baseline: true,
    fn: () => {
      sink += new CowFs(base).kind.length;
    },
  });
  Deno.bench({
    name: "CowFs.fork() of the prepared overlay (1,000 changes)",
    group: "fork 10,000-file workspace",
    fn: () => {
      sink += cow.fork().kind.length;
    },
  });
  Deno.bench({
    name: "MemFs.fork() of 10,000 files",
    group: "fork 10,000-file workspace",
    fn: () => {
      sink += mem.fork().kind.length;
    },
  });
  Deno.bench({
    name: "OanixEnv.fork() (overlay, MemFs, TaskFs, LogsFs, 4 mounts)",
    group: "fork 10,000-file workspace",
    fn: () => {
      sink += env.fork().id.length;
    },
  });
  Deno.bench({
    name: "MemFs.fork() of 10,000 files",
    group: "fork against copy",
    baseline: true,
    fn: () => {
      sink += mem.fork().kind.length;
    },
  });
  Deno.bench({
    name: "copy of the 10,000 files into a new MemFs",
    group: "fork against copy",
    n: 20,
    fn: () => {
      sink += copyTree(mem).kind.length;
    },
  });
}

// ---- deno run: 1,000 forks, time and memory -----------------------------------

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc!();
  gc!();
  return Deno.memoryUsage().heapUsed;
}

/** Milliseconds for `n` forks and heap bytes held per fork, the forks kept alive. */
function measure(n: number, fork: () => unknown): { ms: number; bytes: number } {
  const kept: unknown[] = new Array(n);
  const before = heapAfterGc();
  const t = performance.now();
  for (let i = 0; i < n; i++) kept[i] = fork();
  const ms = performance.now() - t;
  const bytes = (heapAfterGc() - before) / n;
  if (kept.length !== n) throw new Error("lost forks");
  return { ms, bytes };
}

function report(what: string, fork: () => unknown): void {
  measure(1000, fork); // warm-up
  const runs = Array.from({ length: 5 }, () => measure(1000, fork));
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const bytes = runs.map((r) => r.bytes).sort((a, b) => a - b);
  console.log(
    `${what}: 1,000 forks in ${ms[2].toFixed(1)} ms (${ms[0].toFixed(1)}–${ms[4].toFixed(1)}), ` +
      `${(bytes[2] / 1024).toFixed(2)} KiB each (${(bytes[0] / 1024).toFixed(2)}–${
        (bytes[4] / 1024).toFixed(2)
      })`,
  );
}

function timeOnce(what: string, fn: () => unknown): void {
  const t = performance.now();
  const out = fn();
  console.log(`${what}: ${(performance.now() - t).toFixed(0)} ms`, out ?? "");
}

if (import.meta.main) {
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  console.log(`workspace: ${FILES} files; prepared overlay: ${CHANGED} changes`);
  report("new CowFs (empty overlay, the floor)", () => new CowFs(base));
  report("CowFs.fork() of the prepared overlay", () => cow.fork());
  report("MemFs.fork() of 10,000 files", () => mem.fork());
  report("OanixEnv.fork() (4 mounts)", () => env.fork());
  timeOnce("first fork after a change (freezes the layer)", () => {
    writeFile(cow, "/touch.txt", "x");
    cow.fork();
  });
  timeOnce("a checkpoint after a change", () => {
    writeFile(cow, "/touch.txt", "y");
    return `id ${cow.checkpoint()}`;
  });
  timeOnce("copy of the 10,000 files (what a fork spares)", () => copyTree(mem).usage().files);
  timeOnce("base identity of the workspace (content)", () => baseIdentity(base).entries);
  timeOnce("base identity of the workspace (stat)", () => baseIdentity(base, "stat").entries);
  let archive: Uint8Array = new Uint8Array();
  timeOnce("snapshotEnv of the prepared environment", () => {
    archive = snapshotEnv(env);
    return `${(archive.length / 2 ** 20).toFixed(1)} MiB`;
  });
  timeOnce("restoreEnv of it (checks the base identity)", () => {
    return restoreEnv(archive, { bases: { "/workspace": base } }).id;
  });
  console.log(sink >= 0 ? "" : sink);
}
