/**
 * The guest's stdio: stdin from host bytes or a host file (never the host's
 * own stdin), stdout and stderr captured in memory and, when the namespace
 * has them, appended live to `/logs/stdout.log` and `/logs/stderr.log`.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import type { FileHandle, FileService } from "../fs/types.ts";

/**
 * Where the guest's stdin comes from: bytes, text, an open file (whose
 * reads may wait, through `whenReadable`), or a path in the namespace.
 * Absent means an empty stdin.
 *
 * @example
 * ```ts
 * import type { StdinSource } from "@oanix/oanix";
 * const a: StdinSource = "line one\n";
 * const b: StdinSource = { path: "/workspace/input.txt" };
 * ```
 */
export type StdinSource = Uint8Array | string | FileHandle | { path: string };

const encoder = new TextEncoder();

/**
 * The guest's stdin.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { StdinReader } from "./stdio.ts";
 * const r = new StdinReader("hi", new MemFs());
 * const buf = new Uint8Array(8);
 * console.log(r.read(buf)); // 2
 * r.close();
 * ```
 */
export class StdinReader {
  #bytes: Uint8Array | undefined;
  #pos = 0;
  #handle: FileHandle | undefined;
  #owned = false;

  /**
   * A stdin reading from `source`.
   * @param source what to read
   * @param root the namespace, for a `{ path }` source
   */
  constructor(source: StdinSource | undefined, root: FileService) {
    if (source === undefined) this.#bytes = new Uint8Array(0);
    else if (typeof source === "string") this.#bytes = encoder.encode(source);
    else if (source instanceof Uint8Array) this.#bytes = source;
    else if (typeof (source as FileHandle).read === "function") {
      this.#handle = source as FileHandle;
    } else if (typeof (source as { path: string }).path === "string") {
      this.#handle = root.open((source as { path: string }).path, { read: true });
      this.#owned = true;
    } else {
      throw new TypeError("stdin must be bytes, a string, a FileHandle or { path }");
    }
  }

  /** The open file behind stdin, if it is one. */
  get handle(): FileHandle | undefined {
    return this.#handle;
  }

  /** Reads into `buf`; 0 at the end. A file source may throw EAGAIN. */
  read(buf: Uint8Array): number {
    if (this.#handle !== undefined) return this.#handle.read(buf);
    const src = this.#bytes!;
    const n = Math.min(buf.length, src.length - this.#pos);
    if (n <= 0) return 0;
    buf.set(src.subarray(this.#pos, this.#pos + n));
    this.#pos += n;
    return n;
  }

  /** Bytes that can be read without waiting (an estimate for a file). */
  available(): number {
    if (this.#handle === undefined) return this.#bytes!.length - this.#pos;
    try {
      return Math.max(0, this.#handle.stat().size - this.#handle.position());
    } catch {
      return 0;
    }
  }

  /** Closes a file this reader opened itself. */
  close(): void {
    if (this.#owned && this.#handle !== undefined) {
      this.#owned = false;
      try {
        this.#handle.close();
      } catch { /* already closed */ }
    }
  }
}

/**
 * Options of an {@linkcode OutputSink}.
 *
 * @example
 * ```ts
 * import type { OutputSinkOptions } from "./stdio.ts";
 * const o: OutputSinkOptions = { limit: 1024, onData: (b) => console.log(b.length) };
 * ```
 */
export interface OutputSinkOptions {
  /** Keep at most this many bytes in memory (the rest still goes to the log and `onData`). */
  limit?: number;
  /** Called with every chunk the guest writes. */
  onData?: (chunk: Uint8Array) => void;
  /** A file to append every chunk to, live. */
  log?: FileHandle;
}

/**
 * Captures one output stream of the guest.
 *
 * @example
 * ```ts
 * import { OutputSink } from "./stdio.ts";
 * const s = new OutputSink({});
 * s.write(new TextEncoder().encode("hello"));
 * console.log(new TextDecoder().decode(s.bytes())); // "hello"
 * ```
 */
export class OutputSink {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #limit: number;
  #onData: ((chunk: Uint8Array) => void) | undefined;
  #log: FileHandle | undefined;
  /** True when more was written than `limit` allowed to keep. */
  truncated = false;

  /**
   * A sink with the given limit, live callback and live log.
   * @param opts the limit, the live callback and the live log file
   */
  constructor(opts: OutputSinkOptions) {
    this.#limit = opts.limit ?? 64 * 1024 * 1024;
    this.#onData = opts.onData;
    this.#log = opts.log;
  }

  /** Takes a chunk (which it may keep: pass a copy). */
  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const room = this.#limit - this.#size;
    if (room >= chunk.length) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    } else {
      if (room > 0) {
        this.#chunks.push(chunk.subarray(0, room));
        this.#size += room;
      }
      this.truncated = true;
    }
    if (this.#log !== undefined) {
      try {
        this.#log.write(chunk);
        this.#log.flush();
      } catch {
        this.#log = undefined; // a failing log must not fail the guest
      }
    }
    this.#onData?.(chunk);
  }

  /** Everything kept so far, as one array. */
  bytes(): Uint8Array {
    if (this.#chunks.length !== 1) {
      const out = new Uint8Array(this.#size);
      let at = 0;
      for (const c of this.#chunks) {
        out.set(c, at);
        at += c.length;
      }
      this.#chunks = [out];
    }
    return this.#chunks[0]?.slice() ?? new Uint8Array(0);
  }

  /** Closes the live log file, if any. */
  close(): void {
    const log = this.#log;
    this.#log = undefined;
    try {
      log?.close();
    } catch { /* nothing to do */ }
  }
}

/**
 * Opens `path` for appending when the namespace has it, else undefined.
 * Works with any service: only the file contract is used.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { openLogFile } from "./stdio.ts";
 * console.log(openLogFile(new MemFs(), "/logs/stdout.log")); // undefined
 * ```
 */
export function openLogFile(root: FileService, path: string): FileHandle | undefined {
  // A namespace with nothing mounted there answers without an exception.
  const resolve = (root as { resolve?: (p: string) => unknown }).resolve;
  if (typeof resolve === "function" && resolve.call(root, path) === undefined) return undefined;
  try {
    if (root.stat(path).kind !== "file") return undefined;
    return root.open(path, { write: true, append: true });
  } catch (e) {
    if (e instanceof FsError) return undefined;
    throw e;
  }
}
