/**
 * Finding the line of a field in YAML or JSON source text, so validation
 * errors can say `(line 7)`. Block-style YAML and pretty-printed JSON are
 * located exactly; a field inside a flow mapping (`{ a: 1 }`) is reported
 * at the line of its mapping.
 *
 * @module
 */

import type { LineFinder } from "./field_reader.ts";

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function keyPattern(key: string): RegExp {
  const k = escape(key);
  return new RegExp(`^(?:-\\s+)?(?:${k}|"${k}"|'${k}')\\s*:`);
}

/**
 * A {@linkcode LineFinder} over `text`.
 *
 * @example
 * ```ts
 * import { sourceLineFinder } from "./source_lines.ts";
 * const find = sourceLineFinder("task:\n  id: t1\nmounts:\n  /tmp:\n    type: mem\n");
 * console.log(find(["mounts", "/tmp", "type"])); // 5
 * ```
 */
export function sourceLineFinder(text: string): LineFinder {
  const lines = text.split(/\r?\n/);
  return (path) => {
    let start = 0;
    let parentIndent = -1;
    let parentLine: number | undefined;
    for (const seg of path) {
      if (/^\d+$/.test(seg)) continue; // list items: report the list's line
      // A value written as a flow mapping keeps its keys on the same line.
      if (parentLine !== undefined && isOneLineFlow(lines[parentLine])) break;
      const direct = keyPattern(seg);
      let hit = -1;
      for (let i = start; i < lines.length; i++) {
        const line = lines[i];
        const indent = line.search(/\S/);
        if (indent < 0 || line[indent] === "#") continue;
        if (parentLine !== undefined && indent <= parentIndent) break;
        if (direct.test(line.slice(indent))) {
          hit = i;
          break;
        }
      }
      if (hit < 0) break;
      parentLine = hit;
      parentIndent = lines[hit].search(/\S/);
      start = hit + 1;
    }
    return parentLine === undefined ? undefined : parentLine + 1;
  };
}

/** True when the value after the key is a flow mapping or list closed on the same line. */
function isOneLineFlow(line: string): boolean {
  const m = /:\s*([{[].*)$/.exec(line);
  if (!m) return false;
  let depth = 0;
  for (const c of m[1]) {
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return depth <= 0;
}
