/**
 * The request a commit file collects (see `commit_file.ts`): the bytes
 * written, until the commit reads them as text.
 *
 * The usual request is a small JSON document written in order, often in
 * one write, and all ASCII. Such writes are kept as the text itself, which
 * the commit then parses as it is: no array is allocated for them and
 * nothing is decoded twice. Anything else (a write that is not ASCII, a
 * `pwrite`, `truncate` or `seek`, or a large request) turns the text so
 * far into bytes, and from then on the writes go to an in-memory file
 * buffer, exactly as a plain file takes them.
 *
 * @module
 */

import { BufferHandle } from "../fs/buffer_handle.ts";
import { ByteBuffer } from "../fs/byte_buffer.ts";
import type { SeekFrom, Stat } from "../fs/types.ts";
import { fileStat } from "./synthetic_stat.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });
/** The longest request kept as text; a longer one is kept as bytes. */
const TEXT_MAX = 256 * 1024;

/**
 * `bytes` as text when they are all ASCII, else undefined. Decoding is the
 * fast check: a text with as many units as there were bytes and no U+FFFD
 * came from one byte per character.
 */
function asciiText(bytes: Uint8Array): string | undefined {
  const text = decoder.decode(bytes);
  return text.length === bytes.length && !text.includes("\uFFFD") ? text : undefined;
}

/**
 * `bytes` as text, or undefined when they are not valid UTF-8. The lenient
 * decoder is the fast one; only a text holding U+FFFD (which malformed
 * bytes become, but valid text may also hold) is checked strictly.
 */
function utf8Text(bytes: Uint8Array): string | undefined {
  const text = decoder.decode(bytes);
  if (!text.includes("\uFFFD")) return text;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The writing side of a commit handle: write, pwrite, truncate, seek,
 * position and stat, as on an in-memory file, and the content as text.
 *
 * @example
 * ```ts
 * import { CommitRequest } from "./commit_request.ts";
 * const r = new CommitRequest("/request", false);
 * r.write(new TextEncoder().encode('{"url":'));
 * r.write(new TextEncoder().encode('"https://example.com/"}'));
 * console.log(r.size, r.text()); // 30 {"url":"https://example.com/"}
 * ```
 */
export class CommitRequest {
  readonly #path: string;
  readonly #append: boolean;
  /** The content while it is ASCII text written in order (its position is its end). */
  #text = "";
  /** The content once it is bytes. */
  #buffer: ByteBuffer | undefined;
  #handle: BufferHandle | undefined;
  #written = false;

  /**
   * Makes an empty request.
   *
   * @param path the file's path, for messages
   * @param append every write goes to the end
   */
  constructor(path: string, append: boolean) {
    this.#path = path;
    this.#append = append;
  }

  /** True once anything was written, truncated or pwritten (even nothing). */
  get written(): boolean {
    return this.#written;
  }

  /** The number of bytes held. */
  get size(): number {
    return this.#buffer?.size ?? this.#text.length;
  }

  /** The content as text, or undefined when it is not valid UTF-8. */
  text(): string | undefined {
    return this.#buffer === undefined ? this.#text : utf8Text(this.#buffer.view());
  }

  /** The handle over the content as bytes, made from the text so far on first need. */
  #bytes(): BufferHandle {
    if (this.#handle !== undefined) return this.#handle;
    const buffer = new ByteBuffer(encoder.encode(this.#text));
    this.#buffer = buffer;
    this.#text = "";
    this.#handle = new BufferHandle({
      path: this.#path,
      buffer,
      readable: false,
      writable: true,
      append: this.#append,
      stat: () => fileStat(buffer.size, false),
      onChange: () => {
        this.#written = true;
      },
    });
    // Text is written in order: the position is its end.
    this.#handle.seek(buffer.size);
    return this.#handle;
  }

  /** Writes `data` at the position (at the end with `append`). */
  write(data: Uint8Array): number {
    if (this.#handle === undefined && data.length <= TEXT_MAX - this.#text.length) {
      const text = asciiText(data);
      if (text !== undefined) {
        this.#text += text;
        this.#written = true;
        return data.length;
      }
    }
    return this.#bytes().write(data);
  }

  /** Writes `data` at `offset` (at the end with `append`). */
  pwrite(data: Uint8Array, offset: number): number {
    return this.#bytes().pwrite(data, offset);
  }

  /** Cuts or zero-extends the content to `size` bytes. */
  truncate(size: number): void {
    this.#bytes().truncate(size);
  }

  /** Moves the position. */
  seek(offset: number, whence?: SeekFrom): number {
    return this.#bytes().seek(offset, whence);
  }

  /** The position. */
  position(): number {
    return this.#handle?.position() ?? this.#text.length;
  }

  /** The request's stat: a writable file of its size. */
  stat(): Stat {
    return this.#handle?.stat() ?? fileStat(this.#text.length, false);
  }
}
