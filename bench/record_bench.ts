/**
 * What record and replay cost, as ratios measured in one run:
 *
 * - recording HTTP exchanges (into memory) against the same requests not
 *   recorded: 1,000 loopback requests at concurrency 32;
 * - replaying those 1,000 requests from a transcript against running
 *   them live;
 * - SHA-256 of a 16 MiB body in 1 MiB pages, incrementally (as the
 *   recorder does, no copy) against WebCrypto's one-buffer digest.
 *
 *   deno bench --allow-net bench/record_bench.ts
 *
 * The load of the shared machine changes between groups; the same file
 * run as a program interleaves live and recorded runs, round by round, and
 * prints the median ratio (the time recorded over the time live):
 *
 *   deno run --allow-net bench/record_bench.ts [rounds]
 *
 * @module
 */

import { AllowList, HttpFs, isHttpFailure } from "../src/capabilities/mod.ts";
import {
  ExecutorConfig,
  ExecutorManager,
  MemoryTranscriptSink,
  type Transcript,
  TranscriptRecorder,
} from "../src/executor/mod.ts";
import { sha256Hex } from "../src/executor/record/sha256.ts";

const N = 1000;
const CONCURRENCY = 32;
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("ok"),
);
const url = `http://127.0.0.1:${server.addr.port}/ok`;
const config = ExecutorConfig.builder().httpMaxConcurrent(CONCURRENCY).build();

/** N requests through an HttpFs served by a manager made with `options`. */
async function requests(
  options: ConstructorParameters<typeof ExecutorManager>[1] = {},
): Promise<void> {
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1"]) });
  const manager = new ExecutorManager(config, options).attachHttp(http);
  manager.start();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      const id = http.submitRequest({ url });
      const out = await http.response(id);
      if (isHttpFailure(out)) throw new Error(out.error);
      http.removeResponse(id);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await manager.shutdown();
}

async function recorded(): Promise<MemoryTranscriptSink> {
  const sink = new MemoryTranscriptSink();
  const recorder = new TranscriptRecorder(sink);
  await requests({ record: recorder });
  await recorder.close();
  return sink;
}

const transcript: Transcript = (await recorded()).transcript();
// Warm both paths up, so the first group does not pay for the JIT.
for (let i = 0; i < 5; i++) await Promise.all([requests(), recorded()]);

Deno.bench({ name: "live, recorded into memory", group: "record" }, async () => {
  await recorded();
});

Deno.bench({ name: "live, not recorded", group: "record", baseline: true }, async () => {
  await requests();
});

Deno.bench({ name: "live", group: "replay", baseline: true }, async () => {
  await requests();
});

Deno.bench({ name: "replayed from a transcript", group: "replay" }, async () => {
  await requests({ replay: transcript });
});

const pages = Array.from({ length: 16 }, (_, i) => new Uint8Array(1 << 20).fill(i));
const joined = new Uint8Array(16 << 20);
pages.forEach((p, i) => joined.set(p, i << 20));

Deno.bench({ name: "WebCrypto digest, one buffer", group: "sha256", baseline: true }, async () => {
  await crypto.subtle.digest("SHA-256", joined);
});

Deno.bench({ name: "incremental over the pages (recorder)", group: "sha256" }, () => {
  sha256Hex(pages);
});

/** Live and recorded runs, interleaved: the median and the range of their time ratio. */
async function interleaved(rounds: number): Promise<void> {
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await requests();
    const live = performance.now() - t;
    t = performance.now();
    await recorded();
    ratios.push((performance.now() - t) / live);
  }
  ratios.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${rounds} rounds of ${N} requests @${CONCURRENCY}: recorded / live time, median ` +
      `${f(ratios[rounds >> 1])} (range ${f(ratios[0])}-${f(ratios[rounds - 1])})`,
  );
}

if (import.meta.main) {
  await interleaved(Number(Deno.args[0] ?? "15"));
  await server.shutdown();
} else {
  globalThis.addEventListener("unload", () => void server.shutdown());
}
