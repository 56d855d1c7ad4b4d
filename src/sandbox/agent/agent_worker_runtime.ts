/**
 * The worker a JS/TS agent module runs in, inside the sandboxed child. It
 * holds no permissions (its entry and the agent's bundle load under the
 * child's grant to read them), so the agent cannot reach the network, the
 * disk or the child's realm (where the executors, the Nostr key and the
 * runner protocol live). The namespace is reached through a synchronous
 * RPC: the worker posts a request and waits on a SharedArrayBuffer until
 * the child answers (`agent_host.ts`).
 *
 * In the sandbox the worker's entry is one bundle of this runtime and the
 * agent (see `runner/runtime_bundles.ts`), so nothing is loaded at run
 * time; in process, `agent_worker.ts` is the entry and imports the agent
 * by path. Not part of the public API.
 *
 * @module
 */

/// <reference lib="deno.worker" />

interface Start {
  sab: SharedArrayBuffer;
  program: string;
  args: string[];
  env: Record<string, string>;
  /** The environment serves `shell` calls. */
  shell?: boolean;
}

/** Loads the agent module: bundled in (the sandbox), or by path (in process). */
export type AgentLoader = (program: string) => Promise<{ default?: unknown }>;

const HEADER = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let state: Int32Array;
/** Where requests and the end of the run go: the port the serving side listens on. */
let port: MessagePort;
let payload: Uint8Array;

/** A file operation the namespace refused; `code` is the FsError code. */
class AgentFsError extends Error {
  readonly code: string;
  readonly path: string | undefined;
  constructor(code: string, message: string, path?: string) {
    super(message);
    this.name = "FsError";
    this.code = code;
    this.path = path;
  }
}

/** Sends one request and blocks until the answer; bytes for reads, JSON otherwise. */
function call(op: string, ...args: unknown[]): unknown {
  Atomics.store(state, 0, 0);
  port.postMessage({ op, args });
  Atomics.wait(state, 0, 0);
  const status = Atomics.load(state, 1);
  const length = Atomics.load(state, 2);
  const isBytes = Atomics.load(state, 3) === 1;
  const body = payload.slice(0, length);
  if (status !== 0) {
    const e = JSON.parse(decoder.decode(body));
    throw new AgentFsError(e.code, e.message, e.path);
  }
  if (isBytes) return body;
  return length === 0 ? undefined : JSON.parse(decoder.decode(body), reviveBigInt);
}

function reviveBigInt(key: string, value: unknown): unknown {
  return (key === "mtimeNs" || key === "atimeNs") && typeof value === "string"
    ? BigInt(value)
    : value;
}

type Flags = Record<string, boolean | undefined>;
type Stat = Record<string, unknown>;

/** A file handle whose every call goes to the child. */
class RemoteHandle {
  readonly path: string;
  #id: number;
  constructor(id: number, path: string) {
    this.#id = id;
    this.path = path;
  }
  read(buf: Uint8Array): number {
    const got = this.readChunk(buf.length);
    buf.set(got);
    return got.length;
  }
  /** Reads up to `max` bytes at the position (empty at the end). */
  readChunk(max: number): Uint8Array {
    return call("read", this.#id, max) as Uint8Array;
  }
  pread(buf: Uint8Array, offset: number): number {
    const got = call("pread", this.#id, buf.length, offset) as Uint8Array;
    buf.set(got);
    return got.length;
  }
  write(data: Uint8Array): number {
    return call("write", this.#id, data) as number;
  }
  pwrite(data: Uint8Array, offset: number): number {
    return call("pwrite", this.#id, data, offset) as number;
  }
  seek(offset: number, whence: string = "start"): number {
    return call("seek", this.#id, offset, whence) as number;
  }
  position(): number {
    return call("position", this.#id) as number;
  }
  flush(): void {
    call("flush", this.#id);
  }
  close(): void {
    call("close", this.#id);
  }
  stat(): Stat {
    return call("hstat", this.#id) as Stat;
  }
  truncate(size: number): void {
    call("truncate", this.#id, size);
  }
}

/** The namespace as the agent sees it: a FileService over the RPC. */
const namespace = {
  kind: "namespace",
  open: (path: string, flags?: Flags) =>
    new RemoteHandle(call("open", path, flags) as number, path),
  readdir: (path: string) => call("readdir", path),
  stat: (path: string) => call("stat", path),
  lstat: (path: string) => call("lstat", path),
  mkdir: (path: string) => void call("mkdir", path),
  remove: (path: string) => void call("remove", path),
  rename: (from: string, to: string) => void call("rename", from, to),
  symlink: (target: string, path: string) => void call("symlink", target, path),
  readlink: (path: string) => call("readlink", path),
};

function readFile(path: string): Uint8Array {
  try {
    return call("readAll", path) as Uint8Array;
  } catch (e) {
    if (!(e instanceof AgentFsError && e.code === "EFBIG")) throw e;
  }
  return readThroughHandle(path);
}

/** Reads a file too large for one answer, a chunk per call. */
function readThroughHandle(path: string): Uint8Array {
  const h = namespace.open(path, { read: true });
  try {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = h.readChunk(1 << 20);
      if (chunk.length === 0) break;
      parts.push(chunk);
      total += chunk.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  } finally {
    h.close();
  }
}

function writeFile(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  if (bytes.length <= 1 << 20) {
    call("writeAll", path, bytes);
    return;
  }
  const h = namespace.open(path, { write: true, create: true, truncate: true });
  try {
    for (let at = 0; at < bytes.length; at += 1 << 20) h.write(bytes.subarray(at, at + (1 << 20)));
  } finally {
    h.close();
  }
}

function captureConsole(): void {
  const write = (stream: "stdout" | "stderr") => (...args: unknown[]) => {
    const text = args.map((a) => typeof a === "string" ? a : Deno.inspect(a)).join(" ") + "\n";
    call("log", stream, text);
  };
  console.log = console.info = console.debug = write("stdout");
  console.error = console.warn = write("stderr");
}

/**
 * Deno does not audit spawning; report attempts (they fail: this worker
 * may not run). `Deno.Command` is wrapped when the agent first reaches
 * for it: Deno loads its process module on that first use, which would
 * cost every agent's start some milliseconds and megabytes.
 */
function reportSpawns(): void {
  const given = Object.getOwnPropertyDescriptor(Deno, "Command");
  let command: typeof Deno.Command | undefined;
  Object.defineProperty(Deno, "Command", {
    configurable: true,
    enumerable: given?.enumerable ?? true,
    get: () => command ??= withReports(given?.get ? given.get.call(Deno) : given?.value),
    set: (value: typeof Deno.Command) => command = value,
  });
}

function withReports(Original: typeof Deno.Command): typeof Deno.Command {
  const report = (cmd: string | URL, e: unknown): never => {
    if (e instanceof Deno.errors.NotCapable) call("denied", "run", String(cmd));
    throw e;
  };
  return class extends Original {
    #cmd: string | URL;
    constructor(cmd: string | URL, options?: Deno.CommandOptions) {
      super(cmd, options);
      this.#cmd = cmd;
    }
    override outputSync(): Deno.CommandOutput {
      try {
        return super.outputSync();
      } catch (e) {
        return report(this.#cmd, e);
      }
    }
    override output(): Promise<Deno.CommandOutput> {
      try {
        return super.output().catch((e) => report(this.#cmd, e));
      } catch (e) {
        return report(this.#cmd, e);
      }
    }
    override spawn(): Deno.ChildProcess {
      try {
        return super.spawn();
      } catch (e) {
        return report(this.#cmd, e);
      }
    }
  };
}

/**
 * Makes this worker serve an agent: on the start message, sets up the RPC,
 * loads the agent with `load` and calls its default export.
 */
export function startAgentWorker(load: AgentLoader): void {
  // The first message brings the port; the start message comes through it.
  self.onmessage = (e: MessageEvent<{ port: MessagePort }>) => {
    self.onmessage = null;
    port = e.data.port;
    port.onmessage = (m: MessageEvent<Start>) => {
      port.onmessage = null;
      runAgent(m.data, load);
    };
  };
}

/** Reports an error no one caught (a timer's, a promise's) as the agent's failure. */
function failOnStrayErrors(): void {
  const fail = (err: unknown) => {
    port.postMessage({ failed: failureOf(err) });
    self.close();
  };
  self.addEventListener("error", (e: ErrorEvent) => {
    e.preventDefault();
    fail(e.error ?? new Error(e.message));
  });
  self.addEventListener("unhandledrejection", (e: PromiseRejectionEvent) => {
    e.preventDefault();
    fail(e.reason);
  });
}

function failureOf(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error
    ? { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) }
    : { name: "Error", message: String(err) };
}

async function runAgent(start: Start, load: AgentLoader): Promise<void> {
  state = new Int32Array(start.sab, 0, 4);
  payload = new Uint8Array(start.sab, HEADER);
  captureConsole();
  reportSpawns();
  // Storage that would land in the host's Deno cache: an agent keeps its files in the namespace.
  for (const name of ["caches", "localStorage", "sessionStorage"]) {
    Reflect.deleteProperty(globalThis, name);
  }
  // Deno.exit in a worker ends only the worker, silently: say so to the child first.
  failOnStrayErrors();
  Deno.exit = ((code?: number) => {
    port.postMessage({ done: code ?? 0 });
    self.close();
    throw new Error("the agent exited");
  }) as typeof Deno.exit;
  try {
    const mod = await load(start.program);
    if (typeof mod.default !== "function") {
      throw new Error(`${start.program} has no default export function`);
    }
    const code = await mod.default({
      namespace,
      args: start.args,
      env: start.env,
      readFile,
      readText: (path: string) => decoder.decode(readFile(path)),
      readJson: (path: string) => JSON.parse(decoder.decode(readFile(path))),
      writeFile,
      writeText: (path: string, text: string) => writeFile(path, text),
      ...(start.shell
        ? { shell: (script: string, options: unknown = {}) => call("shell", script, options) }
        : {}),
    });
    port.postMessage({ done: typeof code === "number" ? code : 0 });
  } catch (err) {
    port.postMessage({ failed: failureOf(err) });
  }
}
