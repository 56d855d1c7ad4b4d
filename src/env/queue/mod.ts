/**
 * Job queues under the Scheduler and the workers: the contract
 * ({@linkcode QueueBackend}), the in-memory backend (the embedded default)
 * and the BullMQ backend on Redis (for more than one machine), opened by
 * URL with {@linkcode openQueue}.
 *
 * @module
 */

export * from "./queue_backend.ts";
export * from "./queue_options.ts";
export * from "./memory_queue.ts";
export * from "./bullmq_queue.ts";
export * from "./queue_url.ts";
