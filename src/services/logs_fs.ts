/**
 * LogsFs: an agent's output and structured events as files.
 *
 * @module
 */

import { ByteBuffer } from "../fs/byte_buffer.ts";
import { FsError } from "../fs/errors.ts";
import { resolveOpenFlags } from "../fs/open_flags.ts";
import { normalizePath } from "../fs/path.ts";
import { nowNs, nsToMs } from "../fs/time.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../fs/types.ts";
import { AppendOnlyHandle } from "./append_only_handle.ts";
import { EventLineReader } from "./event_line_reader.ts";
import { flatListing, flatName, flatReaddirCheck, flatRootStat } from "./flat_dir.ts";
import { describeValue, type JsonValue } from "./json_value.ts";
import { LogEvent, type LogLevel } from "./log_event.ts";
import {
  type LogBytesState,
  type LogDropCounts,
  type LogEventsState,
  type LogRecord,
  type LogStream,
  LogStreams,
} from "./log_streams.ts";

/**
 * Options for a {@linkcode LogsFs}.
 *
 * @example
 * ```ts
 * import { LogsFs, type LogsFsOptions } from "@oanix/oanix";
 * const opts: LogsFsOptions = { maxBytesPerStream: 64 * 1024 };
 * const logs = new LogsFs(opts);
 * ```
 */
export interface LogsFsOptions {
  /**
   * How many bytes each stream keeps (events count as their JSON lines).
   * Beyond it the oldest are dropped. Default 1 MiB.
   */
  maxBytesPerStream?: number;
}

/**
 * Everything a {@linkcode LogsFs} holds, as plain data: what
 * {@linkcode LogsFs.exportState} gives and {@linkcode LogsFs.fromState}
 * takes. Subscribers are not part of it.
 *
 * @example
 * ```ts
 * import { LogsFs } from "@oanix/oanix";
 * const logs = new LogsFs();
 * logs.writeStdout("hi\n");
 * console.log(logs.exportState().stdout.bytes.length); // 3
 * ```
 */
export interface LogsFsState {
  /** The cap of each stream. */
  maxBytesPerStream: number;
  /** When the LogsFs was made, in nanoseconds. */
  createdAtNs: bigint;
  /** stdout.log. */
  stdout: LogBytesState;
  /** stderr.log. */
  stderr: LogBytesState;
  /** events.jsonl. */
  events: LogEventsState;
}

/** The default cap of each stream: 1 MiB. */
const DEFAULT_CAP = 1024 * 1024;

const FILES: Record<string, LogStream> = {
  "stdout.log": "stdout",
  "stderr.log": "stderr",
  "events.jsonl": "events",
};
const INO: Record<LogStream, number> = { stdout: 2, stderr: 3, events: 4 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Logs as files, mounted by convention at `/logs`:
 *
 * - `/stdout.log` and `/stderr.log` are append-only: a write lands at the
 *   end whatever the position, `O_TRUNC` is ignored (so `echo hi > f`
 *   appends), and `truncate` is EPERM.
 * - `/events.jsonl` holds one JSON event per line: `timestamp`
 *   (milliseconds since the epoch), `level` (`debug|info|warn|error`),
 *   `message` and optional `data`. An agent appends events by writing lines
 *   (a line is taken at its newline, or at close for the last one). A line
 *   that is not a valid event is recorded as an `error` event whose
 *   `data.raw` is the text. Blank lines are skipped.
 * - A handle opened for reading sees the file as it was when opened (plus
 *   its own writes).
 *
 * Memory is bounded: each stream keeps its newest `maxBytesPerStream`
 * bytes. When stdout or stderr drop bytes, a `warn` event says how many
 * (reported before the next event is added or the events are read, so a
 * flood of output yields one event, not one per write). When events are
 * dropped, `events.jsonl` (and {@linkcode LogsFs.events}) begins with a
 * `warn` event that counts them.
 *
 * @example
 * ```ts
 * import { LogEvent, LogsFs, readText, writeText } from "@oanix/oanix";
 * const logs = new LogsFs();
 * const stop = logs.subscribe((r) => {
 *   if (r.stream === "events") console.log(r.event.level, r.event.message);
 * });
 * logs.writeStdout("Output text\n");
 * logs.info("Task started");
 * logs.logEvent(LogEvent.withData("debug", "Config loaded", { timeout: 300 }));
 * writeText(logs, "/events.jsonl", '{"level":"warn","message":"from the agent"}\n');
 * console.log(readText(logs, "/stdout.log")); // "Output text\n"
 * console.log(logs.events().length); // 3
 * stop();
 * ```
 */
export class LogsFs implements FileService {
  readonly kind: string = "logs";
  #streams: LogStreams;
  #createdNs = nowNs();

  /**
   * Makes empty logs.
   *
   * @param options the cap per stream
   * @throws {TypeError} when `maxBytesPerStream` is not a positive integer.
   */
  constructor(options: LogsFsOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`LogsFs: options must be an object, got ${describeValue(options)}`);
    }
    const cap = options.maxBytesPerStream ?? DEFAULT_CAP;
    if (!Number.isSafeInteger(cap) || cap < 1) {
      throw new TypeError(
        `LogsFs: maxBytesPerStream must be a positive integer, got ${
          typeof cap === "number" ? cap : describeValue(cap)
        }`,
      );
    }
    this.#streams = new LogStreams(cap);
  }

  /**
   * Everything the logs hold, as plain data (copies of the bytes; drops
   * not yet reported stay pending, so the copy reports them as this would).
   *
   * @example
   * ```ts
   * import { LogsFs } from "@oanix/oanix";
   * const logs = new LogsFs();
   * logs.info("started");
   * console.log(logs.exportState().events.events[0].message); // "started"
   * ```
   */
  exportState(): LogsFsState {
    return {
      maxBytesPerStream: this.#streams.cap,
      createdAtNs: this.#createdNs,
      ...this.#streams.exportState(),
    };
  }

  /**
   * A LogsFs holding `state` (as {@linkcode LogsFs.exportState} gives it),
   * every field checked.
   *
   * @throws {TypeError} naming the first bad field (a stream holding more
   * than the cap, a count that is not an integer ≥ 0, ...).
   *
   * @example
   * ```ts
   * import { LogsFs } from "@oanix/oanix";
   * const logs = new LogsFs();
   * logs.writeStderr("oops\n");
   * console.log(LogsFs.fromState(logs.exportState()).stderr()); // "oops\n"
   * ```
   */
  static fromState(state: LogsFsState): LogsFs {
    if (state === null || typeof state !== "object") {
      throw new TypeError("LogsFs.fromState: state must be an object");
    }
    const logs = new LogsFs({ maxBytesPerStream: state.maxBytesPerStream });
    const cap = logs.maxBytesPerStream;
    checkNs(state.createdAtNs, "createdAtNs");
    for (const stream of ["stdout", "stderr"] as const) {
      const s = state[stream];
      if (s === null || typeof s !== "object" || !(s.bytes instanceof Uint8Array)) {
        throw new TypeError(`LogsFs.fromState: ${stream}.bytes must be a Uint8Array`);
      }
      if (s.bytes.length > cap) {
        throw new TypeError(`LogsFs.fromState: ${stream} holds more than the cap of ${cap} bytes`);
      }
      checkNs(s.mtimeNs, `${stream}.mtimeNs`);
      checkCount(s.droppedBytes, `${stream}.droppedBytes`);
      checkCount(s.pendingDropBytes, `${stream}.pendingDropBytes`);
      if (s.pendingDropBytes > s.droppedBytes) {
        throw new TypeError(`LogsFs.fromState: ${stream}.pendingDropBytes exceeds droppedBytes`);
      }
    }
    checkEvents(state.events, cap);
    logs.#createdNs = state.createdAtNs;
    logs.#streams = LogStreams.fromState(cap, state);
    return logs;
  }

  /**
   * An independent copy of the logs as they are now, without the
   * subscribers, sharing the stored bytes until either side appends.
   *
   * @example
   * ```ts
   * import { LogsFs } from "@oanix/oanix";
   * const logs = new LogsFs();
   * logs.writeStdout("shared\n");
   * const copy = logs.fork();
   * copy.writeStdout("mine\n");
   * console.log(logs.stdout(), copy.stdout()); // "shared\n" "shared\nmine\n"
   * ```
   */
  fork(): LogsFs {
    const out = new LogsFs({ maxBytesPerStream: this.#streams.cap });
    out.#createdNs = this.#createdNs;
    out.#streams = this.#streams.fork();
    return out;
  }

  /** The cap per stream, in bytes. */
  get maxBytesPerStream(): number {
    return this.#streams.cap;
  }

  /** Appends to stdout.log (strings are UTF-8 encoded). */
  writeStdout(data: Uint8Array | string): void {
    this.#streams.appendBytes("stdout", toBytes(data, "writeStdout"));
  }

  /** Appends to stderr.log (strings are UTF-8 encoded). */
  writeStderr(data: Uint8Array | string): void {
    this.#streams.appendBytes("stderr", toBytes(data, "writeStderr"));
  }

  /** Records a `debug` event. */
  debug(message: string, data?: JsonValue): void {
    this.#log("debug", message, data);
  }

  /** Records an `info` event. */
  info(message: string, data?: JsonValue): void {
    this.#log("info", message, data);
  }

  /** Records a `warn` event. */
  warn(message: string, data?: JsonValue): void {
    this.#log("warn", message, data);
  }

  /** Records an `error` event. */
  error(message: string, data?: JsonValue): void {
    this.#log("error", message, data);
  }

  #log(level: LogLevel, message: string, data?: JsonValue): void {
    this.logEvent(new LogEvent(level, message, data));
  }

  /**
   * Records an event.
   *
   * @throws {TypeError} when `event` is not a {@linkcode LogEvent}.
   */
  logEvent(event: LogEvent): void {
    if (!(event instanceof LogEvent)) {
      throw new TypeError(`LogsFs.logEvent: expected a LogEvent, got ${describeValue(event)}`);
    }
    this.#streams.appendEvent(event);
  }

  /** stdout.log as text. */
  stdout(): string {
    return decoder.decode(this.#streams.content("stdout"));
  }

  /** stderr.log as text. */
  stderr(): string {
    return decoder.decode(this.#streams.content("stderr"));
  }

  /** A copy of the bytes of stdout.log. */
  stdoutBytes(): Uint8Array {
    return this.#streams.content("stdout");
  }

  /** A copy of the bytes of stderr.log. */
  stderrBytes(): Uint8Array {
    return this.#streams.content("stderr");
  }

  /** The events held, oldest first, led by a drop report when events were dropped. */
  events(): LogEvent[] {
    return this.#streams.events();
  }

  /** How much each stream has dropped since it was made or cleared. */
  dropped(): LogDropCounts {
    return this.#streams.dropped();
  }

  /** Empties every stream and resets the drop counts. Subscribers stay. */
  clear(): void {
    this.#streams.clear();
  }

  /**
   * Calls `callback` for every write and event from now on, in order, as
   * they happen. A callback that throws is removed, and an `error` event
   * records why.
   *
   * @returns a function that stops the calls
   * @throws {TypeError} when `callback` is not a function.
   *
   * @example
   * ```ts
   * import { LogsFs } from "@oanix/oanix";
   * const logs = new LogsFs();
   * const seen: string[] = [];
   * const stop = logs.subscribe((r) => seen.push(r.stream));
   * logs.writeStderr("oops\n");
   * stop();
   * logs.info("not seen");
   * console.log(seen); // ["stderr"]
   * ```
   */
  subscribe(callback: (record: LogRecord) => void): () => void {
    if (typeof callback !== "function") {
      throw new TypeError(
        `LogsFs.subscribe: callback must be a function, got ${describeValue(callback)}`,
      );
    }
    return this.#streams.subscribe(callback);
  }

  #fileStat(stream: LogStream): Stat {
    const mtimeNs = this.#streams.mtimeNs[stream];
    return {
      kind: "file",
      size: this.#streams.size(stream),
      mtime: nsToMs(mtimeNs),
      readOnly: false,
      ino: INO[stream],
      mtimeNs,
    };
  }

  #has = (name: string): boolean => Object.hasOwn(FILES, name);

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    if (p === "/") throw new FsError(f.create && f.exclusive ? "EEXIST" : "EISDIR", p);
    if (f.create && p.indexOf("/", 1) === -1 && !this.#has(p.slice(1))) {
      throw new FsError("EROFS", p, "LogsFs has a fixed set of files");
    }
    const stream = FILES[flatName(p, this.#has)];
    if (f.directory) throw new FsError("ENOTDIR", p);
    if (f.create && f.exclusive) throw new FsError("EEXIST", p);
    const buffer = f.read ? new ByteBuffer(this.#streams.content(stream)) : new ByteBuffer();
    let mark = buffer.size;
    const reader = stream === "events" && f.write
      ? new EventLineReader(this.#streams.cap, (event) => this.logEvent(event))
      : undefined;
    return new AppendOnlyHandle({
      path: p,
      buffer,
      readable: f.read,
      writable: f.write,
      stat: () => this.#fileStat(stream),
      onChange: () => {
        const fresh = buffer.view().subarray(mark);
        if (reader) reader.write(fresh);
        else this.#streams.appendBytes(stream as "stdout" | "stderr", fresh);
        if (f.read) {
          mark = buffer.size;
        } else {
          buffer.truncate(0);
          mark = 0;
        }
      },
      onClose: () => reader?.end(),
    });
  }

  readdir(path: string): DirEntry[] {
    flatReaddirCheck(flatName(path, this.#has));
    return flatListing(Object.keys(FILES));
  }

  stat(path: string): Stat {
    const name = flatName(path, this.#has);
    return name === "" ? flatRootStat(this.#createdNs, false) : this.#fileStat(FILES[name]);
  }

  mkdir(path: string): void {
    const p = normalizePath(path);
    if (p.indexOf("/", 1) !== -1) flatName(p, this.#has);
    if (p === "/" || this.#has(p.slice(1))) throw new FsError("EEXIST", p);
    throw new FsError("EROFS", p, "LogsFs has a fixed set of files");
  }

  remove(path: string): void {
    const p = normalizePath(path);
    const name = flatName(p, this.#has);
    if (name === "") throw new FsError("EBUSY", p, "cannot remove the root");
    throw new FsError("EPERM", p, "log files are append-only");
  }

  rename(from: string, to: string): void {
    const p = normalizePath(from);
    flatName(p, this.#has);
    normalizePath(to);
    throw new FsError("EROFS", p, "LogsFs files have fixed names");
  }

  describe(): Record<string, unknown> {
    return { max_bytes_per_stream: this.#streams.cap };
  }
}

function checkNs(value: unknown, what: string): void {
  if (typeof value !== "bigint" || value < 0n) {
    throw new TypeError(`LogsFs.fromState: ${what} must be bigint nanoseconds ≥ 0`);
  }
}

function checkCount(value: unknown, what: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`LogsFs.fromState: ${what} must be an integer ≥ 0`);
  }
}

/** Checks the events part of a state: events that fit the cap together, counts, times. */
function checkEvents(ev: LogEventsState, cap: number): void {
  if (ev === null || typeof ev !== "object" || !Array.isArray(ev.events)) {
    throw new TypeError("LogsFs.fromState: events.events must be an array of LogEvent");
  }
  let bytes = 0;
  for (const e of ev.events) {
    if (!(e instanceof LogEvent)) {
      throw new TypeError("LogsFs.fromState: events.events must be an array of LogEvent");
    }
    bytes += encoder.encode(e.toLine()).length + 1;
  }
  if (bytes > cap && ev.events.length > 1) {
    throw new TypeError(`LogsFs.fromState: the events take more than the cap of ${cap} bytes`);
  }
  checkNs(ev.mtimeNs, "events.mtimeNs");
  checkCount(ev.droppedEvents, "events.droppedEvents");
  checkCount(ev.droppedBytes, "events.droppedBytes");
  if (typeof ev.lastDropAt !== "number" || !Number.isFinite(ev.lastDropAt) || ev.lastDropAt < 0) {
    throw new TypeError("LogsFs.fromState: events.lastDropAt must be milliseconds ≥ 0");
  }
}

function toBytes(data: Uint8Array | string, fn: string): Uint8Array {
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TypeError(
    `LogsFs.${fn}: data must be a string or Uint8Array, got ${describeValue(data)}`,
  );
}
