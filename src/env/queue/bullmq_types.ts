/**
 * The parts of `bullmq` and `ioredis` that `BullMqQueue` uses, as local
 * types: the packages are loaded only when a Redis queue is opened (a
 * computed dynamic import), so no static import may name them.
 *
 * @module
 */

/**
 * `import("npm:ioredis")`'s client, as used here.
 *
 * @example
 * ```ts
 * import type { RedisClient } from "./bullmq_types.ts";
 * const ready = (c: RedisClient) => c.status === "ready";
 * ```
 */
export interface RedisClient {
  /** `wait`, `connecting`, `connect`, `ready`, `close`, `reconnecting`, `end`. */
  readonly status: string;
  /** Subscribes to `ready`, `error`, `end`, ... */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Unsubscribes. */
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Ends the connection once pending replies are in. */
  quit(): Promise<unknown>;
  /** Ends the connection now. */
  disconnect(): void;
  /** `XREVRANGE key end start COUNT n`. */
  xrevrange(...args: (string | number)[]): Promise<Array<[string, string[]]>>;
}

/**
 * The `ioredis` module.
 *
 * @example
 * ```ts
 * import type { RedisModule } from "./bullmq_types.ts";
 * const connect = (m: RedisModule) => new m.Redis({ maxRetriesPerRequest: null });
 * ```
 */
export interface RedisModule {
  /** The client class. */
  Redis: new (options: Record<string, unknown>) => RedisClient;
}

/**
 * A BullMQ job, as used here.
 *
 * @example
 * ```ts
 * import type { BullJob } from "./bullmq_types.ts";
 * const tries = (j: BullJob) => j.attemptsMade;
 * ```
 */
export interface BullJob {
  /** Its id. */
  id?: string;
  /** Its data. */
  data: unknown;
  /** Attempts that ended. */
  attemptsMade: number;
  /** Its options. */
  opts: { attempts?: number };
  /** The result, once completed. */
  returnvalue: unknown;
  /** Why it failed, when it did. */
  failedReason?: string;
  /** Set when it must fail instead of running (it stalled too often). */
  deferredFailure?: string;
  /** Extends the lock; 1 when it held, 0 when it was lost. */
  extendLock(token: string, duration: number): Promise<number>;
  /** Completes it. */
  moveToCompleted(value: unknown, token: string, fetchNext?: boolean): Promise<unknown>;
  /** Fails it (retried when attempts remain and the error is not unrecoverable). */
  moveToFailed(err: Error, token: string, fetchNext?: boolean): Promise<unknown>;
  /** Gives it back to the queue. */
  moveToWait(token?: string): Promise<number>;
  /** Where it is. */
  getState(): Promise<string>;
}

/**
 * A BullMQ Queue, as used here.
 *
 * @example
 * ```ts
 * import type { BullQueue } from "./bullmq_types.ts";
 * const add = (q: BullQueue) => q.add("job", { n: 1 }, { priority: 1 });
 * ```
 */
export interface BullQueue {
  /** Its Redis keys (`events` is the event stream). */
  readonly keys: Record<string, string>;
  /** Adds a job. */
  add(name: string, data: unknown, opts: Record<string, unknown>): Promise<BullJob>;
  /** A job by id. */
  getJob(id: string): Promise<BullJob | undefined>;
  /** Counts by state. */
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  /** Removes a job unless it is locked; 1 when removed. */
  remove(id: string): Promise<number>;
  /** Resolves once connected. */
  waitUntilReady(): Promise<unknown>;
  /** Subscribes to `error`, ... */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Lets go of its connections. */
  close(): Promise<void>;
}

/**
 * A BullMQ Worker used without a processor (jobs fetched by hand).
 *
 * @example
 * ```ts
 * import type { BullWorker } from "./bullmq_types.ts";
 * const take = (w: BullWorker) => w.getNextJob("token", { block: false });
 * ```
 */
export interface BullWorker {
  /** The next job, locked with `token`. */
  getNextJob(token: string, opts?: { block?: boolean }): Promise<BullJob | undefined>;
  /** Starts moving lapsed jobs back to waiting, every `stalledInterval`. */
  startStalledCheckTimer(): Promise<void>;
  /** Subscribes to `error`, ... */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Lets go of its connections. */
  close(force?: boolean): Promise<void>;
}

/**
 * A BullMQ QueueEvents reader.
 *
 * @example
 * ```ts
 * import type { BullQueueEvents } from "./bullmq_types.ts";
 * const follow = (e: BullQueueEvents) => e.on("completed", (a) => console.log(a.jobId));
 * ```
 */
export interface BullQueueEvents {
  /** Resolves once connected. */
  waitUntilReady(): Promise<unknown>;
  /** Subscribes to an event. */
  on(event: string, listener: (args: Record<string, unknown>) => void): unknown;
  /** Lets go of its connection. */
  close(): Promise<void>;
}

/**
 * The `bullmq` module.
 *
 * @example
 * ```ts
 * import type { BullModule } from "./bullmq_types.ts";
 * const never = (m: BullModule) => new m.UnrecoverableError("malformed");
 * ```
 */
export interface BullModule {
  /** The producer side. */
  Queue: new (name: string, opts: Record<string, unknown>) => BullQueue;
  /** The consumer side. */
  Worker: new (name: string, processor: null, opts: Record<string, unknown>) => BullWorker;
  /** The event stream reader. */
  QueueEvents: new (name: string, opts: Record<string, unknown>) => BullQueueEvents;
  /** An error that is never retried. */
  UnrecoverableError: new (message: string) => Error;
}
