/**
 * Gathering the changes of every copy-on-write workspace, with the bytes
 * needed to show and apply them.
 *
 * @module
 */

import { readFile } from "../../fs/file_io.ts";
import type { BuiltNamespace } from "./build_namespace.ts";
import type { ChangeRecord } from "../runner/run_protocol.ts";

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/**
 * Every change of every CowFs of a built namespace, files with their
 * content before and after.
 *
 * @example
 * ```ts
 * import { buildNamespace, validateManifest } from "@oanix/oanix";
 * import { collectChanges } from "./collect_changes.ts";
 * const built = buildNamespace(validateManifest({ mounts: { "/tmp": "mem" } }, "/"));
 * console.log(collectChanges(built)); // []
 * ```
 */
export function collectChanges(built: Pick<BuiltNamespace, "cows">): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  for (const [mount, cow] of built.cows) {
    for (const c of cow.diff()) {
      const rec: ChangeRecord = { mount, path: c.path, change: c.change, kind: c.kind };
      if (c.size !== undefined) rec.size = c.size;
      if (c.kind === "file") {
        if (c.change !== "added") rec.beforeBase64 = base64(readFile(cow.base, c.path));
        if (c.change !== "deleted") rec.afterBase64 = base64(readFile(cow, c.path));
      }
      out.push(rec);
    }
  }
  return out;
}
