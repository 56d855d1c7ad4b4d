/**
 * `oanix worker`: takes jobs from a Redis queue and runs them on this
 * machine until stopped, a line per job.
 *
 * @module
 */

import { openQueue, parseRedisQueueUrl, redisQueueUrl } from "../../env/queue/queue_url.ts";
import { ManifestError } from "../manifest/field_reader.ts";
import { EXIT_CODES } from "../runner/run_types.ts";
import { runQueueWorker, type WorkerEvent } from "../worker/queue_worker.ts";
import { Store } from "../worker/store.ts";
import {
  DEFAULT_WORKER_POLICY,
  loadWorkerPolicy,
  type WorkerPolicy,
} from "../worker/worker_policy.ts";
import type { ParsedArgs } from "./args.ts";
import type { CliIo } from "./cli.ts";

/**
 * The default store: a folder in the current one.
 *
 * @example
 * ```ts
 * import { DEFAULT_STORE } from "./worker_command.ts";
 * console.log(DEFAULT_STORE); // "oanix-store"
 * ```
 */
export const DEFAULT_STORE = "oanix-store";

function eventLine(e: WorkerEvent): string {
  return `[oanix] ${e.type} ${e.label}${e.detail ? `: ${e.detail}` : ""}\n`;
}

/**
 * Runs `oanix worker`; returns the exit code (0 once stopped).
 *
 * @example
 * ```ts ignore
 * const code = await workerCommand(parseArgs(["worker", "--queue", "redis://127.0.0.1:6379/q"]), io);
 * ```
 */
export async function workerCommand(parsed: ParsedArgs, io: CliIo): Promise<number> {
  let policy: WorkerPolicy = DEFAULT_WORKER_POLICY;
  let address;
  try {
    address = parseRedisQueueUrl(parsed.queue!);
    if (parsed.policy !== undefined) policy = await loadWorkerPolicy(parsed.policy);
  } catch (e) {
    const lines = e instanceof ManifestError
      ? e.problems.map((p) => `${parsed.policy}: ${p.field || "policy"}: ${p.problem}`)
      : [(e as Error).message];
    io.err(lines.map((l) => `oanix: ${l}\n`).join(""));
    return EXIT_CODES.usage;
  }
  let lastError = "";
  const onError = (e: Error) => {
    // Once per distinct message: a Redis restart would repeat it at every retry.
    if (e.message === lastError) return;
    lastError = e.message;
    io.err(`[oanix] queue: ${e.message}\n`);
  };
  let queue;
  let store: Store;
  try {
    store = await Store.open(parsed.store ?? DEFAULT_STORE);
    queue = await openQueue(parsed.queue!, { onError });
  } catch (e) {
    io.err(`oanix: ${(e as Error).message}\n`);
    return EXIT_CODES.failed;
  }
  const concurrency = parsed.concurrency ?? 1;
  io.err(
    `[oanix] worker on ${redisQueueUrl(address)}, ${concurrency} at a time, store ${store.root}; ` +
      "stop it with Ctrl-C\n",
  );
  try {
    const summary = await runQueueWorker({
      queue,
      queueName: address.name,
      store,
      concurrency,
      policy,
      ...(io.signal ? { signal: io.signal } : {}),
      onEvent: (e) => {
        if (!parsed.quiet) io.out(eventLine(e));
      },
    });
    io.err(
      `[oanix] worker stopped: ${summary.done} done, ${summary.refused} refused, ` +
        `${summary.failed} failed, ${summary.released} given back, ${summary.lost} lost\n`,
    );
  } finally {
    await queue.close();
  }
  return 0;
}
