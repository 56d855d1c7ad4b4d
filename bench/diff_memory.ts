/**
 * Peak memory and time of the change diff for a 12,000-line rewrite
 * (target: under 1 s and 200 MB), measured as the process's resident size.
 *
 *   deno run --v8-flags=--expose-gc bench/diff_memory.ts [lines]
 */
import { unifiedDiff } from "../src/sandbox/runner/unified_diff.ts";

const n = Number(Deno.args[0] ?? 12000);
const make = (word: string) =>
  Array.from({ length: n }, (_, i) => `${word} ${i}: some text on the line\n`).join("");
const before = make("line");
const after = make("LINE");
(globalThis as { gc?: () => void }).gc?.();
const base = Deno.memoryUsage().rss;
let peak = base;
const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 5);
const started = performance.now();
const diff = unifiedDiff("/f.txt", before, after);
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, Deno.memoryUsage().rss);
console.log(
  `${n}-line rewrite: ${ms.toFixed(0)} ms, peak resident +${
    ((peak - base) / 2 ** 20).toFixed(1)
  } MiB ` +
    `(total ${(peak / 2 ** 20).toFixed(0)} MiB), diff ${diff.length} characters`,
);
