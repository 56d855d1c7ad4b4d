/**
 * The tools an environment offers a client (`oanix mcp`): their names,
 * descriptions and argument schemas (JSON Schema), and which mounts each
 * needs. The host lists them; the child runs them (`run_tool.ts`).
 *
 * @module
 */

import type { Manifest } from "../manifest/manifest.ts";

/**
 * One tool, as a client sees it.
 *
 * @example
 * ```ts
 * import type { ToolSpec } from "./tool_specs.ts";
 * const t: ToolSpec = {
 *   name: "read",
 *   description: "Reads a file",
 *   inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
 * };
 * ```
 */
export interface ToolSpec {
  /** The tool's name. */
  name: string;
  /** What it does, for the model. */
  description: string;
  /** Its arguments, as a JSON Schema object. */
  inputSchema: {
    type: "object";
    properties: Record<string, unknown>;
    required?: string[];
    additionalProperties?: false;
  };
  /** The mount type the tool needs (`task`, `http`): it is offered only with one. */
  needs?: "task" | "http";
}

/**
 * The host's own operation listing the files served as resources (one path
 * per line), never offered to a client as a tool.
 *
 * @example
 * ```ts
 * import { RESOURCE_LIST } from "./tool_specs.ts";
 * console.log(RESOURCE_LIST); // "oanix.resources.list"
 * ```
 */
export const RESOURCE_LIST = "oanix.resources.list";
/**
 * The host's own operation reading one resource's text.
 *
 * @example
 * ```ts
 * import { RESOURCE_READ } from "./tool_specs.ts";
 * console.log(RESOURCE_READ); // "oanix.resources.read"
 * ```
 */
export const RESOURCE_READ = "oanix.resources.read";
const str = (description: string) => ({ type: "string", description });
const int = (description: string) => ({ type: "integer", minimum: 0, description });
const bool = (description: string) => ({ type: "boolean", description });

function spec(
  name: string,
  description: string,
  properties: Record<string, unknown>,
  required: string[] = [],
  needs?: ToolSpec["needs"],
): ToolSpec {
  return {
    name,
    description,
    inputSchema: { type: "object", properties, required, additionalProperties: false },
    ...(needs ? { needs } : {}),
  };
}

const PATH = "A path in the environment: absolute (/workspace/src/a.ts) or relative to /workspace.";

/**
 * Every tool, in the order they are listed.
 *
 * @example
 * ```ts
 * import { TOOL_SPECS } from "./tool_specs.ts";
 * console.log(TOOL_SPECS.map((t) => t.name).join(" "));
 * ```
 */
export const TOOL_SPECS: readonly ToolSpec[] = Object.freeze([
  spec("read", "Reads a text file of the environment, with line numbers.", {
    path: str(PATH),
    offset: int("The first line to show (1-based; default 1)."),
    limit: int("How many lines to show (default: up to 2,000)."),
  }, ["path"]),
  spec("write", "Creates or replaces a file (its folders are created).", {
    path: str(PATH),
    content: str("The whole new content."),
  }, ["path", "content"]),
  spec(
    "edit",
    "Replaces one exact piece of a file's text. old_string must occur exactly once " +
      "(give more context to make it unique), unless replace_all is true.",
    {
      path: str(PATH),
      old_string: str("The text to replace, exactly as in the file."),
      new_string: str("What replaces it."),
      replace_all: bool("Replace every occurrence (default false)."),
    },
    ["path", "old_string", "new_string"],
  ),
  spec("list", "Lists a folder: one entry per line, folders ending in /.", {
    path: str(`${PATH} Default /workspace.`),
  }),
  spec("glob", "Finds files whose path matches a glob pattern (**/*.ts).", {
    pattern: str("The glob, relative to path."),
    path: str(`The folder to search. ${PATH} Default /workspace.`),
  }, ["pattern"]),
  spec("grep", "Searches file contents for a regular expression; prints path:line:text.", {
    pattern: str("A JavaScript regular expression."),
    path: str(`A file or folder to search. ${PATH} Default /workspace.`),
    glob: str("Only files whose path (relative to path) matches this glob."),
    ignore_case: bool("Match without regard to case."),
  }, ["pattern"]),
  spec(
    "bash",
    "Runs a bash script in the environment's own shell (about 80 commands: grep, sed, awk, " +
      "jq, find, ...) over the environment's files only; no host programs, no network " +
      "except curl through /cap/http when mounted.",
    {
      command: str("The script."),
      cwd: str("The working folder (default /workspace)."),
    },
    ["command"],
  ),
  spec("task", "Reads the task: its id, type, description and input.", {}, [], "task"),
  spec(
    "set_result",
    "Sets the task's result (any JSON) and, optionally, its final status.",
    {
      result: { description: "The result, any JSON value." },
      status: { type: "string", enum: ["completed", "failed"], description: "Default completed." },
      error: str("Why it failed (with status failed)."),
    },
    ["result"],
    "task",
  ),
  spec(
    "http_request",
    "Makes an HTTP request through the environment's /cap/http capability (its allow-list " +
      "and limits hold); returns the status, headers and body.",
    {
      url: str("The URL."),
      method: str("GET (default), POST, ..."),
      headers: { type: "object", additionalProperties: { type: "string" } },
      body: str("The request body, as text."),
    },
    ["url"],
    "http",
  ),
]);

/**
 * The tools offered for `manifest`: those whose mount is there.
 *
 * @example
 * ```ts
 * import { validateManifest } from "../manifest/manifest.ts";
 * import { toolsFor } from "./tool_specs.ts";
 * const m = validateManifest({ mounts: { "/workspace": "mem" } }, "/srv");
 * console.log(toolsFor(m).some((t) => t.name === "http_request")); // false
 * ```
 */
export function toolsFor(manifest: Manifest): ToolSpec[] {
  const types = new Set(Object.values(manifest.mounts).map((m) => m.type));
  return TOOL_SPECS.filter((t) => t.needs === undefined || types.has(t.needs));
}
