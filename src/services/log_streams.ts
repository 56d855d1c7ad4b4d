/**
 * The three streams behind LogsFs (stdout, stderr, events), bounded, with
 * drop reports and live subscribers.
 *
 * @module
 */

import { nowNs } from "../fs/time.ts";
import { LogEvent } from "./log_event.ts";
import { BoundedBytes, BoundedEvents } from "./log_storage.ts";

/**
 * The three streams of a LogsFs.
 *
 * @example
 * ```ts
 * import type { LogStream } from "@oanix/oanix";
 * const s: LogStream = "events";
 * ```
 */
export type LogStream = "stdout" | "stderr" | "events";

/**
 * What a `LogsFs.subscribe` callback receives: bytes for `stdout`/`stderr`
 * (a copy, exactly as written), an event for `events`.
 *
 * @example
 * ```ts
 * import type { LogRecord } from "@oanix/oanix";
 * const show = (r: LogRecord) =>
 *   r.stream === "events" ? r.event.message : new TextDecoder().decode(r.data);
 * ```
 */
export type LogRecord =
  | { stream: "stdout" | "stderr"; data: Uint8Array }
  | { stream: "events"; event: LogEvent };

/**
 * How much each stream has dropped since it was made (or cleared).
 *
 * @example
 * ```ts
 * import { LogsFs } from "@oanix/oanix";
 * console.log(new LogsFs().dropped()); // { stdout: 0, stderr: 0, events: 0, eventBytes: 0 }
 * ```
 */
export interface LogDropCounts {
  /** Bytes dropped from stdout.log. */
  stdout: number;
  /** Bytes dropped from stderr.log. */
  stderr: number;
  /** Events dropped from events.jsonl. */
  events: number;
  /** Bytes of the events dropped from events.jsonl. */
  eventBytes: number;
}

/**
 * What stdout.log or stderr.log holds, as plain data.
 *
 * @example
 * ```ts
 * import type { LogBytesState } from "./log_streams.ts";
 * const empty: LogBytesState = { bytes: new Uint8Array(), mtimeNs: 0n, droppedBytes: 0, pendingDropBytes: 0 };
 * ```
 */
export interface LogBytesState {
  /** The bytes held (the newest, up to the cap). */
  bytes: Uint8Array;
  /** When the stream last changed, in nanoseconds. */
  mtimeNs: bigint;
  /** Bytes dropped so far to stay under the cap. */
  droppedBytes: number;
  /** Of those, the ones no `warn` event has reported yet. */
  pendingDropBytes: number;
}

/**
 * What events.jsonl holds, as plain data.
 *
 * @example
 * ```ts
 * import type { LogEventsState } from "./log_streams.ts";
 * const none: LogEventsState = { events: [], mtimeNs: 0n, droppedEvents: 0, droppedBytes: 0, lastDropAt: 0 };
 * ```
 */
export interface LogEventsState {
  /** The events held, oldest first (without the drop report, which is derived). */
  events: LogEvent[];
  /** When the stream last changed, in nanoseconds. */
  mtimeNs: bigint;
  /** Events dropped so far to stay under the cap. */
  droppedEvents: number;
  /** Their bytes. */
  droppedBytes: number;
  /** When the last was dropped (milliseconds since the epoch; 0 for never). */
  lastDropAt: number;
}

/**
 * The three streams as plain data.
 *
 * @example
 * ```ts
 * import type { LogStreamsState } from "./log_streams.ts";
 * const cap = (s: LogStreamsState) => s.stdout.bytes.length;
 * ```
 */
export interface LogStreamsState {
  /** stdout.log. */
  stdout: LogBytesState;
  /** stderr.log. */
  stderr: LogBytesState;
  /** events.jsonl. */
  events: LogEventsState;
}

const encoder = new TextEncoder();

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Bounded stdout, stderr and events. Bytes dropped from stdout or stderr
 * are reported by one `warn` event per stream, added lazily: before the
 * next event, or when the events are read. Events dropped from the events
 * stream are counted by a `warn` event shown first whenever they are read.
 */
export class LogStreams {
  /** The cap of each stream, in bytes. */
  readonly cap: number;
  #stdout: BoundedBytes;
  #stderr: BoundedBytes;
  #events: BoundedEvents;
  #subscribers = new Set<(record: LogRecord) => void>();
  /** When each stream last changed, in nanoseconds. */
  mtimeNs: Record<LogStream, bigint>;

  /**
   * Makes three empty streams.
   *
   * @param cap the bytes each may hold
   */
  constructor(cap: number) {
    this.cap = cap;
    this.#stdout = new BoundedBytes(cap);
    this.#stderr = new BoundedBytes(cap);
    this.#events = new BoundedEvents(cap);
    const t = nowNs();
    this.mtimeNs = { stdout: t, stderr: t, events: t };
  }

  /** An independent copy (no subscribers), sharing what it can. */
  fork(): LogStreams {
    const out = new LogStreams(this.cap);
    out.#stdout = this.#stdout.fork();
    out.#stderr = this.#stderr.fork();
    out.#events = this.#events.fork();
    out.mtimeNs = { ...this.mtimeNs };
    return out;
  }

  /** Everything held, as plain data (drop reports not yet made stay pending). */
  exportState(): LogStreamsState {
    const bytes = (log: BoundedBytes, stream: "stdout" | "stderr"): LogBytesState => ({
      bytes: log.snapshot(),
      mtimeNs: this.mtimeNs[stream],
      droppedBytes: log.droppedTotal,
      pendingDropBytes: log.pendingDrop,
    });
    const ev = this.#events;
    return {
      stdout: bytes(this.#stdout, "stdout"),
      stderr: bytes(this.#stderr, "stderr"),
      events: {
        events: ev.events(),
        mtimeNs: this.mtimeNs.events,
        droppedEvents: ev.droppedEvents,
        droppedBytes: ev.droppedBytes,
        lastDropAt: ev.lastDropAt,
      },
    };
  }

  /** Streams under `cap` holding `state` (checked by the caller). */
  static fromState(cap: number, state: LogStreamsState): LogStreams {
    const out = new LogStreams(cap);
    for (const [log, s] of [[out.#stdout, state.stdout], [out.#stderr, state.stderr]] as const) {
      log.append(s.bytes);
      log.setDropped(s.droppedBytes, s.pendingDropBytes);
    }
    const ev = out.#events;
    for (const e of state.events.events) ev.append(e);
    ev.droppedEvents = state.events.droppedEvents;
    ev.droppedBytes = state.events.droppedBytes;
    ev.lastDropAt = state.events.lastDropAt;
    out.mtimeNs = {
      stdout: state.stdout.mtimeNs,
      stderr: state.stderr.mtimeNs,
      events: state.events.mtimeNs,
    };
    return out;
  }

  /** Appends bytes to stdout or stderr (copied). */
  appendBytes(stream: "stdout" | "stderr", bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    (stream === "stdout" ? this.#stdout : this.#stderr).append(bytes);
    this.mtimeNs[stream] = nowNs();
    if (this.#subscribers.size > 0) this.#notify({ stream, data: bytes.slice() });
  }

  /** Appends an event, after any pending drop reports. */
  appendEvent(event: LogEvent): void {
    this.#settle();
    this.#push(event);
  }

  #push(event: LogEvent): void {
    this.#events.append(event);
    this.mtimeNs.events = nowNs();
    if (this.#subscribers.size > 0) this.#notify({ stream: "events", event });
  }

  /** Reports bytes dropped from stdout/stderr as events, one per stream. */
  #settle(): void {
    for (const [stream, log] of [["stdout", this.#stdout], ["stderr", this.#stderr]] as const) {
      const n = log.takeDropped();
      if (n === 0) continue;
      this.#push(
        LogEvent.withData(
          "warn",
          `${stream}.log: dropped ${n} oldest bytes to stay under the cap of ${this.cap} bytes`,
          { stream, dropped_bytes: n, total_dropped_bytes: log.droppedTotal, cap_bytes: this.cap },
        ),
      );
    }
  }

  #dropHeader(): LogEvent | undefined {
    const ev = this.#events;
    if (ev.droppedEvents === 0) return undefined;
    return new LogEvent(
      "warn",
      `events.jsonl: ${ev.droppedEvents} older events (${ev.droppedBytes} bytes) were dropped to stay under the cap of ${this.cap} bytes`,
      {
        stream: "events",
        dropped_events: ev.droppedEvents,
        dropped_bytes: ev.droppedBytes,
        cap_bytes: this.cap,
      },
      ev.lastDropAt,
    );
  }

  /** The events held, led by the drop count when events were dropped. */
  events(): LogEvent[] {
    this.#settle();
    const header = this.#dropHeader();
    const held = this.#events.events();
    return header ? [header, ...held] : held;
  }

  /** A copy of a stream's bytes, as its file serves them. */
  content(stream: LogStream): Uint8Array {
    if (stream === "stdout") return this.#stdout.snapshot();
    if (stream === "stderr") return this.#stderr.snapshot();
    this.#settle();
    const header = this.#dropHeader();
    return encoder.encode((header ? header.toLine() + "\n" : "") + this.#events.text());
  }

  /** The size of a stream's file. */
  size(stream: LogStream): number {
    if (stream === "stdout") return this.#stdout.size;
    if (stream === "stderr") return this.#stderr.size;
    this.#settle();
    const header = this.#dropHeader();
    return this.#events.bytes + (header ? encoder.encode(header.toLine()).length + 1 : 0);
  }

  /** Drop counts since creation or `clear`. */
  dropped(): LogDropCounts {
    return {
      stdout: this.#stdout.droppedTotal,
      stderr: this.#stderr.droppedTotal,
      events: this.#events.droppedEvents,
      eventBytes: this.#events.droppedBytes,
    };
  }

  /** Empties every stream and resets the counts. */
  clear(): void {
    this.#stdout.clear();
    this.#stderr.clear();
    this.#events.clear();
    const t = nowNs();
    this.mtimeNs = { stdout: t, stderr: t, events: t };
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(callback: (record: LogRecord) => void): () => void {
    const cb = (r: LogRecord) => callback(r);
    this.#subscribers.add(cb);
    return () => {
      this.#subscribers.delete(cb);
    };
  }

  /** Calls every subscriber; one that throws is removed and an error event says why. */
  #notify(record: LogRecord): void {
    const failures: unknown[] = [];
    for (const cb of [...this.#subscribers]) {
      if (!this.#subscribers.has(cb)) continue;
      try {
        cb(record);
      } catch (e) {
        this.#subscribers.delete(cb);
        failures.push(e);
      }
    }
    for (const e of failures) {
      this.#push(new LogEvent("error", `a log subscriber threw and was removed: ${errorText(e)}`));
    }
  }
}
