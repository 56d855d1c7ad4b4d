/**
 * Unified diffs of text files, for a run's `changes.diff`: jsdiff's Myers
 * line diff with a cap on the edit distance, so time and memory stay
 * linear in the size of the change. Past the cap, a file is shown as
 * replaced whole, or (when that is too large) named as differing.
 *
 * @module
 */

// deno-lint-ignore no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
import { structuredPatch } from "npm:diff@9.0.0";

/**
 * Limits of {@linkcode unifiedDiff}.
 *
 * @example
 * ```ts
 * import type { DiffOptions } from "@oanix/oanix";
 * const opts: DiffOptions = { context: 3, maxEditLength: 1000 };
 * ```
 */
export interface DiffOptions {
  /** Unchanged lines around each change (default 3). */
  context?: number;
  /** The most added plus removed lines searched for a minimal diff (default 1,000). */
  maxEditLength?: number;
  /** A file replaced whole is shown line by line up to this many bytes, before and after together (default 1 MiB). */
  maxReplacementBytes?: number;
}

/** The defaults of {@linkcode DiffOptions}. */
const DEFAULTS = { context: 3, maxEditLength: 1000, maxReplacementBytes: 1024 * 1024 };

// deno-lint-ignore no-control-regex -- control characters are what it finds
const UNSAFE_IN_NAME = /[\x00-\x1f\x7f"\\]/;

/**
 * A file name as diff headers print it: plain, or C-quoted (`"a/x\ny"`)
 * when it holds a quote, a backslash or a control character, as git does,
 * so a name cannot forge a header line.
 *
 * @example
 * ```ts
 * import { diffName } from "./unified_diff.ts";
 * console.log(diffName("a/ok.txt"), diffName("a/bad\nname")); // a/ok.txt "a/bad\nname"
 * ```
 */
export function diffName(name: string): string {
  if (!UNSAFE_IN_NAME.test(name)) return name;
  const escaped = name.replace(new RegExp(UNSAFE_IN_NAME, "g"), (c) => {
    const named: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };
    if (named[c]) return named[c];
    if (c === '"' || c === "\\") return `\\${c}`;
    return `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`;
  });
  return `"${escaped}"`;
}

/** Lines with their terminators, so a last line without "\n" differs from one with it. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function bodyLines(mark: string, lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.endsWith("\n")) out.push(mark + line.slice(0, -1));
    else out.push(mark + line, "\\ No newline at end of file");
  }
  return out;
}

function range(start: number, count: number): string {
  return `${count === 0 ? start - 1 : start},${count}`;
}

/**
 * A unified diff between two versions of a text file, with `context` lines
 * around each change. Empty when the texts are equal. A file that did not
 * exist is given as `null`. When the minimal diff needs more than
 * `maxEditLength` changed lines, the file is shown as removed and added
 * whole (a valid, if not minimal, diff), or past `maxReplacementBytes` as
 * one line: `Files a/x and b/x differ (N → M bytes)`.
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
  options: DiffOptions | number = {},
): string {
  if (before === after) return "";
  const opts = { ...DEFAULTS, ...(typeof options === "number" ? { context: options } : options) };
  const name = path.replace(/^\/+/, "");
  const header = [
    `--- ${before === null ? "/dev/null" : diffName(`a/${name}`)}`,
    `+++ ${after === null ? "/dev/null" : diffName(`b/${name}`)}`,
  ];
  const a = before ?? "";
  const b = after ?? "";
  const patch = before === null || after === null
    ? undefined
    : structuredPatch(name, name, a, b, undefined, undefined, {
      context: opts.context,
      maxEditLength: opts.maxEditLength,
    });
  if (patch !== undefined) {
    const out = [...header];
    for (const h of patch.hunks) {
      out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
      out.push(...h.lines);
    }
    return out.join("\n") + "\n";
  }
  // Added, deleted, or past the cap: replaced whole.
  if (before !== null && after !== null && a.length + b.length > opts.maxReplacementBytes) {
    const size = (t: string) => new TextEncoder().encode(t).length;
    return `Files ${diffName(`a/${name}`)} and ${diffName(`b/${name}`)} differ ` +
      `(${size(a)} → ${size(b)} bytes)\n`;
  }
  const oldLines = splitLines(a);
  const newLines = splitLines(b);
  return [
    ...header,
    `@@ -${range(1, oldLines.length)} +${range(1, newLines.length)} @@`,
    ...bodyLines("-", oldLines),
    ...bodyLines("+", newLines),
  ].join("\n") + "\n";
}
