/** Redacting secrets from bytes that arrive in chunks. */
import assert from "@std/assert";
import { redactAll, type Redaction, StreamRedactor } from "../../src/executor/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const rules: Redaction[] = [
  { needle: enc.encode("Bearer s3cret-token"), replacement: enc.encode("[REDACTED]") },
  { needle: enc.encode("s3cret-token"), replacement: enc.encode("{{secret:T}}") },
];

function streamed(text: string, cuts: number[]): string {
  const r = new StreamRedactor(rules);
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    out.push(r.push(bytes.subarray(from, at)));
    from = at;
  }
  out.push(r.end());
  return out.map((b) => dec.decode(b)).join("");
}

Deno.test("a secret split at any point between two chunks is still redacted", () => {
  const text = "auth: Bearer s3cret-token; again s3cret-token.";
  const want = "auth: [REDACTED]; again {{secret:T}}.";
  assert.equal(dec.decode(redactAll(enc.encode(text), rules)), want);
  for (let cut = 0; cut <= text.length; cut++) {
    assert.equal(streamed(text, [cut]), want, `cut ${cut}`);
  }
  const oneByOne = Array.from({ length: text.length }, (_, i) => i + 1);
  assert.equal(streamed(text, oneByOne), want, "one byte per chunk");
});

Deno.test("bytes without a secret come back unchanged, as the same array when whole", () => {
  const bytes = enc.encode("nothing to hide here");
  assert.equal(redactAll(bytes, rules), bytes);
  assert.equal(streamed("nothing to hide here", [3, 9]), "nothing to hide here");
  assert.throws(
    () => new StreamRedactor([{ needle: new Uint8Array(), replacement: bytes }]),
    /empty/,
  );
});
