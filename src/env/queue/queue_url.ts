/**
 * Naming a queue with a URL: `redis://[USER:PASSWORD@]HOST[:PORT]/NAME`
 * (database with `?db=N`), or `memory://NAME` for an in-process queue.
 *
 * @module
 */

import type { JsonValue } from "../../services/json_value.ts";
import { BullMqQueue, type BullMqQueueOptions } from "./bullmq_queue.ts";
import { MemoryQueue } from "./memory_queue.ts";
import type { QueueBackend } from "./queue_backend.ts";

/** A queue name: what BullMQ keys and folder names can both hold. */
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Where a Redis queue lives.
 *
 * @example
 * ```ts
 * import type { RedisQueueAddress } from "./queue_url.ts";
 * const a: RedisQueueAddress = { host: "10.0.0.5", port: 6379, db: 0, name: "trials" };
 * ```
 */
export interface RedisQueueAddress {
  /** Redis's host. */
  host: string;
  /** Redis's port. */
  port: number;
  /** The database number. */
  db: number;
  /** The queue's name. */
  name: string;
  /** The user (Redis ACL), when given. */
  username?: string;
  /** The password, when given. */
  password?: string;
}

/**
 * Parses `redis://[USER:PASSWORD@]HOST[:PORT]/NAME[?db=N]` (port 6379 by
 * default).
 *
 * @throws {TypeError} saying what is wrong with the URL.
 *
 * @example
 * ```ts
 * import { parseRedisQueueUrl } from "./queue_url.ts";
 * const a = parseRedisQueueUrl("redis://127.0.0.1:6380/trials");
 * console.log(a.host, a.port, a.name); // "127.0.0.1" 6380 "trials"
 * ```
 */
export function parseRedisQueueUrl(url: string): RedisQueueAddress {
  const usage = "expected redis://HOST:PORT/NAME";
  if (typeof url !== "string") throw new TypeError(`queue URL: ${usage}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`queue URL ${JSON.stringify(url)}: ${usage}`);
  }
  if (u.protocol !== "redis:") {
    throw new TypeError(`queue URL ${JSON.stringify(url)}: ${usage} (only redis:// is supported)`);
  }
  if (u.hostname === "") throw new TypeError(`queue URL ${JSON.stringify(url)}: no host`);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!QUEUE_NAME.test(name)) {
    throw new TypeError(
      `queue URL ${JSON.stringify(url)}: the queue name (the path) must be 1 to 100 of ` +
        `A-Z a-z 0-9 . _ -, starting with a letter or digit, got ${JSON.stringify(name)}`,
    );
  }
  const dbText = u.searchParams.get("db") ?? "0";
  if (!/^\d{1,2}$/.test(dbText)) {
    throw new TypeError(`queue URL ${JSON.stringify(url)}: db must be a number, got ${dbText}`);
  }
  const address: RedisQueueAddress = {
    host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: u.port === "" ? 6379 : Number(u.port),
    db: Number(dbText),
    name,
  };
  if (u.username) address.username = decodeURIComponent(u.username);
  if (u.password) address.password = decodeURIComponent(u.password);
  return address;
}

/**
 * A URL for `address` without its password (for messages and files).
 *
 * @example
 * ```ts
 * import { parseRedisQueueUrl, redisQueueUrl } from "./queue_url.ts";
 * console.log(redisQueueUrl(parseRedisQueueUrl("redis://:secret@h:1/q"))); // "redis://h:1/q"
 * ```
 */
export function redisQueueUrl(address: RedisQueueAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  const user = address.username ? `${encodeURIComponent(address.username)}@` : "";
  const db = address.db === 0 ? "" : `?db=${address.db}`;
  return `redis://${user}${host}:${address.port}/${address.name}${db}`;
}

/**
 * Opens the queue a URL names: `redis://…` on BullMQ (loading it then), or
 * `memory://NAME`, a new in-process queue.
 *
 * @throws {TypeError} for a bad URL; {@linkcode BullMqQueue.open}'s errors.
 *
 * @example
 * ```ts
 * import { openQueue } from "./queue_url.ts";
 * const queue = await openQueue("memory://local");
 * console.log(queue.kind); // "memory"
 * await queue.close();
 * ```
 */
export async function openQueue<T extends JsonValue = JsonValue, R extends JsonValue = JsonValue>(
  url: string,
  options: BullMqQueueOptions = {},
): Promise<QueueBackend<T, R>> {
  if (typeof url === "string" && url.startsWith("memory://")) {
    const { connectTimeoutMs: _t, onError: _e, ...timing } = options;
    return new MemoryQueue<T, R>(timing);
  }
  return await BullMqQueue.open<T, R>(parseRedisQueueUrl(url), options);
}
