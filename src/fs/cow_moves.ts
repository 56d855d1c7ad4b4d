/**
 * Rename and hard links for a {@linkcode CowFs}. Internal to CowFs.
 *
 * @module
 */

import { collect, copyUp } from "./cow_copy.ts";
import { type CowView, kindOf } from "./cow_view.ts";
import { FsError } from "./errors.ts";
import { isWithin, parentPath } from "./path.ts";

/**
 * Renames `from` to `to` in the view, as POSIX says: an existing file is
 * replaced, an empty directory too; two names of one file stay as they are.
 * A directory's subtree is copied up and its old path whited out. Nothing
 * changes unless everything can.
 *
 * @example
 * ```ts
 * import { renameEntry } from "./cow_moves.ts";
 * import { CowLayer } from "./cow_layer.ts";
 * import { CowView } from "./cow_view.ts";
 * import { MapFs } from "@oanix/oanix";
 * const view = new CowView(MapFs.fromObject({ "/a": "A" }), new CowLayer(undefined));
 * renameEntry(view, "/a", "/b");
 * console.log(view.resolve("/b", false).node?.kind); // "file"
 * ```
 */
export function renameEntry(view: CowView, from: string, to: string): void {
  const src = view.resolve(from, false);
  const dst = view.resolve(to, false);
  const kind = kindOf(src);
  if (kind === undefined) throw new FsError("ENOENT", from);
  if (src.path === "/" || dst.path === "/") {
    throw new FsError("EBUSY", from, "cannot rename the root");
  }
  if (src.path === dst.path || (src.node !== undefined && src.node === dst.node)) return;
  if (kind === "dir" && isWithin(dst.path, src.path)) {
    throw new FsError("EINVAL", to, `cannot move ${from} inside itself`);
  }
  const dstKind = kindOf(dst);
  if (dstKind !== undefined) {
    if (kind === "dir") {
      if (dstKind !== "dir") throw new FsError("ENOTDIR", to);
      if (view.list(dst).length > 0) throw new FsError("ENOTEMPTY", to);
    } else if (dstKind === "dir") {
      throw new FsError("EISDIR", to);
    }
  }
  // Everything that reads the base (and so may fail) happens first.
  const srcParent = view.ensureDir(parentPath(src.path));
  const dstParent = view.ensureDir(parentPath(dst.path));
  const srcOnBase = view.onBase(src);
  const dstOnBase = dstKind !== undefined && view.onBase(dst);
  const moved = collect(view, src);
  const layer = view.layer;
  if (layer.quota !== undefined) {
    const [bytes, files] = layer.growthOfMove(src.node, moved);
    layer.checkRoom(bytes, files, to);
  }
  // From here nothing can fail.
  if (dstKind !== undefined) view.drop(dst.path, dstOnBase, dstKind === "dir", dstParent);
  view.drop(src.path, srcOnBase, kind === "dir", srcParent);
  for (const [rel, node] of moved) layer.attach(dst.path + rel, node, false, false);
  srcParent.touch();
  dstParent.touchAs(srcParent);
}

/**
 * Makes `newPath` a second name for the file or symlink at `existing` (a
 * final symlink is not followed); a base entry is copied up first.
 *
 * @example
 * ```ts
 * import { linkEntry } from "./cow_moves.ts";
 * import { CowLayer } from "./cow_layer.ts";
 * import { CowView } from "./cow_view.ts";
 * import { MapFs } from "@oanix/oanix";
 * const view = new CowView(MapFs.fromObject({ "/a": "A" }), new CowLayer(undefined));
 * linkEntry(view, "/a", "/b");
 * console.log(view.resolve("/b", false).node === view.resolve("/a", false).node); // true
 * ```
 */
export function linkEntry(view: CowView, existing: string, newPath: string): void {
  const src = view.resolve(existing, false);
  const kind = kindOf(src);
  if (kind === undefined) throw new FsError("ENOENT", existing);
  if (kind === "dir") throw new FsError("EPERM", existing, "cannot link a directory");
  const dst = view.resolve(newPath, false);
  if (kindOf(dst) !== undefined) throw new FsError("EEXIST", newPath);
  const parent = view.parentOf(dst);
  const node = copyUp(view, src);
  // The node has a name already: a second one cannot fail the quota.
  view.layer.attach(dst.path, node, true, false, parent);
}
