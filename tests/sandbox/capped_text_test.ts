import assert from "@std/assert";
import { CappedQueue } from "../../src/sandbox/runner/capped_text.ts";

/** Runs `code` (a module importing CappedText) in a worker, which is ended after `ms`. */
async function inWorker(code: string, ms = 10_000): Promise<unknown> {
  const url = new URL("../../src/sandbox/runner/capped_text.ts", import.meta.url).href;
  const src = `import { CappedText } from ${JSON.stringify(url)};\n` +
    `const run = () => { ${code} };\nself.postMessage(run());\n`;
  const worker = new Worker(
    URL.createObjectURL(new Blob([src], { type: "text/javascript" })),
    {
      type: "module",
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(e.message);
      timer = setTimeout(
        () => reject(new Error(`still running after ${ms} ms`)),
        ms,
      );
    });
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}

Deno.test("a cut inside a multi-byte character ends, and keeps whole characters", async () => {
  const out = await inWorker(`
    const t = new CappedText(10);
    t.append("é" + "a".repeat(9));
    const u = new CappedText(1);
    u.append("é");
    const v = new CappedText(4);
    v.append("aé€x");
    return [t.text(), t.dropped, u.text(), u.dropped, v.text(), v.dropped];
  `);
  assert.deepEqual(out, ["a".repeat(9), 2, "", 2, "€x", 3]);
});

Deno.test("kept bytes plus dropped bytes are every byte appended, never over the cap", async () => {
  const out = await inWorker(`
    const enc = new TextEncoder();
    const pieces = ["a", "é", "€", "𝄞", "xyz\\n", "", "ü".repeat(7)];
    const t = new CappedText(13);
    let total = 0;
    for (let i = 0; i < 500; i++) {
      const p = pieces[(i * 7) % pieces.length].repeat(1 + (i % 3));
      total += enc.encode(p).length;
      t.append(p);
      const kept = enc.encode(t.text()).length;
      if (kept > 13 || kept + t.dropped !== total || t.text().includes("\\uFFFD")) {
        return { i, kept, dropped: t.dropped, total, text: t.text() };
      }
    }
    return "ok";
  `);
  assert.equal(out, "ok");
});

Deno.test("many small appends past the cap take linear time", async () => {
  // A million lines into a 512 KiB cap: dropping the oldest line must not copy
  // the whole list of kept lines each time.
  const out = await inWorker(`
    const t = new CappedText(1 << 19);
    for (let i = 0; i < 1_000_000; i++) t.append("\\n");
    return [t.text().length, t.dropped];
  `);
  assert.deepEqual(out, [1 << 19, 1_000_000 - (1 << 19)]);
});

Deno.test("CappedQueue keeps the newest whole items within the cap and counts the dropped", () => {
  const q = new CappedQueue<{ n: number }>(
    30,
    (e) => JSON.stringify(e).length + 1,
  );
  for (let n = 0; n < 10; n++) q.push({ n });
  assert.deepEqual(q.items().map((e) => e.n), [7, 8, 9]); // 8 bytes each
  assert.equal(q.dropped, 7);
  const big = new CappedQueue<string>(3, (s) => s.length);
  big.push("toolong");
  assert.deepEqual(big.items(), [], "an item over the cap is dropped at once");
  assert.equal(big.dropped, 1);
  for (let i = 0; i < 5000; i++) big.push("x");
  assert.deepEqual(big.items(), ["x", "x", "x"]);
  assert.equal(big.dropped, 4998);
});
