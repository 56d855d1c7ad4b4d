/**
 * Stacked overlay layers merged into one. Internal to CowFs.
 *
 * After a checkpoint or a fork, a CowFs stands on frozen layers: the first
 * over the base, each next one over the view of those below it. Merging
 * them gives one layer over the base that shows the same view: what
 * `diff()`, `commit()` and snapshots compare with the base, and what a deep
 * stack is compacted into. The merged layer has nodes of its own (so that
 * names and whiteouts can be counted afresh) but shares every file's bytes
 * with the layers it came from: it is read, never written.
 *
 * @module
 */

import { CowLayer, CowNode } from "./cow_layer.ts";
import { joinPath } from "./path.ts";

/**
 * One layer over the base showing what `layers` (bottom first, each over
 * the view of those before it) show together.
 *
 * @throws {TypeError} for an empty list.
 *
 * @example
 * ```ts
 * import { flattenLayers } from "./cow_flatten.ts";
 * import { CowLayer } from "./cow_layer.ts";
 * const lower = new CowLayer(undefined);
 * lower.attach("/a", lower.newNode("file"), true, true);
 * const upper = new CowLayer(undefined, lower.clock, { keepBaseIno: true, firstIno: lower.nextFreeIno });
 * upper.attach("/b", upper.newNode("dir"), true, true);
 * console.log([...flattenLayers([lower, upper]).nodes.keys()]); // ["/", "/a", "/b"]
 * ```
 */
export function flattenLayers(layers: readonly CowLayer[]): CowLayer {
  if (layers.length === 0) throw new TypeError("flattenLayers: no layer");
  const bottom = layers[0];
  const top = layers[layers.length - 1];
  const merged = new CowLayer(undefined, undefined, {
    keepBaseIno: bottom.keepBaseIno,
    firstIno: top.nextFreeIno,
  });
  const root = copyOf(bottom.nodes.get("/")!, true);
  root.names = 1;
  merged.nodes.set("/", root);
  for (const layer of layers) {
    const from = layer.nodes.get("/")!;
    root.copyTimesFrom(from);
    mergeDir(merged, root, from, "/", new Map());
  }
  merged.dirty = layers.some((l) => l.dirty);
  return merged;
}

/**
 * Merges the entries of `from` (a directory node standing over the view
 * below it) into `into`, the merged layer's node at the same path.
 */
function mergeDir(
  merged: CowLayer,
  into: CowNode,
  from: CowNode,
  path: string,
  copies: Map<CowNode, CowNode>,
): void {
  // Whiteouts hide what the view below has: in the merged layer, the nodes
  // of the layers below, and the base's entry while `into` shows the base.
  if (from.whiteouts !== undefined) {
    for (const name of from.whiteouts) {
      const p = joinPath(path, name);
      merged.detach(p, false);
      if (into.baseDir) merged.hide(p, true, into, name);
    }
  }
  for (const [p, child] of from.children!) {
    if (child.kind === "dir" && child.baseDir) {
      // A directory of the view below, with changes inside.
      let mine = merged.nodes.get(p);
      if (mine === undefined) {
        mine = copyOf(child, true);
        merged.attach(p, mine, false, false, into);
      } else {
        mine.copyTimesFrom(child);
      }
      mergeDir(merged, mine, child, p, copies);
    } else {
      // A file or symlink (new, or a copy of the one below), or a new directory: it replaces.
      merged.detach(p, false);
      graft(merged, p, child, into, copies);
    }
  }
}

/** Puts a copy of `node` (and of all below it) at `path`; a node met twice is a hard link. */
function graft(
  merged: CowLayer,
  path: string,
  node: CowNode,
  parent: CowNode,
  copies: Map<CowNode, CowNode>,
): void {
  const known = copies.get(node);
  if (known !== undefined) {
    merged.attach(path, known, false, false, parent);
    return;
  }
  const mine = copyOf(node, false);
  copies.set(node, mine);
  merged.attach(path, mine, false, false, parent);
  if (node.kind !== "dir") return;
  // A new directory has no base to merge, so everything below it is new too.
  for (const [childPath, child] of node.children!) graft(merged, childPath, child, mine, copies);
}

/** A node like `node` (number, times, target, the very same bytes), with no names yet. */
function copyOf(node: CowNode, baseDir: boolean): CowNode {
  const out = new CowNode(node.kind, node.ino, undefined, undefined);
  out.copyTimesFrom(node);
  out.target = node.target;
  out.data = node.data;
  out.baseDir = baseDir;
  return out;
}
