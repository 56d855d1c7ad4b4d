/**
 * Copy-up for a {@linkcode CowFs}: bringing a base entry (or a whole
 * subtree, for a rename) into the overlay. Internal to CowFs.
 *
 * @module
 */

import type { ByteBuffer } from "./byte_buffer.ts";
import { CowNode } from "./cow_layer.ts";
import type { CowView, Found } from "./cow_view.ts";
import { joinPath } from "./path.ts";
import type { Stat } from "./types.ts";

/** Where copy-up reads what a file holds beyond its stat size (all calls are synchronous). */
const scratch = new Uint8Array(16384);
const EMPTY = new Uint8Array(0);

/**
 * The node for the view's file or symlink `found`, copying the base's
 * entry up first if needed. With `content`, a copied file holds that (a
 * copy of it) instead of the base's bytes, which are not read: for
 * truncating opens and whole-file writes. ENOSPC when the copy does not fit
 * the quota, and then nothing changes.
 *
 * @example
 * ```ts
 * import { copyUp } from "./cow_copy.ts";
 * import { CowLayer } from "./cow_layer.ts";
 * import { CowView } from "./cow_view.ts";
 * import { MapFs } from "@oanix/oanix";
 * const view = new CowView(MapFs.fromObject({ "/a": "A" }), new CowLayer(undefined));
 * console.log(copyUp(view, view.resolve("/a", true)).data?.size); // 1
 * ```
 */
export function copyUp(view: CowView, found: Found, content?: Uint8Array): CowNode {
  if (found.node !== undefined) return found.node;
  const parent = view.parentOf(found);
  const node = fromBase(view, found.path, found.base!, content);
  view.layer.attach(found.path, node, false, true, parent);
  view.layer.clock.gen++;
  return node;
}

/** A new node holding a copy of the base's file or symlink at `path` (for a file given `content`, that). */
function fromBase(view: CowView, path: string, st: Stat, content?: Uint8Array): CowNode {
  const node = view.layer.newNode(st.kind, st);
  if (st.kind === "symlink") node.target = view.baseReadlink(path);
  else if (st.kind !== "file") return node;
  else if (content === undefined) readBase(view, path, st.size, node.data!);
  else if (content.length > 0) node.data!.replace(content, path);
  return node;
}

/** Reads a base file into empty buffer `buf`: straight into it, for the size `stat` gave. */
function readBase(view: CowView, path: string, sizeHint: number, buf: ByteBuffer): void {
  const h = view.base.open(path, { read: true });
  try {
    let size = 0;
    if (sizeHint > 0) {
      // Grow to the size without a zero-fill pass (fresh memory is zero), then read in place.
      buf.writeAt(EMPTY, sizeHint, path);
      const into = buf.view();
      while (size < sizeHint) {
        const n = h.read(into.subarray(size));
        if (n === 0) break;
        size += n;
      }
      if (size < sizeHint) {
        buf.truncate(size, path);
        return;
      }
    }
    // More than stat said (or a size it could not tell): read on in chunks.
    for (;;) {
      const n = h.read(scratch);
      if (n === 0) return;
      buf.writeAt(scratch.subarray(0, n), size, path);
      size += n;
    }
  } finally {
    h.close();
  }
}

/**
 * Copies the view's entry `found` (a whole subtree for a directory) into
 * fresh nodes, keyed by path relative to it, parents first. Files and
 * symlinks already in the layer are moved as they are, so their open
 * handles follow them. Reads the base but changes nothing.
 *
 * @example
 * ```ts
 * import { collect } from "./cow_copy.ts";
 * import { CowLayer } from "./cow_layer.ts";
 * import { CowView } from "./cow_view.ts";
 * import { MapFs } from "@oanix/oanix";
 * const view = new CowView(MapFs.fromObject({ "/d/a": "A" }), new CowLayer(undefined));
 * console.log(collect(view, view.resolve("/d", false)).map(([rel]) => rel)); // ["", "/a"]
 * ```
 */
export function collect(view: CowView, found: Found): Array<[string, CowNode]> {
  const out: Array<[string, CowNode]> = [];
  const layer = view.layer;
  const visit = (path: string, node: CowNode | undefined, st: Stat | undefined, rel: string) => {
    if (node !== undefined && node.kind !== "dir") {
      out.push([rel, node]);
      return;
    }
    if (node === undefined && st!.kind !== "dir") {
      out.push([rel, fromBase(view, path, st!)]);
      return;
    }
    // A fresh directory node (its entries are attached one by one).
    const ino = node?.ino ?? layer.inoFor(st);
    const dir = new CowNode("dir", ino, node ? undefined : st, layer.quota);
    if (node !== undefined) dir.copyTimesFrom(node);
    out.push([rel, dir]);
    for (const e of view.list({ path, node, base: st, plain: false })) {
      const child = joinPath(path, e.name);
      const childNode = node === undefined ? undefined : node.children!.get(child);
      const childSt = childNode === undefined ? view.baseLstat(child) : undefined;
      visit(child, childNode, childSt, rel + "/" + e.name);
    }
  };
  visit(found.path, found.node, found.base, "");
  return out;
}
