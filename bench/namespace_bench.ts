/**
 * Namespace resolution: the trie against a linear prefix scan, at 1, 10,
 * 100 and 1000 mounts with mount depths 2 to 8.
 *
 * Run: deno task bench bench/namespace_bench.ts
 * Targets: resolving at 1000 mounts costs at most 1.5x resolving at 10
 * (group "trie-scaling"); the trie beats the scan from 100 mounts on.
 */
import { MemFs, Namespace, normalizePath } from "../mod.ts";
import type { FileService } from "../mod.ts";

/** Mount points with depths 2..8, e.g. /m7/d1/d2. */
function mountPoints(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const depth = 2 + (i % 7);
    const segs = [`m${i}`];
    for (let d = 1; d < depth; d++) segs.push(`d${d}`);
    out.push("/" + segs.join("/"));
  }
  return out;
}

/** The queries: a file two levels under each mount, cycled. */
function queries(points: string[]): string[] {
  return points.slice(0, 64).map((p) => `${p}/src/main.rs`);
}

/** The baseline: scan every mount, keep the longest whole-segment prefix. */
class LinearTable {
  #mounts: Array<[string, FileService]> = [];
  add(p: string, s: FileService) {
    this.#mounts.push([p, s]);
  }
  resolve(path: string) {
    const p = normalizePath(path);
    let best: [string, FileService] | undefined;
    for (const m of this.#mounts) {
      const [point] = m;
      if ((p === point || p.startsWith(point + "/")) && (!best || point.length > best[0].length)) {
        best = m;
      }
    }
    return best && { service: best[1], path: p.slice(best[0].length) || "/", mountPoint: best[0] };
  }
}

const svc = new MemFs();
let sink = 0;

for (const count of [1, 10, 100, 1000]) {
  const points = mountPoints(count);
  const b = Namespace.builder();
  const linear = new LinearTable();
  for (const p of points) {
    b.mount(p, svc);
    linear.add(p, svc);
  }
  const ns = b.build();
  const qs = queries(points);
  Deno.bench({
    name: `linear scan, ${count} mounts`,
    group: `resolve-${count}`,
    baseline: true,
    fn() {
      for (const q of qs) sink += linear.resolve(q)!.path.length;
    },
  });
  Deno.bench({
    name: `trie, ${count} mounts`,
    group: `resolve-${count}`,
    fn() {
      for (const q of qs) sink += ns.resolve(q)!.path.length;
    },
  });
  if (count === 10 || count === 1000) {
    // Same query shapes at both sizes, so only the table size differs.
    const same = queries(mountPoints(10));
    Deno.bench({
      name: `trie, ${count} mounts (10-mount queries)`,
      group: "trie-scaling",
      baseline: count === 10,
      fn() {
        for (const q of same) sink += ns.resolve(q)!.path.length;
      },
    });
  }
}

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
