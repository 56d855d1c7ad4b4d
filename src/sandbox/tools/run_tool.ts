/**
 * Running one tool call over an environment's namespace: the file and
 * search tools, `bash` through the shell, the task's spec and result, and
 * `http_request` through the HTTP capability. The answer is text, and an
 * error flag the client sees.
 *
 * @module
 */

import { readFile, writeText } from "../../fs/file_io.ts";
import type { FileService } from "../../fs/types.ts";
import type { ShellResult } from "../../shell/shell_options.ts";
import { readWhole } from "../../shell/waiting_read.ts";
import { walk } from "../../fs/walk.ts";
import {
  editTool,
  listTool,
  readTextFile,
  readTool,
  resolveToolPath,
  toolError,
  writeTool,
} from "./file_tools.ts";
import { globTool, grepTool } from "./search_tools.ts";
import { ToolArgs, ToolError } from "./tool_args.ts";
import { RESOURCE_LIST, RESOURCE_READ } from "./tool_specs.ts";
import type { ToolAnswer, ToolContext } from "./tool_types.ts";

export type { ToolAnswer, ToolContext } from "./tool_types.ts";

/** The most files listed as resources. */
export const MAX_RESOURCES = 1000;

/** The files of the namespace, capability files aside, up to {@linkcode MAX_RESOURCES}. */
function listResources(ns: FileService): string {
  const paths: string[] = [];
  for (const { path, stat } of walk(ns, "/")) {
    if (path === "/cap" || path.startsWith("/cap/")) continue;
    if (stat.kind !== "file") continue;
    paths.push(path);
    if (paths.length === MAX_RESOURCES) break;
  }
  return paths.join("\n");
}

/** Characters of an HTTP body shown. */
const MAX_BODY_CHARS = 256 * 1024;
let requests = 0;

function bashText(r: ShellResult): string {
  const parts = [r.stdout];
  if (r.stderr !== "") parts.push(`[stderr]\n${r.stderr}`);
  if (r.exitCode !== 0 || r.timedOut || r.truncated) {
    const why = r.timedOut ? " (out of time)" : r.truncated ? " (output limit)" : "";
    parts.push(`[exit code ${r.exitCode}${why}]`);
  }
  return parts.filter((p) => p !== "").join("\n") || "(no output)";
}

async function bash(ctx: ToolContext, a: ToolArgs): Promise<ToolAnswer> {
  const command = a.string("command");
  const cwd = a.optionalString("cwd") ?? ctx.cwd;
  a.done();
  if (ctx.shell === undefined) throw new ToolError("bash: this environment has no shell");
  try {
    const r = await ctx.shell(ctx.namespace, command, {
      cwd,
      ...(ctx.shellLimits ? { limits: ctx.shellLimits } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    return { text: bashText(r), isError: r.exitCode !== 0 };
  } catch (e) {
    if (e instanceof TypeError) throw new ToolError(`bash: ${e.message}`);
    throw toolError(e);
  }
}

function task(ctx: ToolContext, a: ToolArgs): string {
  a.done();
  if (ctx.taskRoot === undefined) throw new ToolError("task: no task is mounted");
  return readTextFile(ctx.namespace, `${ctx.taskRoot}/spec.json`);
}

function setResult(ctx: ToolContext, a: ToolArgs): string {
  const result = a.value("result");
  const status = a.optionalString("status") ?? "completed";
  const error = a.optionalString("error");
  a.done();
  if (ctx.taskRoot === undefined) throw new ToolError("set_result: no task is mounted");
  if (status !== "completed" && status !== "failed") {
    throw new ToolError(`set_result: status must be completed or failed, got ${status}`);
  }
  if (error !== undefined && status !== "failed") {
    throw new ToolError("set_result: error goes with status failed");
  }
  try {
    writeText(ctx.namespace, `${ctx.taskRoot}/result.json`, JSON.stringify(result));
  } catch (e) {
    throw toolError(e);
  }
  ctx.onStatus?.(status, error);
  return `result set; the task ends ${status} when the session does`;
}

function bodyText(ctx: ToolContext, response: Record<string, unknown>): string {
  if (typeof response.body === "string") {
    if (response.body_encoding !== "base64") return response.body;
    const bytes = Uint8Array.fromBase64(response.body);
    return textOrSize(bytes);
  }
  if (typeof response.body_file === "string") {
    return textOrSize(readFile(ctx.namespace, `${ctx.httpRoot}/responses/${response.body_file}`));
  }
  return "";
}

function textOrSize(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.length > MAX_BODY_CHARS
      ? `${text.slice(0, MAX_BODY_CHARS)}\n(${text.length - MAX_BODY_CHARS} more characters)`
      : text;
  } catch {
    return `(a binary body of ${bytes.length} bytes)`;
  }
}

async function httpRequest(ctx: ToolContext, a: ToolArgs): Promise<string> {
  const url = a.string("url");
  const method = a.optionalString("method") ?? "GET";
  const headers = a.optionalStringMap("headers");
  const body = a.optionalString("body");
  a.done();
  if (ctx.httpRoot === undefined) {
    throw new ToolError("http_request: no HTTP capability is mounted");
  }
  const id = `mcp-${++requests}-${crypto.randomUUID().slice(0, 8)}`;
  const request = { id, url, method, ...(headers ? { headers } : {}), ...(body ? { body } : {}) };
  let response: Record<string, unknown>;
  try {
    writeText(ctx.namespace, `${ctx.httpRoot}/request`, JSON.stringify(request));
    const bytes = await readWhole(
      ctx.namespace,
      `${ctx.httpRoot}/responses/${id}.json`,
      ctx.signal,
    );
    response = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw toolError(e);
  }
  if (typeof response.error === "string") {
    const rule = typeof response.rule === "string" ? ` (${response.rule})` : "";
    throw new ToolError(
      `http_request: ${response.error_kind ?? "failed"}${rule}: ${response.error}`,
    );
  }
  const head = Object.entries((response.headers ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}: ${v}`);
  return [
    `HTTP ${response.status} ${response.status_text ?? ""}`.trimEnd(),
    ...head,
    "",
    bodyText(ctx, response),
  ]
    .join("\n");
}

/**
 * Runs tool `name` with `args` in `ctx`. Refusals and bad arguments come
 * back as answers with `isError`, never as exceptions; an exception is a
 * fault of the environment itself.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { runTool } from "./run_tool.ts";
 * const ctx = { namespace: new MemFs(), cwd: "/" };
 * await runTool(ctx, "write", { path: "a.txt", content: "hi\n" });
 * console.log((await runTool(ctx, "read", { path: "/a.txt" })).text); // "     1\thi"
 * ```
 */
export async function runTool(ctx: ToolContext, name: string, args: unknown): Promise<ToolAnswer> {
  try {
    const a = new ToolArgs(name, args);
    const ns = ctx.namespace;
    switch (name) {
      case "read":
        return { text: readTool(ns, a, ctx.cwd), isError: false };
      case "write":
        return { text: writeTool(ns, a, ctx.cwd), isError: false };
      case "edit":
        return { text: editTool(ns, a, ctx.cwd), isError: false };
      case "list":
        return { text: listTool(ns, a, ctx.cwd), isError: false };
      case "glob":
        return { text: globTool(ns, a, ctx.cwd), isError: false };
      case "grep":
        return { text: grepTool(ns, a, ctx.cwd), isError: false };
      case "bash":
        return await bash(ctx, a);
      case "task":
        return { text: task(ctx, a), isError: false };
      case "set_result":
        return { text: setResult(ctx, a), isError: false };
      case "http_request":
        return { text: await httpRequest(ctx, a), isError: false };
      case RESOURCE_LIST:
        a.done();
        return { text: listResources(ns), isError: false };
      case RESOURCE_READ: {
        const path = resolveToolPath(a.string("path"), "/");
        a.done();
        return { text: readTextFile(ns, path), isError: false };
      }
      default:
        throw new ToolError(`no such tool: ${name}`);
    }
  } catch (e) {
    const err = toolError(e);
    if (err instanceof ToolError) return { text: err.message, isError: true };
    throw err;
  }
}
