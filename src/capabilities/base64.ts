/**
 * Base64 for binary bodies and messages in JSON files: the engine's own
 * codec (TC39 "Uint8Array to/from base64", in V8 and every current
 * browser), wrapped once here so that every layer shares one definition.
 * Neither direction recurses or builds a regular expression over the
 * input, so any size the engine can hold as a string works.
 *
 * @module
 */

/**
 * Encodes bytes as standard base64 (with padding).
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "./base64.ts";
 * console.log(encodeBase64(new Uint8Array([0, 255]))); // "AP8="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/**
 * Decodes standard base64; undefined when `text` is not valid base64. The
 * padding is required and stray bits in the last group are refused
 * (`lastChunkHandling: "strict"`); ASCII whitespace is skipped, as the
 * standard decoder does.
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "./base64.ts";
 * console.log(decodeBase64("AP8=")); // Uint8Array [0, 255]
 * console.log(decodeBase64("not base64!")); // undefined
 * ```
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== "string") return undefined;
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "strict" });
  } catch {
    return undefined;
  }
}
