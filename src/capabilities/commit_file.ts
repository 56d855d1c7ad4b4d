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

import { FsError } from "../fs/errors.ts";
import type { ResolvedOpenFlags } from "../fs/open_flags.ts";
import type { FileHandle, SeekFrom, Stat } from "../fs/types.ts";
import { CommitRequest } from "./commit_request.ts";
import { type Fail, fileFail } from "./json_fields.ts";
import { PagedHandle } from "./paged_handle.ts";
import { TextBytes } from "./text_bytes.ts";
import { jsonBytes, openComputed } from "./virtual_files.ts";

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

/** The handle: the request as it is written, then a handle on the reply. */
class CommitHandle implements FileHandle {
  readonly path: string;
  #opts: CommitFileOptions;
  #writer: CommitRequest;
  #reader: PagedHandle | undefined;
  #phase: Phase = "writing";
  #error: FsError | undefined;

  constructor(opts: CommitFileOptions) {
    this.path = opts.path;
    this.#opts = opts;
    this.#writer = new CommitRequest(opts.path, opts.flags.append);
  }

  #alive(): void {
    if (this.#phase === "closed") throw new FsError("EBADF", this.path, "handle is closed");
  }

  /** Commits if needed and returns the reply handle. */
  #replyHandle(): PagedHandle {
    this.#alive();
    if (!this.#opts.flags.read) throw new FsError("EBADF", this.path, "not opened for reading");
    if (this.#phase === "refused") throw this.#error!;
    if (this.#phase === "writing") {
      if (!this.#writer.written) {
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

  #makeReader(reply: unknown): PagedHandle {
    // Kept as text: a read encodes it into the reader's buffer, with no array of its own.
    const content = new TextBytes(JSON.stringify(reply) ?? "");
    this.#reader = new PagedHandle({
      path: this.path,
      content: () => content,
      readable: true,
      writable: false,
      // The file takes writes: the reply says so too, as the request did.
      readOnly: false,
    });
    return this.#reader;
  }

  #commit(): void {
    const fail: Fail = fileFail(this.path);
    try {
      const text = this.#writer.text();
      if (text === undefined) fail("the request is not valid UTF-8");
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

  #writeHandle(): CommitRequest {
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
  #fits(end: number): CommitRequest {
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
    const at = this.#opts.flags.append ? this.#writer.size : this.#writer.position();
    return this.#fits(at + data.length).write(data);
  }

  pwrite(data: Uint8Array, offset: number): number {
    const at = this.#opts.flags.append ? this.#writer.size : offset;
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
    const pending = this.#phase === "writing" && this.#writer.written;
    try {
      if (pending) this.#commit();
    } finally {
      this.#phase = "closed";
    }
  }
}
