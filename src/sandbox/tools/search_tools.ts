// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * The search tools over a namespace: `glob` (paths matching a pattern,
 * minimatch's syntax) and `grep` (lines matching a regular expression).
 * Both walk the tree without following links, skip what cannot be read
 * (capability files not ready, binary files) and stop at a bound, saying so.
 *
 * @module
 */

import { minimatch } from "npm:minimatch@10.2.6";
import { isFsError } from "../../fs/errors.ts";
import type { FileService } from "../../fs/types.ts";
import { walk } from "../../fs/walk.ts";
import { readTextFile, resolveToolPath, toolError } from "./file_tools.ts";
import { type ToolArgs, ToolError } from "./tool_args.ts";

/** The most paths `glob` lists. */
export const MAX_GLOB_PATHS = 1000;
/** The most lines `grep` prints. */
export const MAX_GREP_LINES = 500;
/** Characters a printed line is cut to. */
const MAX_LINE_CHARS = 500;

/** The files (and, for glob, folders) under `root`, with their paths relative to it. */
function* filesUnder(ns: FileService, root: string): Generator<{ path: string; rel: string }> {
  let entries;
  try {
    const stat = ns.stat(root);
    if (stat.kind === "file") {
      yield { path: root, rel: root.slice(root.lastIndexOf("/") + 1) };
      return;
    }
    entries = walk(ns, root);
  } catch (e) {
    throw toolError(e);
  }
  const prefix = root === "/" ? 1 : root.length + 1;
  for (const { path, stat } of entries) {
    if (stat.kind === "file") yield { path, rel: path.slice(prefix) };
  }
}

function matcher(pattern: string): (rel: string) => boolean {
  if (pattern === "") throw new ToolError("the glob is empty");
  return (rel) => minimatch(rel, pattern, { dot: true, matchBase: !pattern.includes("/") });
}

/** `glob`: the files under `path` whose relative path matches the pattern. */
export function globTool(ns: FileService, a: ToolArgs, cwd: string): string {
  const matches = matcher(a.string("pattern"));
  const root = resolveToolPath(a.optionalString("path") ?? cwd, cwd);
  a.done();
  const found: string[] = [];
  for (const { path, rel } of filesUnder(ns, root)) {
    if (!matches(rel)) continue;
    if (found.length === MAX_GLOB_PATHS) {
      found.push(`(more than ${MAX_GLOB_PATHS} paths: narrow the pattern)`);
      break;
    }
    found.push(path);
  }
  return found.length === 0 ? "(no files match)" : found.join("\n");
}

/** `grep`: `path:line:text` for each matching line. */
export function grepTool(ns: FileService, a: ToolArgs, cwd: string): string {
  const source = a.string("pattern");
  const root = resolveToolPath(a.optionalString("path") ?? cwd, cwd);
  const glob = a.optionalString("glob");
  const flags = a.optionalBoolean("ignore_case") ? "i" : "";
  a.done();
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    throw new ToolError(`grep: not a regular expression: ${(e as Error).message}`);
  }
  const only = glob === undefined ? undefined : matcher(glob);
  const out: string[] = [];
  for (const { path, rel } of filesUnder(ns, root)) {
    if (only && !only(rel)) continue;
    let text: string;
    try {
      text = readTextFile(ns, path);
    } catch (e) {
      if (e instanceof ToolError || isFsError(e)) continue; // binary, too large, not ready
      throw e;
    }
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!re.test(lines[i])) continue;
      if (out.length === MAX_GREP_LINES) {
        out.push(`(more than ${MAX_GREP_LINES} matching lines: narrow the search)`);
        return out.join("\n");
      }
      const line = lines[i].length > MAX_LINE_CHARS
        ? `${lines[i].slice(0, MAX_LINE_CHARS)}…`
        : lines[i];
      out.push(`${path}:${i + 1}:${line}`);
    }
  }
  return out.length === 0 ? "(no matches)" : out.join("\n");
}
