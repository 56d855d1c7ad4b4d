/**
 * Bytes in and out of a transcript: small ones inline (UTF-8 text as
 * text, anything else as base64), large ones by digest, their bytes in a
 * body file.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "../../capabilities/base64.ts";
import type { Frame, Payload } from "./transcript_format.ts";
import { sha256Hex } from "./sha256.ts";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * A payload for a transcript line, and the bytes to store in a body file
 * when it is not inline.
 *
 * @example
 * ```ts
 * import type { EncodedPayload } from "./payload.ts";
 * function stored(e: EncodedPayload) {
 *   return e.store !== undefined;
 * }
 * ```
 */
export interface EncodedPayload {
  /** What the line holds. */
  payload: Payload;
  /** The bytes for `cap-bodies/<sha256>`, when the payload is a digest. */
  store?: readonly Uint8Array[];
}

function join(pieces: readonly Uint8Array[], size: number): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Encodes `pieces` (`size` bytes in all): inline up to `inlineBytes`, as
 * text when `text` allows it and the bytes are UTF-8, else base64; a
 * digest beyond.
 *
 * @example
 * ```ts
 * import { encodePayload } from "./payload.ts";
 * const e = encodePayload([new TextEncoder().encode("hi")], 2, 1024);
 * console.log(e.payload); // { size: 2, text: "hi" }
 * ```
 */
export function encodePayload(
  pieces: readonly Uint8Array[],
  size: number,
  inlineBytes: number,
  text = true,
): EncodedPayload {
  if (size > inlineBytes) return { payload: { size, sha256: sha256Hex(pieces) }, store: pieces };
  const bytes = join(pieces, size);
  if (text) {
    try {
      return { payload: { size, text: strictUtf8.decode(bytes) } };
    } catch { /* not UTF-8: base64 */ }
  }
  return { payload: { size, base64: encodeBase64(bytes) } };
}

/**
 * Encodes a WebSocket frame as the connectors see it: a string is a text
 * frame (kept as text), bytes a binary frame (base64).
 *
 * @example
 * ```ts
 * import { encodeFrame } from "./payload.ts";
 * console.log(encodeFrame("hi", 1024).payload); // { binary: false, size: 2, text: "hi" }
 * ```
 */
export function encodeFrame(
  data: string | Uint8Array,
  inlineBytes: number,
): { payload: Frame; store?: readonly Uint8Array[] } {
  const binary = typeof data !== "string";
  const bytes = binary ? data : encoder.encode(data);
  const e = encodePayload([bytes], bytes.length, inlineBytes, !binary);
  return { payload: { binary, ...e.payload }, store: e.store };
}

/**
 * The bytes of an inline payload; undefined for one kept by digest (read
 * its body file).
 *
 * @throws {TypeError} for base64 that does not decode.
 *
 * @example
 * ```ts
 * import { inlinePayloadBytes } from "./payload.ts";
 * console.log(inlinePayloadBytes({ size: 3, base64: "AQID" })); // Uint8Array [1, 2, 3]
 * ```
 */
export function inlinePayloadBytes(p: Payload): Uint8Array | undefined {
  if ("text" in p) return encoder.encode(p.text);
  if ("base64" in p) {
    const bytes = decodeBase64(p.base64);
    if (bytes === undefined) throw new TypeError("the base64 does not decode");
    return bytes;
  }
  return undefined;
}

/**
 * The digest a payload names, or undefined when it is inline.
 *
 * @example
 * ```ts
 * import { payloadSha256 } from "./payload.ts";
 * console.log(payloadSha256({ size: 2, text: "hi" })); // undefined
 * ```
 */
export function payloadSha256(p: Payload): string | undefined {
  return "sha256" in p ? p.sha256 : undefined;
}

/**
 * True when `data` (a frame as sent) is the frame `f` recorded.
 *
 * @example
 * ```ts
 * import { frameMatches } from "./payload.ts";
 * console.log(frameMatches({ binary: false, size: 2, text: "hi" }, "hi")); // true
 * console.log(frameMatches({ binary: true, size: 2, base64: "aGk=" }, "hi")); // false
 * ```
 */
export function frameMatches(f: Frame, data: string | Uint8Array): boolean {
  const binary = typeof data !== "string";
  if (f.binary !== binary) return false;
  const bytes = binary ? data : encoder.encode(data);
  if (bytes.length !== f.size) return false;
  const sha = payloadSha256(f);
  if (sha !== undefined) return sha256Hex([bytes]) === sha;
  if (!binary && "text" in f) return f.text === data;
  const want = inlinePayloadBytes(f)!;
  for (let i = 0; i < want.length; i++) if (want[i] !== bytes[i]) return false;
  return true;
}
