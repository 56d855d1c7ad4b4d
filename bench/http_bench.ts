/**
 * HttpFs + HttpExecutor against plain `fetch`, in the same run: 1,000
 * loopback requests at concurrency 32 per iteration. The target is 0.95
 * times the throughput of plain fetch (the baseline) for the host API.
 *
 *   deno bench --allow-net bench/http_bench.ts
 *
 * On a shared machine the load changes between `deno bench` groups, so the
 * same file also runs the variants interleaved, round by round, and prints
 * the median throughput ratio, by wall-clock time and by the process's CPU
 * time (which other processes on the machine disturb less):
 *
 *   deno run --allow-net --v8-flags=--expose-gc bench/http_bench.ts [rounds] [--no-files]
 *
 * (`--expose-gc` lets every timed run start from a collected heap, so one
 * variant's garbage is not collected on another's clock.)
 *
 * @module
 */

import process from "node:process";
import {
  AllowList,
  HttpFs,
  isHttpFailure,
  readJsonWhenReady,
  submitJson,
} from "../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager } from "../src/executor/mod.ts";
import { Namespace } from "../src/namespace/mod.ts";

const N = 1000;
const CONCURRENCY = 32;

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("ok"),
);
const url = `http://127.0.0.1:${server.addr.port}/ok`;
const config = ExecutorConfig.builder().httpMaxConcurrent(CONCURRENCY).build();

/** The baseline: N fetches by CONCURRENCY workers. */
async function plainFetch(): Promise<void> {
  let next = 0;
  let okCount = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      const res = await fetch(url);
      if ((await res.text()) === "ok") okCount++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (okCount !== N) throw new Error(`baseline: ${okCount}/${N}`);
}

function rig() {
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1"]) });
  const manager = new ExecutorManager(config).attachHttp(http);
  manager.start();
  return { http, manager };
}

/** N requests through the host API: submitRequest, then await response(id). */
async function viaHostApi(http: HttpFs): Promise<void> {
  const ids = Array.from({ length: N }, () => http.submitRequest({ url }));
  const outcomes = await Promise.all(ids.map((id) => http.response(id)));
  if (outcomes.some((o) => isHttpFailure(o) || o.status !== 200)) throw new Error("failed");
}

/** N requests through namespace files: /cap/http/request, then the response file. */
async function viaFiles(ns: Namespace): Promise<void> {
  const ids = Array.from(
    { length: N },
    () => (submitJson(ns, "/cap/http/request", { url }) as { id: string }).id,
  );
  const outcomes = await Promise.all(
    ids.map((id) => readJsonWhenReady(ns, `/cap/http/responses/${id}.json`)),
  ) as { status?: number }[];
  if (outcomes.some((o) => o.status !== 200)) throw new Error("failed");
}

Deno.bench({
  name: "plain fetch, 1000 requests @32",
  group: "http",
  baseline: true,
  n: 20,
  warmup: 3,
  async fn() {
    await plainFetch();
  },
});

Deno.bench({
  name: "HttpFs + HttpExecutor (host API), 1000 requests @32",
  group: "http",
  n: 20,
  warmup: 3,
  async fn(b) {
    const { http, manager } = rig();
    b.start();
    await viaHostApi(http);
    b.end();
    await manager.shutdown();
  },
});

Deno.bench({
  name: "HttpFs + HttpExecutor (namespace files), 1000 requests @32",
  group: "http",
  n: 20,
  warmup: 3,
  async fn(b) {
    const { http, manager } = rig();
    const ns = Namespace.builder().mount("/cap/http", http).build();
    b.start();
    await viaFiles(ns);
    b.end();
    await manager.shutdown();
  },
});

/** With `--v8-flags=--expose-gc`, each timed run starts from a collected heap. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Wall-clock and CPU milliseconds of one run (CPU: the whole process, user + system). */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  collect();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

type Times = { wall: number; cpu: number }[];

/** Runs the variants interleaved and prints the median ratios. */
async function interleaved(rounds: number, withFiles: boolean): Promise<void> {
  const plain: Times = [];
  const host: Times = [];
  const files: Times = [];
  for (let i = 0; i < rounds + 2; i++) {
    const a = await timed(plainFetch);
    const r1 = rig();
    const b = await timed(() => viaHostApi(r1.http));
    await r1.manager.shutdown();
    let c = { wall: NaN, cpu: NaN };
    if (withFiles) {
      const r2 = rig();
      const ns = Namespace.builder().mount("/cap/http", r2.http).build();
      c = await timed(() => viaFiles(ns));
      await r2.manager.shutdown();
    }
    if (i < 2) continue; // warm-up
    plain.push(a);
    host.push(b);
    files.push(c);
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
  const ratio = (v: Times, k: "wall" | "cpu") =>
    median(plain.map((p, i) => p[k] / v[i][k])).toFixed(2);
  const line = (name: string, v: Times) => {
    const ms = median(v.map((t) => t.wall));
    console.log(
      `  ${name.padEnd(20)}${ms.toFixed(1).padStart(7)} ms ${
        String(Math.round(N / (ms / 1000))).padStart(6)
      } req/s` + (v === plain ? "" : `  ratio: wall ${ratio(v, "wall")}, cpu ${ratio(v, "cpu")}`),
    );
  };
  console.log(`${rounds} interleaved rounds of ${N} requests @${CONCURRENCY} (medians):`);
  line("plain fetch", plain);
  line("HttpFs host API", host);
  if (withFiles) line("HttpFs via files", files);
}

if (import.meta.main) {
  await interleaved(Number(Deno.args[0] ?? "15"), !Deno.args.includes("--no-files"));
  await server.shutdown();
} else {
  globalThis.addEventListener("unload", () => {
    server.shutdown();
  });
}
