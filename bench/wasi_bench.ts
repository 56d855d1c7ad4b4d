/**
 * WASI syscall throughput: OANIX's WasiRuntime over a MemFs namespace,
 * against Deno's built-in `node:wasi` over a real temporary directory (the
 * baseline), in one run so every figure is a ratio.
 *
 * The guest is tests/fixtures/wasi/bench.c, one loop per operation:
 * 100,000 × 64-byte write, 10,000 × open+read+close, a listing of 2,000
 * entries, and 100,000 × clock_gettime. Each iteration instantiates the
 * (already compiled) module and runs it to its exit, on both sides.
 *
 * `node:wasi` is implemented in Deno (Deno 2.9.6) and runs this guest
 * fully, so it is a fair baseline; it reaches the real file system
 * through Deno's synchronous fs calls.
 *
 * For the two call-bound loops (write, clock) the cost of stopping is
 * measured too: a run with `timeoutMs` reads the clock in every host call,
 * and a run with a `signal` also goes through `WebAssembly.Suspending` in
 * every call (so that it can yield every 25 ms).
 *
 *   deno bench --allow-read --allow-write --allow-env bench/wasi_bench.ts
 *
 * @module
 */

import { WASI } from "node:wasi";
import { openSync } from "node:fs";
import { MemFs, writeText } from "../src/fs/mod.ts";
import { Namespace } from "../src/namespace/mod.ts";
import { type WasiRunOptions, WasiRuntime } from "../src/wasi/mod.ts";

const wasm = await Deno.readFile(new URL("../tests/fixtures/wasi/bench.wasm", import.meta.url));
const runtime = new WasiRuntime();
// Compiled by the runtime, so that it knows the module has no start section (runs with a signal are sliced).
const module = await runtime.compile(wasm);

const ENTRIES = 2000;
const name = (i: number) => `entry-${String(i).padStart(5, "0")}-with-a-longer-name.txt`;

// Our side: a MemFs at /tmp with the small file and the 2,000-entry directory.
const tmp = new MemFs();
writeText(tmp, "/small.txt", "x".repeat(100));
tmp.mkdir("/many");
for (let i = 0; i < ENTRIES; i++) writeText(tmp, `/many/${name(i)}`, "");
const ns = Namespace.builder().mount("/tmp", tmp).build();

// The baseline's side: the same tree in a real temporary directory.
const dir = Deno.makeTempDirSync({ prefix: "oanix-wasi-bench-" });
Deno.writeTextFileSync(`${dir}/small.txt`, "x".repeat(100));
Deno.mkdirSync(`${dir}/many`);
for (let i = 0; i < ENTRIES; i++) Deno.writeTextFileSync(`${dir}/many/${name(i)}`, "");
const devNull = openSync("/dev/null", "w");
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function oanix(op: string, n: number, opts: WasiRunOptions = {}): Promise<void> {
  const r = await runtime.run(ns, module, { args: ["bench", op, String(n)], ...opts });
  if (r.exitCode !== 0) throw new Error(`oanix ${op}: exit ${r.exitCode} ${r.stderrText}`);
}

async function nodeWasi(op: string, n: number): Promise<void> {
  const wasi = new WASI({
    version: "preview1",
    args: ["bench", op, String(n)],
    preopens: { "/tmp": dir },
    stdout: devNull,
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(
    module,
    wasi.getImportObject() as WebAssembly.Imports,
  );
  const code = wasi.start(instance);
  if (code !== 0) throw new Error(`node:wasi ${op}: exit ${code}`);
}

const CASES: Array<[string, string, number]> = [
  ["fd_write: 100,000 × 64 bytes", "write", 100_000],
  ["open+read+close: 10,000 ×", "openread", 10_000],
  ["fd_readdir: 2,000 entries", "readdir", 1],
  ["clock_time_get: 100,000 ×", "clock", 100_000],
];

for (const [group, op, n] of CASES) {
  Deno.bench({
    name: `node:wasi ${op}`,
    group,
    baseline: true,
    fn: async () => await nodeWasi(op, n),
  });
  Deno.bench({ name: `oanix ${op}`, group, fn: async () => await oanix(op, n) });
  if (op !== "write" && op !== "clock") continue;
  Deno.bench({
    name: `oanix ${op} with timeoutMs`,
    group,
    fn: async () => await oanix(op, n, { timeoutMs: 60_000 }),
  });
  Deno.bench({
    name: `oanix ${op} with a signal`,
    group,
    fn: async () => await oanix(op, n, { signal: new AbortController().signal }),
  });
}
