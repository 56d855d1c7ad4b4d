/**
 * The shapes of a tool call: what it sees and may do, and its answer. Kept
 * apart from the tools themselves (and their packages), so the plain
 * environment can name them without loading the tools.
 *
 * @module
 */

import type { FileService } from "../../fs/types.ts";
import type { ShellLimits } from "../../shell/shell_limits.ts";
import type { ShellOptions, ShellResult } from "../../shell/shell_options.ts";

/**
 * What a tool call sees and may do.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import type { ToolContext } from "./tool_types.ts";
 * const ctx: ToolContext = { namespace: new MemFs(), cwd: "/" };
 * ```
 */
export interface ToolContext {
  /** The namespace. */
  namespace: FileService;
  /** Where relative paths start (`/workspace` when mounted). */
  cwd: string;
  /** The shell, for `bash`. */
  shell?: (ns: FileService, script: string, options: ShellOptions) => Promise<ShellResult>;
  /** Bounds on each `bash` call. */
  shellLimits?: ShellLimits;
  /** Ends waits and scripts (the session ending). */
  signal?: AbortSignal;
  /** The task mount's path, when there is one. */
  taskRoot?: string;
  /** The HTTP capability's mount path, when there is one. */
  httpRoot?: string;
  /** `set_result`'s status: the session's task ends so. */
  onStatus?: (status: "completed" | "failed", error?: string) => void;
}

/**
 * A tool's answer.
 *
 * @example
 * ```ts
 * import type { ToolAnswer } from "./tool_types.ts";
 * const a: ToolAnswer = { text: "wrote 2 bytes to /tmp/a", isError: false };
 * ```
 */
export interface ToolAnswer {
  /** What the client reads. */
  text: string;
  /** True when the call failed (a refusal, a bad argument, a script's non-zero exit). */
  isError: boolean;
}

/**
 * Runs one tool call (what `run_tool.ts` exports as `runTool`).
 *
 * @example
 * ```ts
 * import type { ToolRunner } from "./tool_types.ts";
 * const echo: ToolRunner = (_ctx, name) => Promise.resolve({ text: name, isError: false });
 * ```
 */
export type ToolRunner = (ctx: ToolContext, name: string, args: unknown) => Promise<ToolAnswer>;
