/**
 * The JSON the CLI prints: one naming convention (snake_case, as in the
 * output folder's `status.json`) for reports, checks and errors.
 *
 * @module
 */

import type { ManifestProblem } from "../manifest/field_reader.ts";
import type { RunReport } from "../runner/runner.ts";

/**
 * A run report as `oanix run --json` prints it.
 *
 * @example
 * ```ts ignore
 * console.log(JSON.stringify(runReportJson(report)));
 * ```
 */
export function runReportJson(report: RunReport): Record<string, unknown> {
  const grant = report.permissions.grant;
  return {
    run_id: report.runId,
    outcome: report.outcome,
    exit_code: report.exitCode,
    error: report.error ?? null,
    result: report.result,
    out_dir: report.outDir,
    duration_ms: report.durationMs,
    permissions: {
      read: grant.read,
      write: grant.write,
      net: grant.net,
      ...(grant.memoryMb === undefined ? {} : { memory_mb: grant.memoryMb }),
    },
    command: report.command,
    changes: report.changes.map(({ mount, path, change, kind, size }) => ({
      mount,
      path,
      change,
      kind,
      ...(size === undefined ? {} : { size }),
    })),
    applied: report.applied,
    checks: report.checks,
    host_events: report.hostEvents,
  };
}

/**
 * An error as the CLI prints it with `--json`: a kind (`usage`, `manifest`,
 * `refused`, `internal`), a message, and the problems with field and line.
 *
 * @example
 * ```ts
 * import { errorJson } from "./report_json.ts";
 * console.log(errorJson("usage", "unknown option --x").error.kind); // "usage"
 * ```
 */
export function errorJson(
  kind: "usage" | "manifest" | "refused" | "internal",
  message: string,
  problems: ManifestProblem[] = [],
): { ok: false; error: { kind: string; message: string; problems: ManifestProblem[] } } {
  return { ok: false, error: { kind, message, problems } };
}
