/**
 * Writing a run's output folder: `result.json`, `status.json`, `logs/`,
 * `changes.json` and `changes.diff`.
 *
 * @module
 */

import { join } from "../manifest/posix_path.ts";
import type { PermissionCheck } from "./audit.ts";
import type { ChangeRecord } from "./run_protocol.ts";

/**
 * Everything a finished run leaves behind.
 *
 * @example
 * ```ts
 * import type { RunRecord } from "./run_output.ts";
 * const r: Partial<RunRecord> = { status: { status: "completed" } };
 * ```
 */
export interface RunRecord {
  /** The content of the agent's /task/result.json, if it wrote one. */
  result: string | null;
  /** The status document. */
  status: Record<string, unknown>;
  /** Captured stdout. */
  stdout: string;
  /** Captured stderr. */
  stderr: string;
  /** What the agent logged, one JSON object each (written with `origin: "agent"`). */
  agentEvents: Record<string, unknown>[];
  /** The host's evidence (written with `origin: "oanix"`, as the permission checks are). */
  hostEvents: Record<string, unknown>[];
  /** The permission checks the child made. */
  checks: PermissionCheck[];
  /** Workspace changes. */
  changes: ChangeRecord[];
  /** The most characters of `changes.diff` (default 64 Mi). */
  maxDiffBytes?: number;
}

/** The event a permission check becomes in events.jsonl. */
function checkEvent(c: PermissionCheck): Record<string, unknown> {
  return {
    origin: "oanix",
    timestamp: Number.isNaN(Date.parse(c.at)) ? Date.now() : Date.parse(c.at),
    level: c.denied ? "warn" : "debug",
    message: `permission ${c.denied ? "denied" : "granted"}: ${c.permission} ${
      c.folded ? `(${c.folded} more values)` : c.value ?? "(all, without a value)"
    }`.trimEnd(),
    data: {
      source: "deno-audit",
      permission: c.permission,
      value: c.value,
      denied: c.denied,
      count: c.count,
      ...(c.folded ? { folded: c.folded } : {}),
    },
  };
}

/** The run's changes as a unified diff (its package is loaded only for a run with changes). */
async function diffOf(record: RunRecord): Promise<string> {
  if (record.changes.length === 0) return "";
  const { changesDiff } = await import("./changes_diff.ts");
  return changesDiff(record.changes, { maxBytes: record.maxDiffBytes });
}

/**
 * Writes the output folder of a run.
 *
 * @example
 * ```ts ignore
 * import { writeRunOutput } from "./run_output.ts";
 * await writeRunOutput("out/run-1", record);
 * ```
 */
export async function writeRunOutput(dir: string, record: RunRecord): Promise<void> {
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  // The origin is set here, last: an agent's event cannot pass for the host's.
  const events = [
    ...record.agentEvents.map((e) => ({ ...e, origin: "agent" })),
    ...record.hostEvents.map((e) => ({ ...e, origin: "oanix" })),
    ...record.checks.map(checkEvent),
  ];
  await Promise.all([
    Deno.writeTextFile(join(dir, "result.json"), record.result ?? "null\n"),
    Deno.writeTextFile(join(dir, "status.json"), JSON.stringify(record.status, null, 2) + "\n"),
    Deno.writeTextFile(join(dir, "logs", "stdout.log"), record.stdout),
    Deno.writeTextFile(join(dir, "logs", "stderr.log"), record.stderr),
    Deno.writeTextFile(
      join(dir, "logs", "events.jsonl"),
      events.map((e) => JSON.stringify(e) + "\n").join(""),
    ),
    Deno.writeTextFile(
      join(dir, "changes.json"),
      JSON.stringify(
        record.changes.map(({ beforeBase64: _b, afterBase64: _a, ...rest }) => rest),
        null,
        2,
      ) + "\n",
    ),
    Deno.writeTextFile(join(dir, "changes.diff"), await diffOf(record)),
  ]);
}
