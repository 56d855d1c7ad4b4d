/**
 * The types of a run: its options, its progress, its report and its exit
 * codes.
 *
 * @module
 */

import type { Permissions } from "../manifest/permissions.ts";
import type { PermissionCheck } from "./audit.ts";
import type { ChangeRecord } from "./run_protocol.ts";
import type { ChildPool } from "./child_pool.ts";

/**
 * Exit codes of a run, as the CLI returns them.
 *
 * @example
 * ```ts
 * import { EXIT_CODES } from "@oanix/oanix";
 * console.log(EXIT_CODES.timeout); // 124
 * ```
 */
export const EXIT_CODES = {
  completed: 0,
  failed: 1,
  usage: 2,
  timeout: 124,
  limit: 125,
  interrupted: 130,
  memory: 137,
} as const;

/**
 * How a run ended: `completed`, `failed` (the program failed, or the run
 * could not finish), `timeout` (limits.timeout), `memory` (limits.memory),
 * `limit` (another limit: threads, the audit log), `interrupted` (stopped
 * by its signal, e.g. Ctrl-C).
 *
 * @example
 * ```ts
 * import { EXIT_CODES, type RunOutcome } from "@oanix/oanix";
 * const outcome: RunOutcome = "memory";
 * console.log(EXIT_CODES[outcome]); // 137
 * ```
 */
export type RunOutcome = "completed" | "failed" | "timeout" | "memory" | "limit" | "interrupted";

/**
 * Options for {@linkcode runSandboxed}.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "@oanix/oanix";
 * const opts: RunOptions = { outDir: "out/demo", onOutput: (s, t) => console.log(s, t) };
 * ```
 */
export interface RunOptions {
  /** Where to write the output folder (default `out/<run id>`). */
  outDir?: string;
  /** Commit a `cow` workspace's changes to its real folder when the run completes. */
  apply?: boolean;
  /** Live output of the agent. */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  /** Live events from /logs/events.jsonl. */
  onEvent?: (event: Record<string, unknown>) => void;
  /** Live task status changes. */
  onStatus?: (status: Record<string, unknown>) => void;
  /** Progress: each change of phase, and of the counts of events, denials and changes. */
  onProgress?: (progress: RunProgress) => void;
  /**
   * Stops the run: the child is killed, the output folder is written with
   * what was captured, outcome `interrupted`.
   */
  signal?: AbortSignal;
  /** The largest permission audit log the child may write before the run is killed (64 MiB). */
  maxAuditBytes?: number;
  /** Children started ahead of their runs (see `ChildPool`): a warm start for many runs. */
  pool?: ChildPool;
  /**
   * Serve tool calls instead of running a program (what `oanix mcp`
   * does): the manifest has no program; the environment answers calls
   * until the session ends (`end()`) or its time is up.
   */
  session?: SessionOptions;
}

/**
 * A serving session's options.
 *
 * @example
 * ```ts
 * import type { SessionOptions } from "@oanix/oanix";
 * const session: SessionOptions = {
 *   timeoutSecs: 3600,
 *   onReady: async (tools) => {
 *     console.log((await tools.call("list", { path: "/" })).text);
 *     tools.end();
 *   },
 * };
 * ```
 */
export interface SessionOptions {
  /** How long the session may last, in seconds (each call is bounded by the manifest's limits). */
  timeoutSecs: number;
  /** Called once the child is started, with the channel to call its tools. */
  onReady: (tools: ToolChannel) => void;
}

/**
 * The tools of a serving session's environment, called from the host.
 *
 * @example
 * ```ts ignore
 * const answer = await tools.call("read", { path: "/workspace/README.md" });
 * if (answer.isError) console.error(answer.text);
 * tools.end();
 * ```
 */
export interface ToolChannel {
  /**
   * Calls one tool; resolves with its answer. Rejects only when the
   * environment ended before answering.
   */
  call(tool: string, args: unknown): Promise<{ text: string; isError: boolean }>;
  /** Ends the session: calls still running finish, then the run ends and is collected. */
  end(): void;
}

/**
 * Where a run is: `starting` (checks, bundles, the child's start),
 * `running` (the program), `collecting` (reading the audit, diffing the
 * changes, writing the output folder), `applying` (`--apply`), `done`.
 *
 * @example
 * ```ts
 * import type { RunPhase } from "@oanix/oanix";
 * const phase: RunPhase = "running";
 * ```
 */
export type RunPhase = "starting" | "running" | "collecting" | "applying" | "done";

/**
 * A run's progress, as `RunOptions.onProgress` reports it.
 *
 * @example
 * ```ts
 * import type { RunProgress } from "@oanix/oanix";
 * const line = (p: RunProgress) => `${p.phase} ${p.elapsedMs}/${p.timeoutMs} ms`;
 * ```
 */
export interface RunProgress {
  /** The phase. */
  phase: RunPhase;
  /** Milliseconds since the run began. */
  elapsedMs: number;
  /** The run's time limit, in milliseconds. */
  timeoutMs: number;
  /** Events the agent and the namespace logged so far. */
  events: number;
  /** Denied permission checks and namespace refusals seen so far. */
  denials: number;
  /** Workspace changes (known once the program has ended). */
  changes: number;
}

/**
 * What a run produced.
 *
 * @example
 * ```ts
 * import type { RunReport } from "@oanix/oanix";
 * const ok = (r: RunReport) => r.exitCode === 0;
 * ```
 */
export interface RunReport {
  /** A unique id for the run. */
  runId: string;
  /** The exit code of its outcome ({@linkcode EXIT_CODES}). */
  exitCode: number;
  /** How it ended. */
  outcome: RunOutcome;
  /** Why it failed, when it did. */
  error?: string;
  /** The parsed /task/result.json, or null. */
  result: unknown;
  /** The output folder. */
  outDir: string;
  /** The grant the child held. */
  permissions: Permissions;
  /** The child's command line. */
  command: string[];
  /** Every permission check the child made. */
  checks: PermissionCheck[];
  /**
   * The host's other evidence: refusals inside the namespace, spawn attempts,
   * limits reached (each counted, never crowded out by the agent's events).
   */
  hostEvents: Record<string, unknown>[];
  /** Workspace changes. */
  changes: ChangeRecord[];
  /** Whether changes were applied to a real workspace. */
  applied: boolean;
  /** Wall-clock duration. */
  durationMs: number;
  /** The most resident memory the child held (0 where it cannot be read). */
  peakMemoryBytes: number;
  /** The transcript of the run's capability exchanges, when it recorded (`record`). */
  transcript?: string;
  /** The final state's snapshot archive, when the manifest asked for one (`snapshot`). */
  snapshot?: string;
  /** Bytes of output left out of the output folder for limits.max_output. */
  truncated: { stdout: number; stderr: number; events: number };
}
