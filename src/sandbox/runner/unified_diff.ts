/**
 * Unified diffs of text files, for a run's `changes.diff`. Line diffing
 * uses Myers' O(ND) algorithm.
 *
 * @module
 */

type Op = { kind: "same" | "del" | "add"; line: string };

/** The shortest edit script from `a` to `b`, as a list of line operations. */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
        ? v[offset + k + 1]
        : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from the end to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: "same", line: a[--x] }) && y--;
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "add", line: b[--y] });
      else ops.push({ kind: "del", line: a[--x] });
    }
  }
  return ops.reverse();
}

/** Lines with their terminators, so a last line without "\n" differs from one with it. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * A unified diff between two versions of a text file, with `context`
 * lines around each change. Empty when the texts are equal. A file that
 * did not exist is given as `null`.
 *
 * @example
 * ```ts
 * import { unifiedDiff } from "@oanix/oanix";
 * console.log(unifiedDiff("/a.txt", "one\ntwo\n", "one\n2\n"));
 * // --- a/a.txt
 * // +++ b/a.txt
 * // @@ -1,2 +1,2 @@
 * //  one
 * // -two
 * // +2
 * ```
 */
export function unifiedDiff(
  path: string,
  before: string | null,
  after: string | null,
  context = 3,
): string {
  if (before === after) return "";
  const a = splitLines(before ?? "");
  const b = splitLines(after ?? "");
  const ops = diffLines(a, b);
  const name = path.replace(/^\/+/, "");
  const out = [
    `--- ${before === null ? "/dev/null" : `a/${name}`}`,
    `+++ ${after === null ? "/dev/null" : `b/${name}`}`,
  ];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === "same") {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` after the last change near it.
    let start = i;
    let back = 0;
    while (start > 0 && back < context && ops[start - 1].kind === "same") {
      start--;
      back++;
    }
    let end = i;
    let trailing = 0; // unchanged lines at the end of [start, end)
    while (end < ops.length) {
      if (ops[end].kind === "same") {
        if (trailing === 2 * context) break;
        trailing++;
      } else trailing = 0;
      end++;
    }
    end -= Math.max(0, trailing - context);
    let aStart = 0;
    let bStart = 0;
    for (let j = 0; j < start; j++) {
      if (ops[j].kind !== "add") aStart++;
      if (ops[j].kind !== "del") bStart++;
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.kind !== "add").length;
    const bLen = hunk.filter((o) => o.kind !== "del").length;
    out.push(
      `@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${
        bLen === 0 ? bStart : bStart + 1
      },${bLen} @@`,
    );
    for (const o of hunk) {
      const mark = o.kind === "same" ? " " : o.kind === "del" ? "-" : "+";
      if (o.line.endsWith("\n")) out.push(mark + o.line.slice(0, -1));
      else out.push(mark + o.line, "\\ No newline at end of file");
    }
    i = end;
  }
  return out.join("\n") + "\n";
}
