/** SHA-256 in pieces agrees with WebCrypto, whatever the sizes and the cuts. */
import assert from "@std/assert";
import {
  bodySha256,
  EMPTY_SHA256,
  Sha256,
  sha256Hex,
  sha256HexOf,
} from "../../../src/executor/record/sha256.ts";

Deno.test("known answers", () => {
  const enc = new TextEncoder();
  assert.equal(sha256Hex([]), EMPTY_SHA256);
  assert.equal(
    sha256Hex([enc.encode("abc")]),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex([enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")]),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("any size, cut anywhere, gives WebCrypto's digest", async () => {
  const sizes = [1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4096, 100_003];
  for (const size of sizes) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const want = await sha256HexOf(bytes);
    const cuts = [0, 1, Math.floor(size / 3), size - 1].filter((c) => c >= 0 && c <= size);
    for (const cut of cuts) {
      const got = sha256Hex([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.equal(got, want, `size ${size}, cut at ${cut}`);
    }
    const bytewise = new Sha256();
    if (size <= 1000) { for (let i = 0; i < size; i++) bytewise.update(bytes.subarray(i, i + 1)); }
    else bytewise.update(bytes);
    assert.equal(bytewise.hex(), want, `size ${size} byte by byte`);
    assert.equal(await bodySha256(new Blob([bytes])), want, `size ${size} as a Blob`);
  }
});

Deno.test("a finished hasher refuses more", () => {
  const h = new Sha256();
  h.hex();
  assert.throws(() => h.update(new Uint8Array(1)), /already finished/);
  assert.throws(() => h.hex(), /already finished/);
});
