/**
 * Between a body's bytes and its inline JSON form: text when the bytes
 * are UTF-8, base64 otherwise.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "../base64.ts";
import type { PagedBytes } from "../paged_bytes.ts";
import type { BodyEncoding } from "./http_types.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * The inline form of a body: text when it is valid UTF-8, else base64.
 *
 * @example
 * ```ts
 * import { PagedBytes } from "@oanix/oanix";
 * import { inlineBody } from "./http_body.ts";
 * console.log(inlineBody(PagedBytes.wrap(new Uint8Array([104, 105])))); // { body: "hi", bodyEncoding: "utf8" }
 * console.log(inlineBody(PagedBytes.wrap(new Uint8Array([255])))); // { body: "/w==", bodyEncoding: "base64" }
 * ```
 */
export function inlineBody(bytes: PagedBytes): { body: string; bodyEncoding: BodyEncoding } {
  const whole = bytes.contiguous();
  const ascii = shortAscii(whole);
  if (ascii !== undefined) return { body: ascii, bodyEncoding: "utf8" };
  try {
    return { body: utf8.decode(whole), bodyEncoding: "utf8" };
  } catch {
    return { body: encodeBase64(whole), bodyEncoding: "base64" };
  }
}

/**
 * Bodies up to this size are read without a call into the runtime; past
 * about 100 bytes the runtime's decoder is faster (measured: 64 bytes
 * 0.23 µs either way, 256 bytes 0.9 µs by hand against 0.4 µs).
 */
const SHORT = 64;

function shortAscii(bytes: Uint8Array): string | undefined {
  if (bytes.length > SHORT) return undefined;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return undefined;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * The bytes of an inline body; undefined when base64 is not valid.
 *
 * @example
 * ```ts
 * import { inlineBytes } from "./http_body.ts";
 * console.log(inlineBytes("AP8=", "base64")); // Uint8Array [0, 255]
 * ```
 */
export function inlineBytes(body: string, encoding: BodyEncoding): Uint8Array | undefined {
  return encoding === "base64" ? decodeBase64(body) : encoder.encode(body);
}
