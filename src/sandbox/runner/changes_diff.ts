/**
 * The text of a run's `changes.diff`: every changed text file of every
 * copy-on-write workspace as a unified diff, binary files named.
 *
 * @module
 */

import type { ChangeRecord } from "./run_protocol.ts";
import { diffName, type DiffOptions, unifiedDiff } from "./unified_diff.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The text of base64 content: null when absent, undefined when binary or not base64. */
function textOf(b64: string | undefined): string | null | undefined {
  if (b64 === undefined) return null;
  try {
    const bytes = Uint8Array.fromBase64(b64);
    return bytes.includes(0) ? undefined : decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Options for {@linkcode changesDiff}.
 *
 * @example
 * ```ts
 * import type { ChangesDiffOptions } from "@oanix/oanix";
 * const opts: ChangesDiffOptions = { maxBytes: 1 << 20, diff: { context: 5 } };
 * ```
 */
export interface ChangesDiffOptions {
  /** How each file is diffed. */
  diff?: DiffOptions;
  /** The most characters of diff text; the files past it are counted, not shown (default 64 Mi). */
  maxBytes?: number;
}

/**
 * A unified diff of every changed text file; binary files are named. Each
 * file costs time and memory linear in its size (see {@linkcode unifiedDiff});
 * the whole text stops at `maxBytes`, with a last line saying how many
 * files were left out.
 *
 * @example
 * ```ts
 * import { changesDiff } from "@oanix/oanix";
 * const after = new TextEncoder().encode("x\n").toBase64();
 * console.log(changesDiff([{ mount: "/w", path: "/a", change: "added", kind: "file", afterBase64: after }]));
 * ```
 */
export function changesDiff(changes: ChangeRecord[], options: ChangesDiffOptions = {}): string {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const parts: string[] = [];
  let size = 0;
  let left = 0;
  for (const c of changes) {
    if (c.kind !== "file") continue;
    if (size >= maxBytes) {
      left++;
      continue;
    }
    const before = c.change === "added" ? null : textOf(c.beforeBase64);
    const after = c.change === "deleted" ? null : textOf(c.afterBase64);
    const name = `${c.mount}${c.path}`;
    const part = before === undefined || after === undefined
      ? `Binary files ${diffName(`a${name}`)} and ${diffName(`b${name}`)} differ\n`
      : unifiedDiff(name, before, after, options.diff);
    if (size + part.length > maxBytes) {
      left++;
      size = maxBytes;
      continue;
    }
    parts.push(part);
    size += part.length;
  }
  if (left > 0) {
    parts.push(
      `# ${left} more changed file(s) not shown: the diff is capped at ${maxBytes} characters\n`,
    );
  }
  return parts.join("");
}
