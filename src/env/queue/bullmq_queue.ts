/**
 * The BullMQ backend: the queue lives in Redis, so producers and consumers
 * may run on any machine that reaches it. BullMQ brings the guarantees:
 * jobs move between states in Lua scripts (atomic), a lease is a lock with
 * a time to live, lapsed locks are found by every consumer's stalled-job
 * check, and events go through a Redis stream. With Redis persistence on
 * (`appendonly yes`), a Redis restart loses nothing; the clients reconnect.
 *
 * `bullmq` and `ioredis` are loaded the first time a queue is opened, with a
 * computed specifier: nothing else in OANIX needs them, so they stay out of
 * the module graph of `mod.ts` and out of the lock file of a user who never
 * opens a Redis queue.
 *
 * @module
 */

import { assertJsonValue, describeValue, type JsonValue } from "../../services/json_value.ts";
import type {
  BullJob,
  BullModule,
  BullQueue,
  BullQueueEvents,
  BullWorker,
  RedisClient,
  RedisModule,
} from "./bullmq_types.ts";
import {
  type EnqueueOptions,
  type Lease,
  LeaseLostError,
  type LeaseOptions,
  type QueueBackend,
  type QueueCounts,
  type QueueEvent,
  type QueueJobInfo,
  type QueueJobState,
} from "./queue_backend.ts";
import {
  checkEnqueueOptions,
  checkLeaseOptions,
  checkQueueTiming,
  type QueueTiming,
} from "./queue_options.ts";
import type { RedisQueueAddress } from "./queue_url.ts";

/**
 * The packages, pinned: the versions the contract tests ran against.
 *
 * @example
 * ```ts
 * import { BULLMQ_SPECIFIER } from "./bullmq_queue.ts";
 * console.log(BULLMQ_SPECIFIER.startsWith("npm:bullmq@")); // true
 * ```
 */
export const BULLMQ_SPECIFIER = "npm:bullmq@6.7.0";
/**
 * The Redis client BullMQ is given (explicitly, as BullMQ 6 asks).
 *
 * @example
 * ```ts
 * import { IOREDIS_SPECIFIER } from "./bullmq_queue.ts";
 * console.log(IOREDIS_SPECIFIER.startsWith("npm:ioredis@")); // true
 * ```
 */
export const IOREDIS_SPECIFIER = "npm:ioredis@6.0.0";

/** A dynamic import whose specifier is not a literal, so no tool pulls it into a module graph. */
const importComputed = (specifier: string): Promise<unknown> => import(specifier);

let packages: Promise<{ bull: BullModule; redis: RedisModule }> | undefined;
function loadPackages(): Promise<{ bull: BullModule; redis: RedisModule }> {
  return packages ??= Promise.all([
    importComputed(BULLMQ_SPECIFIER),
    importComputed(IOREDIS_SPECIFIER),
  ]).then(([bull, redis]) => ({ bull: bull as BullModule, redis: redis as RedisModule }))
    .catch((e) => {
      packages = undefined;
      throw new Error(
        `the Redis queue needs ${BULLMQ_SPECIFIER} and ${IOREDIS_SPECIFIER}, which could not ` +
          `be loaded (run with --allow-net, --allow-read and --allow-env, or -A): ${
            (e as Error).message
          }`,
      );
    });
}

/** BullMQ's priorities run from 1 (first) to 2^21; ours are ±1,000,000, higher first. */
const PRIORITY_ZERO = 1_048_576;

/** The messages of BullMQ's lost-lock errors. */
const LOCK_LOST =
  /Missing key for job|Missing lock for job|is not in the active state|Lock mismatch/;

const STATES: Record<string, QueueJobState> = {
  waiting: "waiting",
  prioritized: "waiting",
  "waiting-children": "waiting",
  delayed: "delayed",
  active: "active",
  completed: "completed",
  failed: "failed",
};

/**
 * Options for {@linkcode BullMqQueue.open}: the timing every backend shares,
 * and the connection's.
 *
 * @example
 * ```ts
 * import type { BullMqQueueOptions } from "./bullmq_queue.ts";
 * const opts: BullMqQueueOptions = { lockMs: 30_000, connectTimeoutMs: 5000 };
 * ```
 */
export interface BullMqQueueOptions extends Partial<QueueTiming> {
  /** How long to wait for Redis when opening (default 10,000 ms); after that, reconnects go on forever. */
  connectTimeoutMs?: number;
  /** Connection errors and BullMQ's own (the clients reconnect by themselves). */
  onError?: (error: Error) => void;
}

/**
 * The {@linkcode QueueBackend} on BullMQ and Redis. Open it with
 * {@linkcode BullMqQueue.open} (or `openQueue("redis://HOST:PORT/NAME")`)
 * and close it when done: it holds up to four connections (commands, the
 * consumer's blocking fetch, the events stream, and the one they share).
 *
 * @example
 * ```ts ignore
 * import { BullMqQueue } from "./bullmq_queue.ts";
 * const queue = await BullMqQueue.open({ host: "127.0.0.1", port: 6379, name: "trials" });
 * await queue.enqueue({ hello: "world" }, { priority: 5, attempts: 3 });
 * const lease = await queue.lease({ waitMs: 1000 });
 * await lease?.complete({ ok: true });
 * await queue.close();
 * ```
 */
export class BullMqQueue<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue>
  implements QueueBackend<T, R> {
  /** Always `bullmq`. */
  readonly kind = "bullmq" as const;
  /** How long a lease holds without a heartbeat. */
  readonly lockMs: number;
  /** The queue's name in Redis. */
  readonly name: string;
  readonly #timing: QueueTiming;
  readonly #bull: BullModule;
  readonly #connection: RedisClient;
  readonly #queue: BullQueue;
  readonly #onError: (error: Error) => void;
  #worker: Promise<BullWorker> | undefined;
  #events: Promise<BullQueueEvents> | undefined;
  readonly #listeners = new Set<(event: QueueEvent) => void>();
  #fetching: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  private constructor(
    name: string,
    timing: QueueTiming,
    bull: BullModule,
    connection: RedisClient,
    queue: BullQueue,
    onError: (error: Error) => void,
  ) {
    this.name = name;
    this.#timing = timing;
    this.lockMs = timing.lockMs;
    this.#bull = bull;
    this.#connection = connection;
    this.#queue = queue;
    this.#onError = onError;
  }

  /**
   * Connects to Redis and opens the queue `address.name`.
   *
   * @throws {TypeError} for a bad option.
   * @throws {Error} when the packages cannot be loaded, or Redis cannot be
   * reached within `connectTimeoutMs`.
   */
  static async open<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue>(
    address: RedisQueueAddress,
    options: BullMqQueueOptions = {},
  ): Promise<BullMqQueue<T, R>> {
    const timing = checkQueueTiming(options, "BullMqQueue");
    const timeout = options.connectTimeoutMs ?? 10_000;
    if (!Number.isSafeInteger(timeout) || timeout < 1) {
      throw new TypeError(`BullMqQueue: connectTimeoutMs must be a positive integer`);
    }
    const { bull, redis } = await loadPackages();
    let lastError: Error | undefined;
    const onError = (e: unknown) => {
      lastError = e instanceof Error ? e : new Error(String(e));
      options.onError?.(lastError);
    };
    const connection = new redis.Redis({
      host: address.host,
      port: address.port,
      ...(address.username ? { username: address.username } : {}),
      ...(address.password ? { password: address.password } : {}),
      db: address.db,
      maxRetriesPerRequest: null,
    });
    connection.on("error", onError);
    await new Promise<void>((resolve, reject) => {
      if (connection.status === "ready") return resolve();
      const timer = setTimeout(() => {
        connection.off("ready", ready);
        connection.disconnect();
        reject(
          new Error(
            `cannot reach Redis at ${address.host}:${address.port}${
              lastError ? `: ${lastError.message}` : ""
            }`,
          ),
        );
      }, timeout);
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      connection.on("ready", ready);
    });
    const queue = new bull.Queue(address.name, { connection });
    queue.on("error", onError);
    await queue.waitUntilReady();
    return new BullMqQueue<T, R>(address.name, timing, bull, connection, queue, onError);
  }

  /** Adds a job (see {@linkcode QueueBackend.enqueue}). */
  async enqueue(data: T, options?: EnqueueOptions): Promise<string> {
    const o = checkEnqueueOptions(options);
    assertJsonValue(data, "enqueue: data");
    this.#open();
    const keep = { count: this.#timing.maxRetained };
    const job = await this.#queue.add("job", data, {
      ...(o.id === undefined ? {} : { jobId: o.id }),
      priority: PRIORITY_ZERO - o.priority,
      ...(o.delayMs > 0 ? { delay: o.delayMs } : {}),
      attempts: o.attempts,
      ...(o.backoff ? { backoff: { type: o.backoff.type, delay: o.backoff.delayMs } } : {}),
      removeOnComplete: keep,
      removeOnFail: keep,
    });
    return String(job.id);
  }

  #open(): void {
    if (this.#closing) throw new Error(`BullMqQueue ${this.name}: the queue is closed`);
  }

  /** The consumer side, made on the first lease: it also runs the stalled-job check. */
  #consumer(): Promise<BullWorker> {
    return this.#worker ??= (async () => {
      const worker = new this.#bull.Worker(this.name, null, {
        connection: this.#connection,
        autorun: false,
        lockDuration: this.#timing.lockMs,
        stalledInterval: this.#timing.stalledCheckMs,
        maxStalledCount: this.#timing.maxStalls,
        drainDelay: 1,
      });
      worker.on("error", (e) => this.#onError(e as Error));
      await worker.startStalledCheckTimer();
      return worker;
    })();
  }

  /** Leases the next job (see {@linkcode QueueBackend.lease}). */
  async lease(options?: LeaseOptions): Promise<Lease<T, R> | undefined> {
    const { waitMs, signal } = checkLeaseOptions(options);
    if (this.#closing) return undefined;
    const worker = await this.#consumer();
    const deadline = Date.now() + waitMs;
    const token = crypto.randomUUID();
    for (let first = true; first || Date.now() < deadline; first = false) {
      if (this.#closing || signal?.aborted) return undefined;
      let job: BullJob | undefined;
      try {
        // One fetch at a time: BullMQ's worker blocks on one connection.
        const fetch = this.#fetching.then(() =>
          this.#closing ? undefined : worker.getNextJob(token, { block: waitMs > 0 })
        );
        this.#fetching = fetch.catch(() => {});
        job = await fetch;
      } catch (e) {
        this.#onError(e as Error);
        await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
        continue;
      }
      if (job?.deferredFailure) {
        // It stalled too often: BullMQ's own workers fail it instead of running it.
        await job.moveToFailed(new this.#bull.UnrecoverableError(job.deferredFailure), token)
          .catch((e) => this.#onError(e));
        continue;
      }
      if (job !== undefined) return this.#leaseOf(job, token);
      if (waitMs === 0) return undefined;
    }
    return undefined;
  }

  #leaseOf(job: BullJob, token: string): Lease<T, R> {
    const id = String(job.id);
    const attempts = job.opts.attempts ?? 1;
    const lost = (e: unknown) =>
      LOCK_LOST.test((e as Error)?.message ?? "") ? new LeaseLostError(id) : e;
    return Object.freeze({
      id,
      data: job.data as T,
      attempt: job.attemptsMade + 1,
      attempts,
      heartbeat: async () => {
        if (await job.extendLock(token, this.lockMs) !== 1) throw new LeaseLostError(id);
      },
      complete: async (result: R) => {
        assertJsonValue(result ?? null, "complete: result");
        try {
          await job.moveToCompleted(result ?? null, token, false);
        } catch (e) {
          throw lost(e);
        }
      },
      fail: async (reason: string, options?: { retry?: boolean }) => {
        if (typeof reason !== "string") {
          throw new TypeError(`fail: reason must be a string, got ${describeValue(reason)}`);
        }
        const retrying = options?.retry !== false && job.attemptsMade + 1 < attempts;
        const error = retrying ? new Error(reason) : new this.#bull.UnrecoverableError(reason);
        try {
          await job.moveToFailed(error, token, false);
        } catch (e) {
          throw lost(e);
        }
        return retrying ? "retrying" as const : "failed" as const;
      },
      release: async () => {
        try {
          await job.moveToWait(token);
        } catch (e) {
          throw lost(e);
        }
      },
    });
  }

  /** Removes a job that has not started (see {@linkcode QueueBackend.cancel}). */
  async cancel(id: string): Promise<boolean> {
    this.#open();
    const job = await this.#queue.getJob(id);
    if (job === undefined) return false;
    const state = STATES[await job.getState()];
    if (state !== "waiting" && state !== "delayed") return false;
    // Refused (0) when a consumer locked it meanwhile.
    return await this.#queue.remove(id) === 1;
  }

  /** A job (see {@linkcode QueueBackend.job}). */
  async job(id: string): Promise<QueueJobInfo<T, R> | undefined> {
    this.#open();
    const job = await this.#queue.getJob(id);
    const state = job && STATES[await job.getState()];
    if (job === undefined || state === undefined) return undefined;
    const info: QueueJobInfo<T, R> = {
      id,
      state,
      data: job.data as T,
      attemptsMade: job.attemptsMade,
    };
    if (state === "completed") info.result = (job.returnvalue ?? null) as R;
    if (job.failedReason) info.reason = job.failedReason;
    return info;
  }

  /** How many jobs are where. */
  async counts(): Promise<QueueCounts> {
    this.#open();
    const c = await this.#queue.getJobCounts(
      "waiting",
      "prioritized",
      "delayed",
      "active",
      "completed",
      "failed",
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  /** Listens to every event from now on (see {@linkcode QueueBackend.subscribe}). */
  async subscribe(listener: (event: QueueEvent) => void): Promise<() => void> {
    if (typeof listener !== "function") {
      throw new TypeError(`subscribe: listener must be a function, got ${describeValue(listener)}`);
    }
    this.#open();
    await (this.#events ??= this.#startEvents());
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async #startEvents(): Promise<BullQueueEvents> {
    // From the stream's last entry, not "$": nothing between now and the first read is missed.
    const last = await this.#connection.xrevrange(this.#queue.keys.events, "+", "-", "COUNT", 1);
    const events = new this.#bull.QueueEvents(this.name, {
      connection: this.#connection,
      lastEventId: last[0]?.[0] ?? "0-0",
      blockingTimeout: 5000,
    });
    (events as unknown as BullQueue).on("error", (e) => this.#onError(e as Error));
    const emit = (event: QueueEvent) => {
      for (const listener of [...this.#listeners]) {
        try {
          listener(event);
        } catch { /* a listener's failure is its own, never the queue's */ }
      }
    };
    const id = (a: Record<string, unknown>) => String(a.jobId);
    events.on("added", (a) => emit({ type: "enqueued", id: id(a) }));
    events.on("active", (a) => emit({ type: "active", id: id(a) }));
    events.on(
      "completed",
      (a) => emit({ type: "completed", id: id(a), result: (a.returnvalue ?? null) as JsonValue }),
    );
    events.on(
      "failed",
      (a) => emit({ type: "failed", id: id(a), reason: String(a.failedReason ?? "") }),
    );
    events.on("stalled", (a) => emit({ type: "stalled", id: id(a) }));
    events.on("removed", (a) => emit({ type: "cancelled", id: id(a) }));
    await events.waitUntilReady();
    return events;
  }

  /** Lets go of every connection; waiting leases resolve undefined. */
  close(): Promise<void> {
    return this.#closing ??= (async () => {
      this.#listeners.clear();
      const quiet = (p: Promise<unknown> | undefined) => p?.catch((e) => this.#onError(e));
      await quiet(this.#worker?.then((w) => w.close()));
      await quiet(this.#events?.then((e) => e.close()));
      await quiet(this.#queue.close());
      await quiet(this.#connection.quit());
    })();
  }
}
