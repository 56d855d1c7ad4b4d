/**
 * ReplaySession: one run's way through a transcript. It indexes the
 * entries and hands each out once: the n-th HTTP request with a (method,
 * URL, body digest) gets the n-th such exchange, the n-th socket to a URL
 * the n-th recorded one, the n-th lookup of a host the n-th answer, the
 * n-th reading of a clock the n-th reading. What is not there is a miss,
 * reported through `onLog`.
 *
 * @module
 */

import type { OnLog } from "../../capabilities/log_hook.ts";
import type { DnsAnswer, HttpExchange, SocketEvent, SocketKind } from "./transcript_format.ts";
import type { Transcript } from "./transcript.ts";
import type { TranscriptRecorder } from "./transcript_recorder.ts";

/**
 * The message of every miss starts with this.
 *
 * @example
 * ```ts
 * import { NOT_IN_TRANSCRIPT } from "./replay_session.ts";
 * console.log(NOT_IN_TRANSCRIPT); // "not in transcript"
 * ```
 */
export const NOT_IN_TRANSCRIPT = "not in transcript";

/** Hands out the entries of each key once, in order. */
class Queues<T> {
  readonly #items = new Map<string, T[]>();
  readonly #taken = new Map<string, number>();

  add(key: string, item: T): void {
    const list = this.#items.get(key);
    if (list === undefined) this.#items.set(key, [item]);
    else list.push(item);
  }

  /** The next item of `key` (undefined when used up), and which occurrence this is (1-based). */
  next(key: string): { item: T | undefined; occurrence: number } {
    const n = this.#taken.get(key) ?? 0;
    this.#taken.set(key, n + 1);
    return { item: this.#items.get(key)?.[n], occurrence: n + 1 };
  }
}

/**
 * The English ordinal of n ("1st", "2nd", "3rd", "4th"...).
 *
 * @example
 * ```ts
 * import { ordinal } from "./replay_session.ts";
 * console.log([1, 2, 3, 11, 22].map(ordinal).join(" ")); // "1st 2nd 3rd 11th 22nd"
 * ```
 */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

/**
 * One replay's cursors over a transcript.
 *
 * @example
 * ```ts
 * import { Transcript } from "./transcript.ts";
 * import { ReplaySession } from "./replay_session.ts";
 * const t = Transcript.parse(
 *   '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *     '{"seq":1,"kind":"dns","host":"relay.example.com","addresses":["93.184.216.34"]}\n' +
 *     '{"seq":2,"kind":"end"}\n',
 * );
 * const session = new ReplaySession(t);
 * console.log(session.dns("relay.example.com")); // { kind: "dns", host: ..., addresses: [...] }
 * console.log(session.dns("relay.example.com")); // undefined: a miss (the 2nd lookup)
 * ```
 */
export class ReplaySession {
  /** The transcript. */
  readonly transcript: Transcript;
  readonly #onLog: OnLog | undefined;
  readonly #http = new Queues<HttpExchange>();
  readonly #sockets = new Queues<SocketEvent[]>();
  readonly #dns = new Queues<DnsAnswer>();
  readonly #clocks = new Queues<number>();
  readonly #identities = new Queues<string>();

  /**
   * Indexes `transcript`.
   *
   * @param transcript what to replay
   * @param onLog hears of every miss
   */
  constructor(transcript: Transcript, onLog?: OnLog) {
    this.transcript = transcript;
    this.#onLog = onLog;
    const scripts = new Map<string, SocketEvent[]>();
    for (const e of transcript.entries) {
      switch (e.kind) {
        case "http":
          this.#http.add(httpKey(e.method, e.url, e.body.sha256), e);
          break;
        case "ws":
        case "nostr": {
          const conn = `${e.kind} ${e.conn}`;
          if (e.event === "connect") {
            const script: SocketEvent[] = [];
            scripts.set(conn, script);
            this.#sockets.add(`${e.kind} ${e.url}`, script);
          } else scripts.get(conn)!.push(e);
          break;
        }
        case "dns":
          this.#dns.add(e.host, e);
          break;
        case "clock":
          this.#clocks.add(e.of, e.ms);
          break;
        case "identity":
          this.#identities.add("nostr", e.pubkey);
      }
    }
  }

  /** Reports a miss (or another replay problem) through `onLog`. */
  log(level: "warn" | "error", message: string, data: Record<string, unknown>): void {
    try {
      this.#onLog?.(level, message, data);
    } catch { /* a faulty hook must not stop the replay */ }
  }

  /** The exchange for the next HTTP request with this method, URL and body digest. */
  http(method: string, url: string, bodySha256: string): {
    exchange: HttpExchange | undefined;
    occurrence: number;
  } {
    const { item, occurrence } = this.#http.next(httpKey(method, url, bodySha256));
    return { exchange: item, occurrence };
  }

  /**
   * The recorded events of the next socket of `kind` to `url` (its
   * connect left out), or undefined.
   */
  socket(kind: SocketKind, url: string): { script: SocketEvent[] | undefined; occurrence: number } {
    const { item, occurrence } = this.#sockets.next(`${kind} ${url}`);
    return { script: item, occurrence };
  }

  /** The answer to the next lookup of `host`, or undefined. */
  dns(host: string): DnsAnswer | undefined {
    return this.#dns.next(host).item;
  }

  /** The next recorded NostrFs public key, or undefined. */
  identity(): string | undefined {
    return this.#identities.next("nostr").item;
  }

  /**
   * A clock that gives the recorded readings of `name` in order (each
   * written to `record`, when given). Past the last one it is a miss: it
   * logs, and gives the last reading again (or the transcript's created
   * time), so a replay never reads the wall clock.
   */
  clock(name: string, record?: TranscriptRecorder): () => number {
    let last = this.transcript.createdMs;
    return () => {
      const { item, occurrence } = this.#clocks.next(name);
      if (item === undefined) {
        this.log("warn", `replay: clock reading ${NOT_IN_TRANSCRIPT}`, {
          clock: name,
          occurrence,
        });
        return last;
      }
      last = item;
      record?.write({ kind: "clock", of: name, ms: item });
      return item;
    };
  }
}

/**
 * The key HTTP exchanges are matched by.
 *
 * @example
 * ```ts
 * import { httpKey } from "./replay_session.ts";
 * console.log(httpKey("GET", "https://a/", "00")); // '["GET","https://a/","00"]'
 * ```
 */
export function httpKey(method: string, url: string, bodySha256: string): string {
  return JSON.stringify([method, url, bodySha256]);
}
