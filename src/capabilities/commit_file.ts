/**
 * The "write a JSON request, read back what it started" file, shared by
 * HttpFs `/request`, WsFs `/control` and NostrFs `/submit`, `/request`,
 * `/relays` and `/subscriptions` (DESIGN.md D6).
 *
 * Protocol, for a handle opened read+write:
 *
 * 1. The writer writes one JSON document (in as many writes as it likes).
 * 2. The request is committed at the first read on the handle, or at
 *    `close()`, whichever comes first. Malformed JSON or a refused field is
 *    `FsError("EINVAL")` with a readable `reason`, thrown by that read or
 *    close; nothing is changed in the service.
 * 3. After the commit, reading the same handle (from offset 0) returns the
 *    reply, e.g. `{"id":"req-1"}`. The writer learns the id without
 *    racing anyone. Writing again on that handle is EINVAL.
 *
 * A handle opened write-only commits at close. A handle opened read-only
 * reads the file's view (when it has one) or is EACCES.
 *
 * @module
 */

import { BufferHandle } from "../fs/buffer_handle.ts";
import { ByteBuffer } from "../fs/byte_buffer.ts";
import { FsError } from "../fs/errors.ts";
import type { ResolvedOpenFlags } from "../fs/open_flags.ts";
import type { FileHandle, SeekFrom, Stat } from "../fs/types.ts";
import { type Fail, fileFail } from "./json_fields.ts";
import { fileStat, jsonBytes, openComputed } from "./virtual_files.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * How a commit file behaves.
 *
 * @example
 * ```ts
 * import type { CommitFileOptions } from "./commit_file.ts";
 * const opts: Partial<CommitFileOptions> = { commit: (v) => ({ echoed: v }) };
 * ```
 */
export interface CommitFileOptions {
  /** The path inside the service, for messages. */
  path: string;
  /** How the file was opened. */
  flags: ResolvedOpenFlags;
  /**
   * Applies the parsed JSON and returns the reply a read returns. Must call
   * `fail` (or throw an FsError) to refuse, before changing anything.
   */
  commit: (value: unknown, fail: Fail) => unknown;
  /** What a read-only open (or a read before any write) shows; absent means EACCES. */
  view?: () => unknown;
  /** The largest request, in bytes; a write past it is EFBIG (default: no limit). */
  maxBytes?: number;
  /** The reason given with that EFBIG. */
  tooLarge?: string;
}

/**
 * Opens a commit file (see the module documentation for the protocol).
 *
 * @example
 * ```ts
 * import { openCommitFile } from "./commit_file.ts";
 * import { readTextFromHandle } from "../fs/file_io.ts";
 * import { resolveOpenFlags } from "../fs/open_flags.ts";
 * let next = 1;
 * const h = openCommitFile({
 *   path: "/request",
 *   flags: resolveOpenFlags({ read: true, write: true }, "/request"),
 *   commit: () => ({ id: `req-${next++}` }),
 * });
 * h.write(new TextEncoder().encode('{"url":"https://example.com"}'));
 * console.log(readTextFromHandle(h)); // {"id":"req-1"}
 * h.close();
 * ```
 */
export function openCommitFile(opts: CommitFileOptions): FileHandle {
  const { path, flags } = opts;
  if (!flags.write) {
    if (opts.view === undefined) {
      throw new FsError(
        "EACCES",
        path,
        "write a JSON request here; open it read+write to read back its id",
      );
    }
    const view = opts.view;
    return openComputed(path, flags, () => jsonBytes(view()));
  }
  return new CommitHandle(opts);
}

type Phase = "writing" | "committed" | "refused" | "closed";

/** The handle: a BufferHandle for the request, then one for the reply. */
class CommitHandle implements FileHandle {
  readonly path: string;
  #opts: CommitFileOptions;
  #request = new ByteBuffer();
  #writer: BufferHandle;
  #reader: BufferHandle | undefined;
  #phase: Phase = "writing";
  #written = false;
  #error: FsError | undefined;

  constructor(opts: CommitFileOptions) {
    this.path = opts.path;
    this.#opts = opts;
    this.#writer = new BufferHandle({
      path: opts.path,
      buffer: this.#request,
      readable: false,
      writable: true,
      append: opts.flags.append,
      stat: () => fileStat(this.#request.size, false),
      onChange: () => {
        this.#written = true;
      },
    });
  }

  #alive(): void {
    if (this.#phase === "closed") throw new FsError("EBADF", this.path, "handle is closed");
  }

  /** Commits if needed and returns the reply handle. */
  #replyHandle(): BufferHandle {
    this.#alive();
    if (!this.#opts.flags.read) throw new FsError("EBADF", this.path, "not opened for reading");
    if (this.#phase === "refused") throw this.#error!;
    if (this.#phase === "writing") {
      if (!this.#written) {
        const view = this.#opts.view;
        if (view === undefined) {
          throw new FsError("EINVAL", this.path, "write a JSON request before reading its reply");
        }
        return this.#makeReader(view());
      }
      this.#commit();
    }
    return this.#reader!;
  }

  #makeReader(reply: unknown): BufferHandle {
    const buffer = new ByteBuffer(jsonBytes(reply));
    this.#reader = new BufferHandle({
      path: this.path,
      buffer,
      readable: true,
      writable: false,
      stat: () => fileStat(buffer.size, false),
    });
    return this.#reader;
  }

  #commit(): void {
    const fail = fileFail(this.path);
    try {
      let text = "";
      try {
        text = decoder.decode(this.#request.view());
      } catch {
        fail("the request is not valid UTF-8");
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        fail(`malformed JSON: ${(e as Error).message}`);
      }
      const reply = this.#opts.commit(value, fail);
      this.#phase = "committed";
      this.#makeReader(reply ?? {});
    } catch (e) {
      this.#phase = "refused";
      this.#error = e instanceof FsError
        ? e
        : new FsError("EINVAL", this.path, (e as Error)?.message ?? String(e));
      throw this.#error;
    }
  }

  #writeHandle(): BufferHandle {
    this.#alive();
    if (this.#phase !== "writing") {
      throw new FsError(
        "EINVAL",
        this.path,
        "the request was already submitted; open the file again for another",
      );
    }
    return this.#writer;
  }

  read(buf: Uint8Array): number {
    return this.#replyHandle().read(buf);
  }

  pread(buf: Uint8Array, offset: number): number {
    return this.#replyHandle().pread(buf, offset);
  }

  /** Refuses a request that would grow past `maxBytes`. */
  #fits(end: number): BufferHandle {
    const w = this.#writeHandle();
    const max = this.#opts.maxBytes;
    if (max !== undefined && end > max) {
      throw new FsError(
        "EFBIG",
        this.path,
        this.#opts.tooLarge ?? `a request may hold ${max} bytes`,
      );
    }
    return w;
  }

  write(data: Uint8Array): number {
    const at = this.#opts.flags.append ? this.#request.size : this.#writer.position();
    return this.#fits(at + data.length).write(data);
  }

  pwrite(data: Uint8Array, offset: number): number {
    const at = this.#opts.flags.append ? this.#request.size : offset;
    return this.#fits(at + data.length).pwrite(data, offset);
  }

  truncate(size: number): void {
    this.#fits(size).truncate(size);
  }

  seek(offset: number, whence?: SeekFrom): number {
    this.#alive();
    return (this.#reader ?? this.#writer).seek(offset, whence);
  }

  position(): number {
    this.#alive();
    return (this.#reader ?? this.#writer).position();
  }

  flush(): void {
    this.#alive();
  }

  stat(): Stat {
    this.#alive();
    return (this.#reader ?? this.#writer).stat();
  }

  close(): void {
    this.#alive();
    const pending = this.#phase === "writing" && this.#written;
    try {
      if (pending) this.#commit();
    } finally {
      this.#phase = "closed";
    }
  }
}
