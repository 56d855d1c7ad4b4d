/**
 * `oanix mcp`: serves a manifest's environment to an MCP client over
 * stdio. stdout is the protocol's: everything else goes to stderr.
 *
 * @module
 */

import type { Manifest } from "../manifest/manifest.ts";
import { serveMcp } from "../mcp/serve_mcp.ts";
import { RunRefusedError } from "../runner/preflight.ts";
import { EXIT_CODES, type RunReport } from "../runner/run_types.ts";
import type { ParsedArgs } from "./args.ts";
import type { CliIo } from "./cli.ts";

/**
 * Runs `oanix mcp` for a loaded manifest; returns the exit code. The
 * closing summary (and any refusal) goes to stderr.
 *
 * @example
 * ```ts ignore
 * const code = await mcpCommand(manifest, parsed, io);
 * ```
 */
export async function mcpCommand(
  manifest: Manifest,
  parsed: ParsedArgs,
  io: CliIo,
): Promise<number> {
  const file = parsed.file ?? "";
  let report: RunReport;
  try {
    if (!parsed.quiet) io.err(`[oanix] serving ${file} over MCP on stdio\n`);
    report = await serveMcp(manifest, {
      ...(parsed.out === undefined ? {} : { outDir: parsed.out }),
      ...(parsed.timeout === undefined ? {} : { timeoutSecs: parsed.timeout }),
      apply: parsed.apply,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (e) {
    if (e instanceof RunRefusedError) {
      io.err(
        e.problems.map((p) =>
          `oanix: ${file}: ${p.field || "manifest"}: ${p.problem}` +
          `${p.line === undefined ? "" : ` (line ${p.line})`}\n`
        ).join(""),
      );
      return EXIT_CODES.usage;
    }
    io.err(`oanix: ${e instanceof Error ? e.message : e}\n`);
    return EXIT_CODES.failed;
  }
  io.err(
    `[oanix] session ${report.outcome} in ${report.durationMs} ms` +
      `${report.error ? `: ${report.error}` : ""}\n` +
      `[oanix] ${report.changes.length} workspace change(s)${report.applied ? ", applied" : ""}\n` +
      `[oanix] output: ${report.outDir}\n`,
  );
  return report.exitCode;
}
