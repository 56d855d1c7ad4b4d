/**
 * Writing a run's output folder: `result.json`, `status.json`, `logs/`,
 * `changes.json` and `changes.diff`; and applying workspace changes.
 *
 * @module
 */

import { join } from "@std/path";
import type { PermissionCheck } from "./audit.ts";
import type { ChangeRecord } from "./run_protocol.ts";
import { unifiedDiff } from "./unified_diff.ts";

/**
 * Everything a finished run leaves behind.
 *
 * @example
 * ```ts
 * import type { RunRecord } from "@oanix/oanix";
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
  /** Events, one JSON object each. */
  events: Record<string, unknown>[];
  /** The permission checks the child made. */
  checks: PermissionCheck[];
  /** Workspace changes. */
  changes: ChangeRecord[];
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes base64 to bytes.
 *
 * @example
 * ```ts
 * import { bytesFromBase64 } from "@oanix/oanix";
 * console.log(bytesFromBase64("aGk=")); // Uint8Array [104, 105]
 * ```
 */
export function bytesFromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function textOf(b64: string | undefined): string | null | undefined {
  if (b64 === undefined) return null;
  try {
    const bytes = bytesFromBase64(b64);
    return bytes.includes(0) ? undefined : decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A unified diff of every changed text file; binary files are named.
 *
 * @example
 * ```ts
 * import { changesDiff } from "@oanix/oanix";
 * console.log(changesDiff([{ mount: "/w", path: "/a", change: "added", kind: "file", afterBase64: btoa("x\n") }]));
 * ```
 */
export function changesDiff(changes: ChangeRecord[]): string {
  let out = "";
  for (const c of changes) {
    if (c.kind !== "file") continue;
    const before = c.change === "added" ? null : textOf(c.beforeBase64);
    const after = c.change === "deleted" ? null : textOf(c.afterBase64);
    const name = `${c.mount}${c.path}`;
    if (before === undefined || after === undefined) {
      out += `Binary files a${name} and b${name} differ\n`;
    } else {
      out += unifiedDiff(name, before, after);
    }
  }
  return out;
}

/** The event a permission check becomes in events.jsonl. */
function checkEvent(c: PermissionCheck): Record<string, unknown> {
  return {
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

/**
 * Writes the output folder of a run.
 *
 * @example
 * ```ts ignore
 * import { writeRunOutput } from "@oanix/oanix";
 * await writeRunOutput("out/run-1", record);
 * ```
 */
export async function writeRunOutput(dir: string, record: RunRecord): Promise<void> {
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  const events = [...record.events, ...record.checks.map(checkEvent)];
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
    Deno.writeTextFile(join(dir, "changes.diff"), changesDiff(record.changes)),
  ]);
}

const CHANGES = new Set(["added", "modified", "deleted"]);
const KINDS = new Set(["file", "dir", "symlink"]);

/**
 * The segments of a change's path, refusing anything that is not a plain
 * absolute path below the root: the records come from the child, which an
 * agent module shares a realm with, so they are untrusted.
 */
function segmentsOf(c: ChangeRecord): string[] {
  const path: unknown = c?.path;
  const segments = typeof path === "string" && path.startsWith("/") ? path.slice(1).split("/") : [];
  if (
    segments.length === 0 ||
    segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\0"))
  ) {
    throw new Error(`the change ${JSON.stringify(path)} is not a path inside the workspace`);
  }
  if (!CHANGES.has(c.change) || !KINDS.has(c.kind)) {
    throw new Error(`the change of ${path} is not one of added, modified, deleted`);
  }
  if (c.afterBase64 !== undefined && typeof c.afterBase64 !== "string") {
    throw new Error(`the change of ${path} has no base64 content`);
  }
  return segments;
}

/** Refuses a path of `root` that passes through a symlink (the last segment too, unless `leaf`). */
async function refuseLinks(root: string, segments: string[], leaf: boolean): Promise<void> {
  let at = root;
  for (const [i, segment] of segments.entries()) {
    if (leaf && i === segments.length - 1) return;
    at = join(at, segment);
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(at);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    if (info.isSymlink) throw new Error(`${at} is a symlink: changes are not applied through it`);
  }
}

/**
 * Applies workspace changes to the real folder `root`: directories first,
 * then files, then deletions deepest first. Every record is checked before
 * anything is written: a path must stay below `root` (no `..`, `.` or empty
 * segments) and may not pass through a symlink of the real folder; a
 * deletion removes a link itself, never what it points to.
 *
 * @throws {Error} for a record that fails the checks; nothing is written then.
 *
 * @example
 * ```ts ignore
 * import { applyChangesToFolder } from "@oanix/oanix";
 * await applyChangesToFolder("./project", changes);
 * ```
 */
export async function applyChangesToFolder(root: string, changes: ChangeRecord[]): Promise<void> {
  const checked = changes.map((c) => {
    const segments = segmentsOf(c);
    const bytes = c.change !== "deleted" && c.kind === "file"
      ? bytesFromBase64(c.afterBase64 ?? "")
      : undefined;
    return { c, path: join(root, ...segments), segments, bytes };
  });
  for (const { c, segments } of checked) {
    await refuseLinks(root, segments, c.change === "deleted");
  }
  const dirs = checked.filter(({ c }) => c.change === "added" && c.kind === "dir");
  for (const { path } of dirs.sort((a, b) => a.segments.length - b.segments.length)) {
    await Deno.mkdir(path, { recursive: true });
  }
  for (const { path, bytes } of checked) {
    if (bytes !== undefined) await Deno.writeFile(path, bytes);
  }
  const gone = checked.filter(({ c }) => c.change === "deleted");
  for (const { path } of gone.sort((a, b) => b.segments.length - a.segments.length)) {
    await Deno.remove(path, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}
