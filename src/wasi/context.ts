/**
 * The state of one guest run: its namespace, fds, memory, arguments,
 * environment, stdio and stop signal. The import functions close over it.
 *
 * @module
 */

import { normalizePath } from "../fs/path.ts";
import type { FileService } from "../fs/types.ts";
import { ERRNO, STDIO_RIGHTS } from "./constants.ts";
import { errnoOf } from "./errno.ts";
import { WasiAbortError, WasiExit } from "./errors.ts";
import { FdTable, releaseFd } from "./fd_table.ts";
import { InodeTable } from "./inodes.ts";
import { GuestMemory } from "./memory.ts";
import { addPreopens, type WasiPreopen } from "./preopens.ts";
import { RunStop } from "./stop.ts";
import { openLogFile, OutputSink, StdinReader, type StdinSource } from "./stdio.ts";

/**
 * How a guest runs: what it is given and what limits it.
 *
 * @example
 * ```ts
 * import type { WasiRunOptions } from "@oanix/oanix";
 * const opts: WasiRunOptions = {
 *   args: ["prog", "--verbose"],
 *   env: { HOME: "/workspace" },
 *   stdin: "input\n",
 *   timeoutMs: 5_000,
 * };
 * ```
 */
export interface WasiRunOptions {
  /** argv, program name first. Default `["main.wasm"]`. */
  args?: string[];
  /** The environment, as a record or as `KEY=VALUE` strings. Default empty. */
  env?: Record<string, string> | string[];
  /** stdin: bytes, text, an open file, or `{ path }` in the namespace. Default empty. */
  stdin?: StdinSource;
  /**
   * The guest's working directory. WASI has no host-side cwd: wasi-libc
   * programs start in `/` and resolve relative paths against it. This sets
   * `PWD` (unless `env` has it), so a program may `chdir(getenv("PWD"))`.
   */
  cwd?: string;
  /**
   * Directories to preopen, in order, from fd 3 on: a namespace path (seen
   * under the same name), `{ path, name }` (the guest sees `path` as
   * `name`, like wasmtime's `--dir HOST::GUEST`), or `"PATH::NAME"`.
   * Default `["/"]`: the namespace root as "/". `[]` preopens nothing.
   */
  preopens?: Array<string | WasiPreopen>;
  /**
   * Stops the guest (exit code 130). A run with a signal yields an
   * event-loop turn every 25 ms of busy running (see `slicing`), so an
   * abort raised by a timer or another task is seen within a slice.
   */
  signal?: AbortSignal;
  /** Stops the guest after this many milliseconds (exit code 124), checked in every host call. */
  timeoutMs?: number;
  /**
   * Yield one event-loop turn every 25 ms of busy running, at a host call.
   * Default: when there is a `signal`. Every import then goes through
   * `WebAssembly.Suspending`, which costs about 0.1–0.2 µs per call.
   */
  slicing?: boolean;
  /** The fd limit (EMFILE beyond it), stdio and preopens included. Default 1024. */
  maxFds?: number;
  /** Keep at most this many bytes of stdout, and of stderr. Default 64 MiB. */
  maxCaptureBytes?: number;
  /** Called with each chunk the guest writes to stdout. */
  onStdout?: (chunk: Uint8Array) => void;
  /** Called with each chunk the guest writes to stderr. */
  onStderr?: (chunk: Uint8Array) => void;
  /** Append stdout/stderr to `/logs/stdout.log` and `/logs/stderr.log` when they exist. Default true. */
  logs?: boolean;
  /** Called when an import meets an unexpected host exception (returned to the guest as EIO). */
  onHostError?: (fn: string, error: unknown) => void;
}

const encoder = new TextEncoder();
/** Bound once: a little cheaper per call than `performance.now()`. */
const perfNow: () => number = performance.now.bind(performance);

function cString(s: string): Uint8Array {
  return encoder.encode(s + "\0");
}

function envStrings(env: WasiRunOptions["env"], cwd: string | undefined): string[] {
  const out = env === undefined
    ? []
    : Array.isArray(env)
    ? env.map(String)
    : Object.entries(env).map(([k, v]) => `${k}=${v}`);
  for (const s of out) {
    if (s.includes("\0")) {
      throw new TypeError(`environment entry contains NUL: ${JSON.stringify(s)}`);
    }
  }
  if (cwd !== undefined && !out.some((s) => s.startsWith("PWD="))) out.push(`PWD=${cwd}`);
  return out;
}

/**
 * One guest's state. Build one per run; `close()` releases every fd.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const ctx = new WasiContext(ns, { args: ["prog"] });
 * console.log(ctx.fds.count); // 4: stdin, stdout, stderr and the preopen "/"
 * ctx.close();
 * ```
 */
export class WasiContext {
  /** The namespace the guest sees. */
  readonly root: FileService;
  /** The fd table. */
  readonly fds: FdTable;
  /** Device and inode numbers. */
  readonly inodes: InodeTable;
  /** argv, each NUL-terminated. */
  readonly args: Uint8Array[];
  /** The environment, each `KEY=VALUE` NUL-terminated. */
  readonly env: Uint8Array[];
  /** Captured stdout. */
  readonly stdout: OutputSink;
  /** Captured stderr. */
  readonly stderr: OutputSink;
  /** What stops the run: its signal, its deadline and its time slices. */
  readonly stops: RunStop;
  /** Called for unexpected host exceptions. */
  readonly onHostError: ((fn: string, error: unknown) => void) | undefined;
  /** The monotonic clock's origin, in `performance.now()` milliseconds. */
  readonly startedAt: number = performance.now();
  #mem: GuestMemory | undefined;
  #cleanup: Array<() => void> = [];

  /**
   * Builds the state of one run: stdio, preopens, limits and the stop signal.
   * @param root the namespace
   * @param opts the run's options
   */
  constructor(root: FileService, opts: WasiRunOptions = {}) {
    if (root === null || typeof root !== "object" || typeof root.open !== "function") {
      throw new TypeError("WasiContext: expected a Namespace or FileService");
    }
    this.root = root;
    this.inodes = new InodeTable(root);
    const args = opts.args ?? ["main.wasm"];
    if (!Array.isArray(args)) throw new TypeError("args must be an array of strings");
    for (const a of args) {
      if (String(a).includes("\0")) {
        throw new TypeError(`argument contains NUL: ${JSON.stringify(a)}`);
      }
    }
    this.args = args.map((a) => cString(String(a)));
    const cwd = opts.cwd === undefined ? undefined : normalizePath(opts.cwd);
    this.env = envStrings(opts.env, cwd).map(cString);
    this.onHostError = opts.onHostError;

    this.fds = new FdTable(opts.maxFds ?? 1024);
    this.stops = new RunStop({
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      slicing: opts.slicing,
    });
    const logs = opts.logs !== false;
    try {
      this.stdout = new OutputSink({
        limit: opts.maxCaptureBytes,
        onData: opts.onStdout,
        log: logs ? openLogFile(root, "/logs/stdout.log") : undefined,
      });
      this.stderr = new OutputSink({
        limit: opts.maxCaptureBytes,
        onData: opts.onStderr,
        log: logs ? openLogFile(root, "/logs/stderr.log") : undefined,
      });
      const stdin = new StdinReader(opts.stdin, root);
      this.#cleanup.push(() => stdin.close());
      const pipe = { rights: STDIO_RIGHTS, inheriting: 0, fdflags: 0 };
      this.fds.add({ kind: "stdin", reader: stdin, ...pipe });
      this.fds.add({ kind: "output", sink: this.stdout, name: "stdout", ...pipe });
      this.fds.add({ kind: "output", sink: this.stderr, name: "stderr", ...pipe });
      addPreopens(this.fds, root, opts.preopens);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Gives the context the guest's memory, once instantiated. */
  attach(memory: WebAssembly.Memory): void {
    this.#mem = new GuestMemory(memory);
  }

  /** The guest's memory. */
  get mem(): GuestMemory {
    if (this.#mem === undefined) throw new Error("WasiContext: no memory attached yet");
    return this.#mem;
  }

  /** Set when the guest must stop; every import throws it. */
  get stopped(): WasiAbortError | undefined {
    return this.stops.stopped;
  }

  /** Aborted when the guest is stopped: hand it to waits. */
  get signal(): AbortSignal {
    return this.stops.signal;
  }

  /** Rejects when the guest must stop: race a suspension against it. */
  get whenStopped(): Promise<never> {
    return this.stops.whenStopped;
  }

  /** The monotonic clock: nanoseconds since the run started (plus one, so never 0). */
  monotonicNs(): bigint {
    return BigInt(this.monotonicNsNumber());
  }

  /** {@linkcode WasiContext.monotonicNs} as a number (exact for 104 days). */
  monotonicNsNumber(): number {
    return this.monotonicNsAt(perfNow());
  }

  /** The monotonic clock at `performance.now()` reading `now`, in nanoseconds. */
  monotonicNsAt(now: number): number {
    return Math.round((now - this.startedAt) * 1e6) + 1;
  }

  /**
   * The errno for an exception thrown by import `fn`. The exit and stop
   * unwinds are thrown on; everything else becomes an errno.
   */
  errno(fn: string, e: unknown): number {
    if (e instanceof WasiExit || e instanceof WasiAbortError) throw e;
    const n = errnoOf(e);
    if (n === ERRNO.IO && this.onHostError !== undefined) {
      try {
        this.onHostError(fn, e);
      } catch { /* the hook's own failure is not the guest's */ }
    }
    return n;
  }

  /** Closes every fd and the log files, and stops the timeout timer. */
  close(): void {
    for (const [n] of this.fds.entries()) releaseFd(this.fds.take(n));
    for (const f of this.#cleanup.splice(0)) f();
    this.stops.close();
    // Absent when the constructor failed before making them.
    this.stdout?.close();
    this.stderr?.close();
  }
}
