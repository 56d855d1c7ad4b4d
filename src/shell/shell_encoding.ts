/**
 * Bytes and strings at the shell's file boundary: just-bash hands file
 * contents over as strings in a named encoding (UTF-8 text, latin1-shaped
 * bytes, base64, hex), and the namespace stores bytes.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "../capabilities/base64.ts";
import { FsError } from "../fs/errors.ts";

/**
 * The encodings just-bash names (Node's `BufferEncoding` subset).
 *
 * @example
 * ```ts
 * import type { ShellEncoding } from "./shell_encoding.ts";
 * const e: ShellEncoding = "binary";
 * ```
 */
export type ShellEncoding = "utf8" | "utf-8" | "ascii" | "binary" | "base64" | "hex" | "latin1";

const ENCODINGS = new Set<string>(["utf8", "utf-8", "ascii", "binary", "base64", "hex", "latin1"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Characters per `String.fromCharCode` call: well under any engine's argument limit. */
const CHUNK = 8192;

/**
 * The encoding an options argument names (a string or `{ encoding }`);
 * undefined for none.
 *
 * @throws {FsError} EINVAL for an encoding just-bash does not know.
 *
 * @example
 * ```ts
 * import { encodingOf } from "./shell_encoding.ts";
 * console.log(encodingOf("binary"), encodingOf({ encoding: "hex" }), encodingOf(undefined));
 * // "binary" "hex" undefined
 * ```
 */
export function encodingOf(options: unknown): ShellEncoding | undefined {
  const e = typeof options === "string"
    ? options
    : options !== null && typeof options === "object"
    ? (options as { encoding?: unknown }).encoding
    : undefined;
  if (e === undefined || e === null) return undefined;
  if (typeof e !== "string" || !ENCODINGS.has(e)) {
    throw new FsError("EINVAL", undefined, `unknown encoding ${JSON.stringify(e)}`);
  }
  return e as ShellEncoding;
}

/**
 * Bytes as one latin1-shaped string: each byte one character (0-255), so
 * binary data passes through string-typed pipes unchanged. (TextDecoder's
 * "latin1" is windows-1252, which changes 0x80-0x9F, so it is not used.)
 *
 * @example
 * ```ts
 * import { latin1Of } from "./shell_encoding.ts";
 * console.log(latin1Of(new Uint8Array([104, 105, 255])).length); // 3
 * ```
 */
export function latin1Of(bytes: Uint8Array): string {
  let out = "";
  for (let at = 0; at < bytes.length; at += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  }
  return out;
}

/** The low byte of every character. */
function bytesOfLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function bytesOfHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new FsError("EINVAL", undefined, "not valid hex");
  }
  return Uint8Array.fromHex(text);
}

/**
 * File content given as a string in `encoding` (UTF-8 when none), or as
 * bytes (used as they are).
 *
 * @throws {FsError} EINVAL for base64 or hex that does not decode.
 *
 * @example
 * ```ts
 * import { bytesOf } from "./shell_encoding.ts";
 * console.log(bytesOf("é"), bytesOf("\xe9", "binary")); // Uint8Array(2) [195, 169] Uint8Array(1) [233]
 * ```
 */
export function bytesOf(content: string | Uint8Array, encoding?: ShellEncoding): Uint8Array {
  if (content instanceof Uint8Array) return content;
  switch (encoding) {
    case "binary":
    case "latin1":
    case "ascii":
      return bytesOfLatin1(content);
    case "base64": {
      const bytes = decodeBase64(content);
      if (bytes === undefined) throw new FsError("EINVAL", undefined, "not valid base64");
      return bytes;
    }
    case "hex":
      return bytesOfHex(content);
    default:
      return encoder.encode(content);
  }
}

/**
 * Bytes as a string in `encoding` (UTF-8 text when none).
 *
 * @example
 * ```ts
 * import { textOf } from "./shell_encoding.ts";
 * console.log(textOf(new Uint8Array([0, 255]), "hex"), textOf(new Uint8Array([104, 105]))); // "00ff" "hi"
 * ```
 */
export function textOf(bytes: Uint8Array, encoding?: ShellEncoding): string {
  switch (encoding) {
    case "binary":
    case "latin1":
      return latin1Of(bytes);
    case "ascii":
      return latin1Of(bytes.map((b) => b & 0x7f));
    case "base64":
      return encodeBase64(bytes);
    case "hex":
      return bytes.toHex();
    default:
      return decoder.decode(bytes);
  }
}
