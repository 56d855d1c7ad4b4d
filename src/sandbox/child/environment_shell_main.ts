/**
 * The environment's bundle entry with the shell in it (and every part of
 * the full environment): for shell scripts, module agents `with_shell` and
 * `oanix mcp`. Apart from the others (`environment_main.ts`,
 * `environment_full_main.ts`) because the shell's package is large and
 * most runs never need it. The supervisor uses it as it uses the plain one.
 *
 * Not part of the public API.
 *
 * @module
 */

import { runShell } from "../../shell/run_shell.ts";
import { runTool } from "../tools/run_tool.ts";
import type { ChildMessage } from "../runner/run_protocol.ts";
import { runChildWorker, runEnvironment as runPlainEnvironment } from "./child_run.ts";
import { type ChildStart, ENVIRONMENT_WORKER } from "./child_protocol.ts";
import { FULL_PARTS } from "./full_parts.ts";

/** Runs the environment of one run, with the shell (see `child_run.ts`). */
export function runEnvironment(
  start: ChildStart,
  send: (msg: ChildMessage) => void,
  terminateAgent: () => void,
): Promise<void> {
  return runPlainEnvironment(start, send, terminateAgent, {
    shell: runShell,
    runTool,
    full: FULL_PARTS,
  });
}

if ((globalThis as { name?: unknown }).name === ENVIRONMENT_WORKER) {
  runChildWorker({ shell: runShell, runTool, full: FULL_PARTS });
}
