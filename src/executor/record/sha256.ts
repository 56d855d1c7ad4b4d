/**
 * SHA-256 for transcripts. Bytes in one buffer use WebCrypto. Bytes in
 * pieces (a response body's pages, an upload's Blob) are hashed
 * incrementally here (FIPS 180-4), so a large body is never joined into
 * one more buffer: WebCrypto's `digest` takes its input whole. It is a
 * plain implementation rather than a package because the browser bundle
 * carries no npm code, and a second `@noble/hashes` at the top of the
 * test `node_modules` would displace the one the test relay needs
 * (docs/decisions.md). The tests check it against WebCrypto.
 *
 * @module
 */

const K = new Uint32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
];

/**
 * An incremental SHA-256: `update` with pieces in order, then `hex()`.
 *
 * @example
 * ```ts
 * import { Sha256 } from "./sha256.ts";
 * const h = new Sha256();
 * h.update(new TextEncoder().encode("a"));
 * h.update(new TextEncoder().encode("bc"));
 * console.log(h.hex().slice(0, 8)); // "ba7816bf"
 * ```
 */
export class Sha256 {
  readonly #h = new Uint32Array(INITIAL);
  readonly #w = new Int32Array(64);
  readonly #block = new Uint8Array(64);
  #used = 0;
  #length = 0;
  #done = false;

  /** Adds bytes. */
  update(data: Uint8Array): this {
    if (this.#done) throw new Error("Sha256: already finished");
    this.#length += data.length;
    let at = 0;
    if (this.#used > 0) {
      const n = Math.min(64 - this.#used, data.length);
      this.#block.set(data.subarray(0, n), this.#used);
      this.#used += n;
      at = n;
      if (this.#used < 64) return this;
      this.#compress(this.#block, 0);
      this.#used = 0;
    }
    for (; at + 64 <= data.length; at += 64) this.#compress(data, at);
    if (at < data.length) {
      this.#block.set(data.subarray(at));
      this.#used = data.length - at;
    }
    return this;
  }

  /** Finishes: the digest as lower-case hex (the hasher cannot be used after). */
  hex(): string {
    if (this.#done) throw new Error("Sha256: already finished");
    const bits = this.#length * 8;
    const block = this.#block;
    block[this.#used++] = 0x80;
    if (this.#used > 56) {
      block.fill(0, this.#used);
      this.#compress(block, 0);
      this.#used = 0;
    }
    block.fill(0, this.#used, 56);
    const view = new DataView(block.buffer);
    view.setUint32(56, Math.floor(bits / 0x100000000));
    view.setUint32(60, bits >>> 0);
    this.#compress(block, 0);
    this.#done = true;
    let out = "";
    for (const word of this.#h) out += word.toString(16).padStart(8, "0");
    return out;
  }

  #compress(data: Uint8Array, at: number): void {
    const w = this.#w;
    const h = this.#h;
    let a = h[0] | 0, b = h[1] | 0, c = h[2] | 0, d = h[3] | 0;
    let e = h[4] | 0, f = h[5] | 0, g = h[6] | 0, hh = h[7] | 0;
    for (let i = 0; i < 64; i++) {
      let wi: number;
      if (i < 16) {
        const j = at + i * 4;
        wi = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
      } else {
        const x = w[i - 15] | 0;
        const y = w[i - 2] | 0;
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        wi = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      w[i] = wi;
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i] + wi) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
}

/**
 * The SHA-256 of `pieces`, in order, as lower-case hex.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 * console.log(sha256Hex([new TextEncoder().encode("abc")]).slice(0, 8)); // "ba7816bf"
 * ```
 */
export function sha256Hex(pieces: Iterable<Uint8Array>): string {
  const h = new Sha256();
  for (const p of pieces) h.update(p);
  return h.hex();
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
 * upload's Blob read in chunks, or none: the digest of no bytes).
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
  const h = new Sha256();
  for await (const chunk of body.stream()) h.update(chunk);
  return h.hex();
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
