/**
 * The `oanix` command line: `run`, `explain` and `check` over manifests.
 *
 * @module
 */

import { childArgs } from "../runner/child_command.ts";
import { ManifestError } from "../manifest/field_reader.ts";
import { loadManifest } from "../manifest/load_manifest.ts";
import type { Manifest } from "../manifest/manifest.ts";
import { permissionsFor } from "../manifest/permissions.ts";
import { EXIT_CODES, RunRefusedError, runSandboxed } from "../runner/runner.ts";

/**
 * The help text of the CLI.
 *
 * @example
 * ```ts
 * import { CLI_HELP } from "@oanix/oanix";
 * console.log(CLI_HELP.split("\n")[0]);
 * ```
 */
export const CLI_HELP = `oanix: run agents in a namespace, in a child process that holds only the
Deno permissions its mounts imply.

Usage:
  oanix run <env.yaml> [--var NAME=VALUE]... [--out DIR] [--json] [--apply]
  oanix explain <env.yaml> [--var NAME=VALUE]...
  oanix check <env.yaml> [--var NAME=VALUE]...
  oanix --help

Commands:
  run       Run the manifest's program in a sandboxed child. Streams the agent's
            output, kills the child at limits.timeout, and writes result.json,
            status.json, logs/stdout.log, logs/stderr.log, logs/events.jsonl,
            changes.json and changes.diff to the output folder.
  explain   Print the namespace table, the permission grant and the exact
            deno run command line, without running anything.
  check     Validate the manifest only.

Options:
  --var NAME=VALUE  Fill the manifest's {{NAME}} placeholders (repeatable)
  --out DIR   Output folder (default: out/<run id>)
  --json      Print the run report as JSON on stdout (progress goes to stderr)
  --apply     After a completed run, commit a cow workspace's changes to its
              real folder
  -h, --help  Show this help

Exit codes:
  0 completed, 1 failed, 2 bad manifest or usage, 124 timeout
`;

/**
 * Where the CLI writes; tests pass their own.
 *
 * @example
 * ```ts
 * import type { CliIo } from "@oanix/oanix";
 * let out = "";
 * const io: CliIo = { out: (t) => (out += t), err: () => {} };
 * ```
 */
export interface CliIo {
  /** Normal output. */
  out: (text: string) => void;
  /** Diagnostics and progress. */
  err: (text: string) => void;
  /** True when `err` is a terminal (a status line is shown). */
  isTerminal?: boolean;
}

const defaultIo: CliIo = {
  out: (t) => void Deno.stdout.writeSync(new TextEncoder().encode(t)),
  err: (t) => void Deno.stderr.writeSync(new TextEncoder().encode(t)),
  isTerminal: Deno.stderr.isTerminal(),
};

interface ParsedArgs {
  command?: string;
  file?: string;
  out?: string;
  json: boolean;
  apply: boolean;
  help: boolean;
  vars: Record<string, string>;
}

function parseArgs(args: string[]): ParsedArgs {
  const parsed: ParsedArgs = { json: false, apply: false, help: false, vars: {} };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-h" || a === "--help") parsed.help = true;
    else if (a === "--json") parsed.json = true;
    else if (a === "--apply") parsed.apply = true;
    else if (a === "--out") {
      if (i + 1 >= args.length) throw new UsageError("--out needs a folder");
      parsed.out = args[++i];
    } else if (a.startsWith("--out=")) parsed.out = a.slice(6);
    else if (a === "--var" || a.startsWith("--var=")) {
      const spec = a === "--var" ? args[++i] : a.slice(6);
      const m = spec === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(spec);
      if (!m) throw new UsageError(`--var needs NAME=VALUE, got ${spec ?? "nothing"}`);
      parsed.vars[m[1]] = m[2];
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else rest.push(a);
  }
  [parsed.command, parsed.file] = rest;
  if (rest.length > 2) throw new UsageError(`unexpected argument ${rest[2]}`);
  return parsed;
}

class UsageError extends Error {}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join(
    "\n",
  ) +
    "\n";
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * The `explain` text for a manifest: mounts, grant and command line.
 *
 * @example
 * ```ts
 * import { explainManifest, validateManifest } from "@oanix/oanix";
 * console.log(explainManifest(validateManifest({ mounts: { "/tmp": "mem" } }, "/srv")));
 * ```
 */
export function explainManifest(manifest: Manifest): string {
  const rows = [["MOUNT", "TYPE", "DETAIL"]];
  for (const [point, spec] of Object.entries(manifest.mounts)) {
    const { type, ...detail } = spec;
    const text = Object.entries(detail).map(([k, v]) =>
      `${k}=${Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : v}`
    ).join(" ");
    rows.push([point, type, text]);
  }
  const p = permissionsFor(manifest);
  const grant = [
    `read:  ${p.grant.read.join(", ") || "(none)"}`,
    `write: ${p.grant.write.join(", ") || "(none)"}`,
    `net:   ${p.grant.net.join(", ") || "(none)"}`,
    "env, run, ffi, sys, import: never",
  ];
  const cmd = ["deno", ...childArgs(p, "http://oanix-run-<id>.invalid")].map(shellQuote).join(" ");
  return `Namespace:\n${table(rows)}\nPermissions:\n${grant.map((g) => `  ${g}`).join("\n")}\n\n` +
    `Command (run in a fresh temporary folder, with a cleared environment):\n  ${cmd}\n`;
}

/**
 * Runs the CLI with `args`; returns the exit code.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "@oanix/oanix";
 * Deno.exit(await runCli(Deno.args));
 * ```
 */
export async function runCli(args: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    io.err(`oanix: ${(e as Error).message}\n\n${CLI_HELP}`);
    return EXIT_CODES.usage;
  }
  if (parsed.help || parsed.command === "help") {
    io.out(CLI_HELP);
    return 0;
  }
  if (!parsed.command || !["run", "explain", "check"].includes(parsed.command)) {
    io.err(
      `oanix: ${
        parsed.command ? `unknown command ${parsed.command}` : "no command"
      }\n\n${CLI_HELP}`,
    );
    return EXIT_CODES.usage;
  }
  if (!parsed.file) {
    io.err(`oanix ${parsed.command}: give the manifest file\n`);
    return EXIT_CODES.usage;
  }
  let manifest: Manifest;
  try {
    manifest = await loadManifest(parsed.file, { vars: parsed.vars });
  } catch (e) {
    if (e instanceof ManifestError || e instanceof RunRefusedError) {
      io.err(`oanix: ${parsed.file}: ${e.message}\n`);
      return EXIT_CODES.usage;
    }
    throw e;
  }
  if (parsed.command === "check") {
    io.out(`${parsed.file}: ok (${Object.keys(manifest.mounts).length} mounts)\n`);
    return 0;
  }
  if (parsed.command === "explain") {
    io.out(explainManifest(manifest));
    return 0;
  }
  return await runCommand(manifest, parsed, io);
}

async function runCommand(manifest: Manifest, parsed: ParsedArgs, io: CliIo): Promise<number> {
  const live = parsed.json ? io.err : io.out;
  let lastStatus = "";
  const showStatus = (text: string) => {
    if (io.isTerminal) io.err(`\r\x1b[2K${text}`);
    lastStatus = text;
  };
  try {
    const report = await runSandboxed(manifest, {
      outDir: parsed.out,
      apply: parsed.apply,
      onOutput: (stream, text) => {
        if (io.isTerminal) io.err("\r\x1b[2K");
        (stream === "stdout" ? live : io.err)(text);
        if (io.isTerminal && lastStatus) io.err(lastStatus);
      },
      onStatus: (s) => showStatus(`[oanix] task ${String(s.status)}`),
    });
    if (io.isTerminal) io.err("\r\x1b[2K");
    if (parsed.json) {
      io.out(JSON.stringify(report, null, 2) + "\n");
    } else {
      const denied = report.checks.reduce((n, c) => n + (c.denied ? c.folded ?? 1 : 0), 0);
      io.out(
        `\n[oanix] ${report.outcome} (exit ${report.exitCode}) in ${report.durationMs} ms` +
          `${report.error ? `: ${report.error}` : ""}\n` +
          `[oanix] ${report.changes.length} workspace change(s)` +
          `${report.applied ? ", applied" : ""}; ${denied} denied permission check(s)\n` +
          `[oanix] output: ${report.outDir}\n`,
      );
    }
    return report.exitCode;
  } catch (e) {
    if (e instanceof RunRefusedError || e instanceof ManifestError) {
      io.err(`oanix: ${e.message}\n`);
      return EXIT_CODES.usage;
    }
    io.err(`oanix: ${(e as Error).message}\n`);
    return EXIT_CODES.failed;
  }
}
