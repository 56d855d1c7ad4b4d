/**
 * Nostr frames as a transcript holds them. Our own EVENT frames leave out
 * the signature: BIP-340 signing draws fresh randomness each time, so the
 * same event is signed differently on every run, while its id (the hash of
 * everything else) stays the same. The relay checked the signature when
 * it was recorded; a replay compares and keeps the rest.
 *
 * @module
 */

/**
 * A frame we send, as recorded and compared: an EVENT without its `sig`;
 * any other frame as it is.
 *
 * @example
 * ```ts
 * import { unsignedFrame } from "./nostr_frames.ts";
 * const frame = JSON.stringify(["EVENT", { id: "ab", kind: 1, sig: "cd" }]);
 * console.log(unsignedFrame(frame)); // '["EVENT",{"id":"ab","kind":1}]'
 * ```
 */
export function unsignedFrame(data: string | Uint8Array): string | Uint8Array {
  if (typeof data !== "string" || !data.startsWith('["EVENT"')) return data;
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return data;
  }
  if (!Array.isArray(msg) || msg.length !== 2) return data;
  const event = msg[1];
  if (event === null || typeof event !== "object" || !("sig" in event)) return data;
  const { sig: _sig, ...rest } = event as Record<string, unknown>;
  return JSON.stringify(["EVENT", rest]);
}
