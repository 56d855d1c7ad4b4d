/**
 * Snapshot round trips over many seeded random trees: what is restored
 * shows the same entries, contents, links, times and changes as what was
 * written, and goes on behaving the same under the same operations.
 */
import assert from "@std/assert";
import { CowFs, type FileService, MapFs, MemFs, walk } from "../../mod.ts";
import { restoreFs, snapshotFs } from "../../src/fs/snapshot/mod.ts";
import {
  applyOp,
  closeAll,
  type Handles,
  randomBase,
  randomOp,
  replay,
  Rng,
  view,
} from "./random_ops.ts";
import { entriesOf } from "./snapshot_helpers.ts";

const RUNS = 120;

/** Every entry's times (the root's included). */
function times(svc: FileService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, stat } of walk(svc, "/", { includeRoot: true })) {
    out[path] = `${stat.mtimeNs}/${stat.atimeNs}`;
  }
  return out;
}

/** The same random operations on both; they must succeed or fail alike and end alike. */
function sameFuture(
  a: FileService,
  b: FileService,
  rng: Rng,
  what: string,
): void {
  for (let i = 0; i < 15; i++) {
    const op = randomOp(rng);
    assert.equal(
      applyOp(a, op, new Map()),
      applyOp(b, op, new Map()),
      `${what}, then op ${i}`,
    );
  }
  assert.deepEqual(view(a), view(b), `${what}, after the same operations`);
}

Deno.test("property: a MemFs comes back with the same tree, links, times and usage", () => {
  for (let seed = 1; seed <= RUNS; seed++) {
    const rng = new Rng(seed);
    const fs = new MemFs(
      seed % 3 === 0 ? { maxBytes: 1 << 20, maxFiles: 500 } : undefined,
    );
    let handles: Handles = new Map();
    for (let i = 0; i < 40; i++) {
      applyOp(fs, randomOp(rng, [...handles.keys()]), handles);
    }
    if (seed % 4 === 0) { // a MemFs that was forked is written as a plain one
      closeAll(handles);
      fs.fork();
      handles = replay(fs, Array.from({ length: 10 }, () => randomOp(rng)));
    }
    const copy = restoreFs(snapshotFs(fs)) as MemFs;
    assert.ok(copy instanceof MemFs);
    const what = `seed ${seed}`;
    assert.deepEqual(view(copy), view(fs), what);
    assert.deepEqual(times(copy), times(fs), `${what}: times`);
    // Files removed while still open count until they are closed, and are not written.
    closeAll(handles);
    const [u, v] = [copy.usage(), fs.usage()];
    assert.deepEqual(
      [u.maxBytes, u.maxFiles],
      [v.maxBytes, v.maxFiles],
      `${what}: limits`,
    );
    if (seed % 4 !== 0) assert.deepEqual(u, v, `${what}: usage`);
    sameFuture(copy, fs, rng, what);
  }
});

Deno.test("property: a MapFs comes back with the same tree", () => {
  for (let seed = 1; seed <= RUNS; seed++) {
    const map = randomBase(new Rng(seed), 25);
    const copy = restoreFs(snapshotFs(map));
    assert.ok(copy instanceof MapFs);
    assert.deepEqual(view(copy), view(map), `seed ${seed}`);
  }
});

Deno.test("property: a CowFs comes back over its base with the same view, diff and times", () => {
  for (let seed = 1; seed <= RUNS; seed++) {
    const rng = new Rng(seed);
    const base = randomBase(rng, 20);
    let cow = new CowFs(
      base,
      seed % 5 === 0 ? { maxBytes: 1 << 16 } : undefined,
    );
    const handles: Handles = new Map();
    for (let i = 0; i < 40; i++) {
      const r = rng.next();
      if (r < 0.08) cow.checkpoint();
      else if (r < 0.12 && cow.checkpoints().length > 0) {
        closeAll(handles);
        cow.rewind(rng.pick(cow.checkpoints()));
      } else if (r < 0.15) cow = cow.fork();
      else applyOp(cow, randomOp(rng, [...handles.keys()]), handles);
    }
    const copy = restoreFs(snapshotFs(cow), { base }) as CowFs;
    const what = `seed ${seed}`;
    assert.ok(copy instanceof CowFs);
    assert.equal(copy.base, base);
    assert.deepEqual(view(copy), view(cow), what);
    assert.deepEqual(copy.diff(), cow.diff(), `${what}: diff`);
    assert.deepEqual(times(copy), times(cow), `${what}: times`);
    assert.deepEqual(
      copy.checkpoints(),
      [],
      `${what}: checkpoints are not written`,
    );
    assert.equal(
      copy.usage().maxBytes,
      cow.usage().maxBytes,
      `${what}: limits`,
    );
    closeAll(handles);
    sameFuture(copy, cow, rng, what);
    assert.deepEqual(
      copy.diff(),
      cow.diff(),
      `${what}: diff after the same operations`,
    );
  }
});

Deno.test("property: snapshots of the same state hold the same entries, but for the time", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const base = randomBase(new Rng(seed), 15);
    const cow = new CowFs(base);
    replay(
      cow,
      Array.from({ length: 20 }, (_, i) => randomOp(new Rng(seed * 31 + i))),
    );
    const entries = (tar: Uint8Array) =>
      entriesOf(tar).map(({ name, data }) => {
        const text = new TextDecoder().decode(data);
        return [
          name,
          name === "oanix-snapshot.json" ? text.replace(/"created": "[^"]*"/, "") : text,
        ];
      });
    assert.deepEqual(
      entries(snapshotFs(cow)),
      entries(snapshotFs(cow)),
      `seed ${seed}`,
    );
  }
});
