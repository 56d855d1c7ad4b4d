/**
 * Running a JS/TS agent module in a Worker of its own (`agent_worker.ts`)
 * with no permissions at all (its modules load under the child's grant to
 * read their files), and serving its namespace calls over a synchronous
 * RPC: the worker posts a request and blocks on a SharedArrayBuffer; this
 * side answers and wakes it. A read of content that has not arrived
 * (EAGAIN) waits here, so the agent simply blocks.
 *
 * @module
 */

import { FsError } from "../../fs/errors.ts";
import { readFile, writeFile } from "../../fs/file_io.ts";
import type { FileHandle, FileService, OpenFlags } from "../../fs/types.ts";
import { type AgentWorkerHandle, createAgentWorker } from "./agent_worker_handle.ts";

const HEADER = 16;
/** The largest answer: reads are cut to fit, anything else larger is EIO. */
const CAPACITY = 2 * 1024 * 1024;
const encoder = new TextEncoder();
/** The worker's entry as source; the sandboxed child runs a bundle of it instead. */
const WORKER_SOURCE = new URL("./agent_worker.ts", import.meta.url);

/**
 * What {@linkcode runAgentInWorker} needs.
 *
 * @example
 * ```ts
 * import type { AgentWorkerOptions } from "@oanix/oanix";
 * const show = (o: AgentWorkerOptions) => o.program;
 * ```
 */
export interface AgentWorkerOptions {
  /** The agent module's absolute path. */
  program: string;
  /**
   * A worker already started for the agent (the sandbox starts one from a
   * bundle of the worker runtime and the agent, granted nothing). Without
   * it, a worker of this package's `agent_worker.ts` (a local file) is
   * started, which imports `program` and is granted reading it.
   */
  worker?: AgentWorkerHandle;
  /** Its arguments. */
  args: string[];
  /** Its environment variables. */
  env: Record<string, string>;
  /** The namespace it sees. */
  namespace: FileService;
  /** Where its console output goes. */
  onOutput: (stream: "stdout" | "stderr", text: string) => void;
  /** A check the worker reports that Deno does not audit (spawning). */
  onDenied?: (permission: string, value: string) => void;
  /** Stops the agent: its worker is terminated and the run rejects. */
  signal?: AbortSignal;
  /**
   * Runs a script with the shell over the agent's namespace: given, the
   * agent's environment has `shell(script, options)`. Output past what one
   * answer carries is cut (`truncated: true`).
   */
  shell?: (script: unknown, options: unknown) => Promise<AgentShellResult>;
}

/**
 * What an agent's `env.shell(script)` returns.
 *
 * @example
 * ```ts
 * import type { AgentShellResult } from "@oanix/oanix";
 * const ok = (r: AgentShellResult) => r.exitCode === 0;
 * ```
 */
export interface AgentShellResult {
  /** The script's exit status (124 out of time, 126 another limit, 127 no such command). */
  exitCode: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** True when the output was cut (a limit, or more than one answer carries). */
  truncated: boolean;
  /** True when the time ran out. */
  timedOut: boolean;
}

/** The most characters of each output stream one shell answer carries. */
const SHELL_TEXT_CAP = 512 * 1024;

/** A shell result cut to fit in one answer. */
function fitted(r: AgentShellResult): AgentShellResult {
  const cut = (t: string) => t.length > SHELL_TEXT_CAP ? t.slice(0, SHELL_TEXT_CAP) : t;
  const stdout = cut(String(r.stdout));
  const stderr = cut(String(r.stderr));
  return {
    exitCode: r.exitCode,
    stdout,
    stderr,
    truncated: r.truncated || stdout.length < r.stdout.length || stderr.length < r.stderr.length,
    timedOut: r.timedOut,
  };
}

interface Open {
  handle: FileHandle;
  nonBlocking: boolean;
}

/**
 * Runs the agent's default export in a locked-down worker; resolves with its
 * exit code (a returned number, else 0) and rejects with its error.
 *
 * @example
 * ```ts ignore
 * import { MemFs, Namespace, runAgentInWorker } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const code = await runAgentInWorker({
 *   program: "/srv/agent.ts", args: [], env: {}, namespace: ns,
 *   onOutput: (_s, t) => console.log(t),
 * });
 * ```
 */
export function runAgentInWorker(options: AgentWorkerOptions): Promise<number> {
  const sab = new SharedArrayBuffer(HEADER + CAPACITY);
  const state = new Int32Array(sab, 0, 4);
  const payload = new Uint8Array(sab, HEADER);
  const handles = new Map<number, Open>();
  let nextId = 1;
  const worker = options.worker ?? createAgentWorker(WORKER_SOURCE, [options.program]);
  const port = worker.port;

  const answer = (status: number, body: Uint8Array, isBytes: boolean) => {
    if (body.length > CAPACITY) {
      return answer(1, json({ code: "EIO", message: "EIO: the answer is too large" }), false);
    }
    payload.set(body);
    Atomics.store(state, 1, status);
    Atomics.store(state, 2, body.length);
    Atomics.store(state, 3, isBytes ? 1 : 0);
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  };
  const open = (id: number): Open => {
    const o = handles.get(id);
    if (o === undefined) throw new FsError("EBADF", undefined, `no open file ${id}`);
    return o;
  };
  /** Reads, waiting (unless non-blocking) while the content has not arrived. */
  const readWaiting = async (o: Open, read: () => number): Promise<number> => {
    for (;;) {
      try {
        return read();
      } catch (e) {
        if (!(e instanceof FsError && e.code === "EAGAIN") || o.nonBlocking) throw e;
        if (o.handle.whenReadable === undefined) throw e;
        await o.handle.whenReadable();
      }
    }
  };

  const serve = async (op: string, a: unknown[]): Promise<void> => {
    const ns = options.namespace;
    switch (op) {
      case "read":
      case "pread": {
        const o = open(a[0] as number);
        const buf = new Uint8Array(Math.min(Math.max(Number(a[1]) || 0, 0), CAPACITY));
        const n = await readWaiting(
          o,
          () => op === "read" ? o.handle.read(buf) : o.handle.pread(buf, a[2] as number),
        );
        return answer(0, buf.subarray(0, n), true);
      }
      case "readAll": {
        // A whole file in one call (the common case), through the service's own fast path when
        // it is there; larger than one answer is EFBIG and the worker falls back to reading
        // through a handle; content that has not arrived yet (EAGAIN) is waited for below.
        try {
          const bytes = readFile(ns, a[0] as string);
          if (bytes.length > CAPACITY) {
            throw new FsError("EFBIG", a[0] as string, "too large for one call");
          }
          return answer(0, bytes, true);
        } catch (e) {
          if (!(e instanceof FsError && e.code === "EAGAIN")) throw e;
        }
        const o: Open = { handle: ns.open(a[0] as string, { read: true }), nonBlocking: false };
        try {
          const parts: Uint8Array[] = [];
          let total = 0;
          for (;;) {
            const buf = new Uint8Array(64 * 1024);
            const n = await readWaiting(o, () => o.handle.read(buf));
            if (n === 0) break;
            total += n;
            if (total > CAPACITY) {
              throw new FsError("EFBIG", a[0] as string, "too large for one call");
            }
            parts.push(buf.subarray(0, n));
          }
          const out = new Uint8Array(total);
          let at = 0;
          for (const p of parts) {
            out.set(p, at);
            at += p.length;
          }
          return answer(0, out, true);
        } finally {
          o.handle.close();
        }
      }
      case "writeAll":
        writeFile(ns, a[0] as string, a[1] as Uint8Array);
        return answer(0, json(null), false);
      case "open": {
        const flags = a[1] as OpenFlags | undefined;
        const handle = ns.open(a[0] as string, flags);
        handles.set(nextId, { handle, nonBlocking: flags?.nonBlocking === true });
        return answer(0, json(nextId++), false);
      }
      case "write":
        return answer(0, json(open(a[0] as number).handle.write(a[1] as Uint8Array)), false);
      case "pwrite": {
        const n = open(a[0] as number).handle.pwrite(a[1] as Uint8Array, a[2] as number);
        return answer(0, json(n), false);
      }
      case "seek": {
        const h = open(a[0] as number).handle;
        return answer(0, json(h.seek(a[1] as number, a[2] as "start")), false);
      }
      case "position":
        return answer(0, json(open(a[0] as number).handle.position()), false);
      case "flush":
        open(a[0] as number).handle.flush();
        return answer(0, json(null), false);
      case "close": {
        const o = open(a[0] as number);
        handles.delete(a[0] as number);
        o.handle.close();
        return answer(0, json(null), false);
      }
      case "hstat":
        return answer(0, json(open(a[0] as number).handle.stat()), false);
      case "truncate":
        open(a[0] as number).handle.truncate(a[1] as number);
        return answer(0, json(null), false);
      case "readdir":
      case "stat":
      case "lstat":
      case "readlink": {
        const fn = (op === "lstat" ? (ns.lstat ?? ns.stat) : ns[op]) as
          | ((path: string) => unknown)
          | undefined;
        if (typeof fn !== "function") throw new FsError("ENOTSUP", a[0] as string);
        return answer(0, json(fn.call(ns, a[0] as string)), false);
      }
      case "mkdir":
      case "remove":
        ns[op](a[0] as string);
        return answer(0, json(null), false);
      case "rename":
        ns.rename(a[0] as string, a[1] as string);
        return answer(0, json(null), false);
      case "symlink":
        if (ns.symlink === undefined) throw new FsError("ENOTSUP", a[1] as string);
        ns.symlink(a[0] as string, a[1] as string);
        return answer(0, json(null), false);
      case "log":
        options.onOutput(a[0] === "stderr" ? "stderr" : "stdout", String(a[1]));
        return answer(0, json(null), false);
      case "denied":
        options.onDenied?.(String(a[0]), String(a[1]));
        return answer(0, json(null), false);
      case "shell":
        if (options.shell === undefined) {
          throw new FsError("ENOSYS", undefined, "this agent has no shell (program.with_shell)");
        }
        try {
          return answer(0, json(fitted(await options.shell(a[0], a[1]))), false);
        } catch (e) {
          if (e instanceof TypeError) throw new FsError("EINVAL", undefined, e.message);
          throw e;
        }
      default:
        throw new FsError("ENOSYS", undefined, `unknown operation ${op}`);
    }
  };

  return new Promise<number>((resolve, reject) => {
    const finish = () => {
      options.signal?.removeEventListener("abort", onAbort);
      worker.terminate();
      port.close();
      for (const { handle } of handles.values()) {
        try {
          handle.close();
        } catch { /* already closed */ }
      }
      handles.clear();
    };
    const onAbort = () => {
      finish();
      reject(new AgentError("Error", "the agent was stopped"));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    port.onmessage = (e: MessageEvent) => {
      // The agent shares its worker's realm and may post anything: only the shapes below count.
      const msg = (e.data !== null && typeof e.data === "object" ? e.data : {}) as {
        op?: string;
        args?: unknown;
        done?: number;
        failed?: { name?: unknown; message?: unknown; stack?: unknown } | null;
      };
      if (typeof msg.op === "string") {
        serve(msg.op, Array.isArray(msg.args) ? msg.args : []).catch((err) => {
          const body = err instanceof FsError
            ? { code: err.code, message: err.message, path: err.path }
            : { code: "EIO", message: `EIO: ${err instanceof Error ? err.message : err}` };
          answer(1, json(body), false);
        });
      } else if (typeof msg.done === "number") {
        finish();
        resolve(msg.done);
      } else if ("failed" in msg) {
        finish();
        const f = msg.failed !== null && typeof msg.failed === "object" ? msg.failed : undefined;
        reject(
          f === undefined
            ? new AgentError("Error", "the agent ended without a result")
            : new AgentError(String(f.name), String(f.message), stringOrUndefined(f.stack)),
        );
      }
    };
    port.postMessage({
      sab,
      program: options.program,
      args: options.args,
      env: options.env,
      shell: options.shell !== undefined,
    });
  });
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * An agent module threw (or its worker failed): the agent's error, its
 * name and message, and its stack with the agent's own files and lines.
 *
 * @example
 * ```ts
 * import { AgentError } from "@oanix/oanix";
 * const e = new AgentError("TypeError", "x is undefined", "TypeError: x is undefined\n    at file:///a.ts:3:1");
 * console.log(e.message, e.location); // "TypeError: x is undefined" "/a.ts:3:1"
 * ```
 */
export class AgentError extends Error {
  /** The agent's stack trace, as it gave it. */
  readonly agentStack: string | undefined;

  /**
   * Makes the error.
   *
   * @param name the agent error's name (`TypeError`, ...)
   * @param message its message
   * @param stack its stack trace
   */
  constructor(name: string, message: string, stack?: string) {
    super(`${name}: ${message}`);
    this.name = "AgentError";
    this.agentStack = stack;
  }

  /** Where the error was thrown: the first `file:line:column` of the stack, without `file://`. */
  get location(): string | undefined {
    const m = /\(?((?:file|https?):\/\/[^\s()]+:\d+:\d+)\)?/.exec(this.agentStack ?? "");
    return m ? m[1].replace(/^file:\/\//, "") : undefined;
  }
}

function json(value: unknown): Uint8Array {
  const text = JSON.stringify(value, (_k, v) => typeof v === "bigint" ? v.toString() : v);
  return encoder.encode(text ?? "");
}
