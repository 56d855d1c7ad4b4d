/**
 * A worker process for the fault tests: what `oanix worker` runs, with
 * short leases (1.5 s, checked every 0.5 s) so a killed worker's job is
 * taken up again within seconds. Prints each event as a JSON line; stops
 * on SIGTERM.
 *
 *   deno run -A --config tests/deno.json tests/queue/worker_main.ts URL STORE CONCURRENCY
 */
import { openQueue, parseRedisQueueUrl } from "../../src/env/queue/queue_url.ts";
import { runQueueWorker } from "../../src/sandbox/worker/queue_worker.ts";
import { Store } from "../../src/sandbox/worker/store.ts";

const [url, storeDir, concurrency = "1"] = Deno.args;
const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
const queue = await openQueue(url, { lockMs: 1500, stalledCheckMs: 500 });
const store = await Store.open(storeDir);
console.log(JSON.stringify({ type: "ready", pid: Deno.pid }));
const summary = await runQueueWorker({
  queue,
  queueName: parseRedisQueueUrl(url).name,
  store,
  concurrency: Number(concurrency),
  signal: stop.signal,
  onEvent: (e) => console.log(JSON.stringify(e)),
});
await queue.close();
console.log(JSON.stringify({ type: "stopped", summary }));
