// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * SHA-256 over bytes that arrive in pieces (the pages of a body, the
 * chunks of an upload), without joining them: `@noble/hashes` hashes
 * incrementally, where WebCrypto's `digest` needs the whole input in one
 * buffer. Version 1.8.0 is the one the test relay needs at the top of
 * `node_modules` (docs/decisions.md); a second version there would
 * displace it.
 *
 * @module
 */

import { sha256 } from "npm:@noble/hashes@1.8.0/sha2";

/**
 * The SHA-256 of `pieces`, as lower-case hex.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 * console.log(sha256Hex([new TextEncoder().encode("abc")]).slice(0, 8)); // "ba7816bf"
 * ```
 */
export function sha256Hex(pieces: Iterable<Uint8Array>): string {
  const h = sha256.create();
  for (const p of pieces) h.update(p);
  return h.digest().toHex();
}

/**
 * The SHA-256 of bytes held in one buffer, as lower-case hex: WebCrypto's
 * digest, several times faster than hashing in JavaScript.
 *
 * @example
 * ```ts
 * import { sha256HexOf } from "./sha256.ts";
 * console.log((await sha256HexOf(new TextEncoder().encode("abc"))).slice(0, 8)); // "ba7816bf"
 * ```
 */
export async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)).toHex();
}

/**
 * The SHA-256 of a request body as HttpFs holds it (inline bytes, an
 * upload's Blob, or none: the digest of no bytes), read in chunks.
 *
 * @example
 * ```ts
 * import { bodySha256 } from "./sha256.ts";
 * console.log((await bodySha256(undefined)).slice(0, 8)); // "e3b0c442"
 * ```
 */
export async function bodySha256(body: Uint8Array | Blob | undefined): Promise<string> {
  if (body === undefined) return EMPTY_SHA256;
  if (body instanceof Uint8Array) return sha256HexOf(body);
  const h = sha256.create();
  for await (const chunk of body.stream()) h.update(chunk);
  return h.digest().toHex();
}

/**
 * The SHA-256 of no bytes.
 *
 * @example
 * ```ts
 * import { EMPTY_SHA256 } from "./sha256.ts";
 * console.log(EMPTY_SHA256.length); // 64
 * ```
 */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
