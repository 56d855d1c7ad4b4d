/**
 * `oanix explain`: what a manifest would run, as text and as JSON.
 *
 * @module
 */

import type { Manifest } from "../manifest/manifest.ts";
import { permissionsFor } from "../manifest/permissions.ts";
import { childArgs } from "../runner/child_command.ts";

/** Where the child's bundled entry lives, as explain shows it (it is built at the first run). */
const CHILD_ENTRY_PLACEHOLDER = "<DENO_DIR>/oanix/runtime/<hash>/bundle.js";
const ORIGIN_PLACEHOLDER = "http://oanix-run-<id>.invalid";

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd())
    .join("\n") + "\n";
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail).map(([k, v]) =>
    `${k}=${Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : v}`
  ).join(" ");
}

/**
 * What {@linkcode explainManifest} and `oanix explain --json` describe.
 *
 * @example
 * ```ts
 * import { explanationOf } from "./explain.ts";
 * import { validateManifest } from "../manifest/manifest.ts";
 * const e = explanationOf(validateManifest({ mounts: { "/tmp": "mem" } }, "/srv"));
 * console.log(e.mounts[0].type, e.permissions.net); // "mem" []
 * ```
 */
export interface Explanation {
  /** The mounts: point, type and the rest of their fields. */
  mounts: Array<{ point: string; type: string; detail: Record<string, unknown> }>;
  /** The grant. */
  permissions: {
    read: string[];
    write: string[];
    net: string[];
    env?: string[];
    memory_mb?: number;
  };
  /** The program, when there is one. */
  program: { kind: string; path: string; args: string[] } | null;
  /** Where the run's state comes from and goes: snapshots and transcripts. */
  state: {
    /** The snapshot archive it starts from, if any. */
    restore: string | null;
    /** Whether the final state is saved as `snapshot.tar`. */
    snapshot: boolean;
    /** The transcript the capabilities are replayed from, if any. */
    replay: string | null;
    /** Whether the capabilities' exchanges are recorded into `cap.jsonl`. */
    record: boolean;
  };
  /** The child's command line, with placeholders for the per-run parts. */
  command: string[];
}

/**
 * The explanation of a manifest: mounts, grant and command line.
 *
 * @example
 * ```ts
 * import { explanationOf } from "./explain.ts";
 * import { validateManifest } from "../manifest/manifest.ts";
 * console.log(explanationOf(validateManifest({ mounts: { "/tmp": "mem" } }, "/srv")).command[0]);
 * // "deno"
 * ```
 */
export function explanationOf(manifest: Manifest): Explanation {
  const p = permissionsFor(manifest);
  const permissions: Explanation["permissions"] = {
    read: p.grant.read,
    write: p.grant.write,
    net: p.grant.net,
  };
  if (p.grant.env !== undefined) permissions.env = p.grant.env;
  if (p.grant.memoryMb !== undefined) permissions.memory_mb = p.grant.memoryMb;
  return {
    mounts: Object.entries(manifest.mounts).map(([point, { type, ...detail }]) => ({
      point,
      type,
      detail,
    })),
    permissions,
    program: manifest.program
      ? { kind: manifest.program.kind, path: manifest.program.path, args: manifest.program.args }
      : null,
    state: {
      restore: manifest.restore ?? null,
      snapshot: manifest.snapshot === true,
      replay: manifest.replay ?? null,
      record: manifest.record === true,
    },
    command: ["deno", ...childArgs(p, ORIGIN_PLACEHOLDER, CHILD_ENTRY_PLACEHOLDER)],
  };
}

/**
 * The `explain` text for a manifest: mounts, grant and command line.
 *
 * @example
 * ```ts
 * import { explainManifest } from "@oanix/oanix/cli";
 * import { validateManifest } from "../manifest/manifest.ts";
 * console.log(explainManifest(validateManifest({ mounts: { "/tmp": "mem" } }, "/srv")));
 * ```
 */
export function explainManifest(manifest: Manifest): string {
  const e = explanationOf(manifest);
  const rows = [["MOUNT", "TYPE", "DETAIL"]];
  for (const m of e.mounts) rows.push([m.point, m.type, detailText(m.detail)]);
  const module = e.program?.kind === "module"
    ? " (a module agent runs bundled with its imports, in a worker of its own)"
    : e.program?.kind === "shell"
    ? " (the script runs in OANIX's shell over the namespace, never on the host)"
    : "";
  const grant = [
    `read:  ${e.permissions.read.join(", ") || "(none)"}${module}`,
    `write: ${e.permissions.write.join(", ") || "(none)"}`,
    `net:   ${e.permissions.net.join(", ") || "(none)"}`,
    e.permissions.env
      ? `env:   ${e.permissions.env.join(", ")} (the shell's libraries' debug switches, unset)`
      : "env: never",
    "run, ffi, sys, import: never",
  ];
  const state = [
    `starts from:  ${e.state.restore ? `the snapshot ${e.state.restore}` : "the mounts as built"}`,
    `capabilities: ${
      e.state.replay ? `replayed from ${e.state.replay}, no network` : "the live network"
    }${e.state.record ? "; recorded into the output's cap.jsonl" : ""}`,
    `final state:  ${
      e.state.snapshot ? "saved as the output's snapshot.tar" : "changes.json and changes.diff"
    }`,
  ];
  return `Namespace:\n${table(rows)}\nPermissions:\n${grant.map((g) => `  ${g}`).join("\n")}\n\n` +
    `State:\n${state.map((l) => `  ${l}`).join("\n")}\n\n` +
    `Command (run in a fresh temporary folder, with a cleared environment):\n  ` +
    `${e.command.map(shellQuote).join(" ")}\n`;
}
