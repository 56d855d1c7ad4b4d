/**
 * Applying a run's workspace changes to the real folder (`--apply`), every
 * record checked first: the records come from the child, so they are
 * untrusted.
 *
 * @module
 */

import { join } from "../manifest/posix_path.ts";
import type { ChangeRecord } from "./run_protocol.ts";

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
      ? Uint8Array.fromBase64(c.afterBase64 ?? "")
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
