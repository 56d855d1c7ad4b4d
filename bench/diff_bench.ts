/**
 * The change diff (`changes.diff`) against OANIX 0.1's (a Myers trace that
 * copies the frontier per step: quadratic in the change). Targets: a
 * 12,000-line rewrite under 1 s (and, in bench/diff_memory.ts, 200 MB).
 *
 *   deno bench -A bench/diff_bench.ts
 */
import { unifiedDiff } from "../src/sandbox/runner/unified_diff.ts";
import { unifiedDiff as myersTraceDiff } from "./fixtures/myers_trace_diff.ts";

function lines(n: number, word: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => `${word(i)} ${i}: some text on the line\n`).join("");
}

const before2k = lines(2000, () => "line");
const rewritten2k = lines(2000, () => "LINE");
const before12k = lines(12000, () => "line");
const rewritten12k = lines(12000, () => "LINE");
const everyThird12k = lines(12000, (i) => (i % 3 === 0 ? "LINE" : "line"));
const oneLine12k = before12k.replace("line 6000:", "changed 6000:");

Deno.bench("2,000 lines rewritten: OANIX 0.1 (Myers trace)", {
  group: "rewrite 2k",
  baseline: true,
}, () => {
  myersTraceDiff("/f.txt", before2k, rewritten2k);
});
Deno.bench("2,000 lines rewritten: jsdiff, capped", { group: "rewrite 2k" }, () => {
  unifiedDiff("/f.txt", before2k, rewritten2k);
});

Deno.bench("12,000 lines: every line rewritten", { group: "12k" }, () => {
  unifiedDiff("/f.txt", before12k, rewritten12k);
});
Deno.bench("12,000 lines: every third line rewritten", { group: "12k" }, () => {
  unifiedDiff("/f.txt", before12k, everyThird12k);
});
Deno.bench("12,000 lines: one line changed", { group: "12k", baseline: true }, () => {
  unifiedDiff("/f.txt", before12k, oneLine12k);
});
