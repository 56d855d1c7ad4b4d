/**
 * The file tools over a namespace: read (with line numbers), write, edit
 * (one exact replacement) and list. Paths are the environment's, absolute
 * or relative to the working folder; every refusal is the namespace's own
 * (a read-only mount, a path that is not there), worded for the client.
 *
 * @module
 */

import { FsError, isFsError } from "../../fs/errors.ts";
import { readFile, writeFile } from "../../fs/file_io.ts";
import { joinPath, normalizePath, parentPath } from "../../fs/path.ts";
import type { FileService } from "../../fs/types.ts";
import { type ToolArgs, ToolError } from "./tool_args.ts";

/** Lines `read` shows when no limit is given. */
export const DEFAULT_READ_LINES = 2000;
/** Characters a shown line is cut to. */
const MAX_LINE_CHARS = 2000;
/** The largest file the text tools load. */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * `path` made absolute against `cwd` and normalised.
 *
 * @example
 * ```ts
 * import { resolveToolPath } from "./file_tools.ts";
 * console.log(resolveToolPath("src/../a.ts", "/workspace")); // "/workspace/a.ts"
 * ```
 */
export function resolveToolPath(path: string, cwd: string): string {
  if (path === "") throw new ToolError("the path is empty");
  try {
    return normalizePath(path.startsWith("/") ? path : joinPath(cwd, path));
  } catch (e) {
    throw toolError(e);
  }
}

/**
 * A namespace error as a tool error (`ENOENT: no such file: /x`); any
 * other error is passed on.
 *
 * @example
 * ```ts
 * import { FsError } from "../../fs/errors.ts";
 * import { toolError } from "./file_tools.ts";
 * console.log(toolError(new FsError("EROFS", "/task/spec.json")).message);
 * ```
 */
export function toolError(e: unknown): unknown {
  return isFsError(e) ? new ToolError(e.message) : e;
}

/**
 * The text of a file, refusing folders, binary files and files too large.
 *
 * @example
 * ```ts
 * import { MemFs, writeText } from "@oanix/oanix";
 * import { readTextFile } from "./file_tools.ts";
 * const fs = new MemFs();
 * writeText(fs, "/a.txt", "hi");
 * console.log(readTextFile(fs, "/a.txt")); // "hi"
 * ```
 */
export function readTextFile(ns: FileService, path: string): string {
  try {
    const stat = ns.stat(path);
    if (stat.kind === "dir") throw new ToolError(`${path} is a folder: use list`);
    if (stat.size > MAX_TEXT_BYTES) {
      throw new ToolError(`${path} is too large to read as text (${stat.size} bytes)`);
    }
    const bytes = readFile(ns, path);
    if (bytes.includes(0)) throw new ToolError(`${path} is a binary file (${bytes.length} bytes)`);
    try {
      return decoder.decode(bytes);
    } catch {
      throw new ToolError(`${path} is not UTF-8 text (${bytes.length} bytes)`);
    }
  } catch (e) {
    throw toolError(e);
  }
}

/** `read`: lines with their numbers, `cat -n` style. */
export function readTool(ns: FileService, a: ToolArgs, cwd: string): string {
  const path = resolveToolPath(a.string("path"), cwd);
  const offset = a.optionalInteger("offset", 1) ?? 1;
  const limit = a.optionalInteger("limit", 1) ?? DEFAULT_READ_LINES;
  a.done();
  const text = readTextFile(ns, path);
  if (text === "") return `(${path} is empty)`;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (offset > lines.length) {
    throw new ToolError(`${path} has ${lines.length} lines; offset ${offset} is past the end`);
  }
  const shown = lines.slice(offset - 1, offset - 1 + limit).map((line, i) => {
    const cut = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
    return `${String(offset + i).padStart(6)}\t${cut}`;
  });
  const rest = lines.length - (offset - 1 + shown.length);
  return shown.join("\n") + (rest > 0 ? `\n(${rest} more lines: read with offset)` : "");
}

/** Creates the missing folders above `path`. */
function makeParents(ns: FileService, path: string): void {
  const missing: string[] = [];
  for (let dir = parentPath(path); dir !== "/"; dir = parentPath(dir)) {
    try {
      if (ns.stat(dir).kind !== "dir") throw new FsError("ENOTDIR", dir);
      break;
    } catch (e) {
      if (!(isFsError(e) && e.code === "ENOENT")) throw e;
      missing.push(dir);
    }
  }
  for (const dir of missing.reverse()) ns.mkdir(dir);
}

/** `write`: the whole content, folders created. */
export function writeTool(ns: FileService, a: ToolArgs, cwd: string): string {
  const path = resolveToolPath(a.string("path"), cwd);
  const content = a.string("content");
  a.done();
  try {
    makeParents(ns, path);
    writeFile(ns, path, content);
  } catch (e) {
    throw toolError(e);
  }
  return `wrote ${new TextEncoder().encode(content).length} bytes to ${path}`;
}

/** `edit`: one exact replacement (or all, with replace_all). */
export function editTool(ns: FileService, a: ToolArgs, cwd: string): string {
  const path = resolveToolPath(a.string("path"), cwd);
  const oldString = a.string("old_string");
  const newString = a.string("new_string");
  const all = a.optionalBoolean("replace_all") ?? false;
  a.done();
  if (oldString === "") throw new ToolError("edit: old_string is empty");
  if (oldString === newString) throw new ToolError("edit: old_string and new_string are the same");
  const text = readTextFile(ns, path);
  const count = text.split(oldString).length - 1;
  if (count === 0) throw new ToolError(`edit: old_string does not occur in ${path}`);
  if (count > 1 && !all) {
    throw new ToolError(
      `edit: old_string occurs ${count} times in ${path}: give more context, or replace_all`,
    );
  }
  const next = all
    ? text.replaceAll(oldString, () => newString)
    : text.replace(oldString, () => newString);
  try {
    writeFile(ns, path, next);
  } catch (e) {
    throw toolError(e);
  }
  return `replaced ${all ? count : 1} occurrence${all && count > 1 ? "s" : ""} in ${path}`;
}

/** `list`: one entry per line, folders ending in `/`, links in `@`. */
export function listTool(ns: FileService, a: ToolArgs, cwd: string): string {
  const path = resolveToolPath(a.optionalString("path") ?? cwd, cwd);
  a.done();
  try {
    const entries = ns.readdir(path);
    if (entries.length === 0) return `(${path} is empty)`;
    return entries.map((e) => e.name + (e.kind === "dir" ? "/" : e.kind === "symlink" ? "@" : ""))
      .join("\n");
  } catch (e) {
    throw toolError(e);
  }
}
