/**
 * Base64 for binary bodies and messages in JSON files.
 *
 * @module
 */

/** What Deno's V8 offers (TC39 "Uint8Array to/from base64"). */
interface Base64Uint8Array {
  toBase64(): string;
}
interface Base64Uint8ArrayConstructor {
  fromBase64(s: string): Uint8Array;
}

const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Encodes bytes as standard base64 (with padding).
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "@oanix/oanix";
 * console.log(encodeBase64(new Uint8Array([0, 255]))); // "AP8="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  const native = bytes as unknown as Partial<Base64Uint8Array>;
  if (typeof native.toBase64 === "function") return native.toBase64();
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * Decodes standard base64 (with padding); undefined when `text` is not
 * valid base64.
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "@oanix/oanix";
 * console.log(decodeBase64("AP8=")); // Uint8Array [0, 255]
 * console.log(decodeBase64("not base64!")); // undefined
 * ```
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!STRICT.test(text)) return undefined;
  const native = Uint8Array as unknown as Partial<Base64Uint8ArrayConstructor>;
  if (typeof native.fromBase64 === "function") return native.fromBase64(text);
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
