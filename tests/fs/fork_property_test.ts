/**
 * Forks and checkpoints, checked against the plain overlay they must be
 * indistinguishable from: for many seeded random runs, a fork must show
 * exactly what a fresh service shows after the same operations (those of
 * its parent before the fork, then its own), and a rewind exactly what a
 * fresh service shows after the operations made before the checkpoint.
 * Every operation must also succeed or fail the same way on both.
 */
import assert from "@std/assert";
import { CowFs, type FileService, type MapFs, MemFs } from "../../mod.ts";
import {
  applyOp,
  assertSameView,
  closeAll,
  type Handles,
  type Op,
  randomBase,
  randomOp,
  replay,
  Rng,
} from "./random_ops.ts";

const RUNS = 150;
const STEPS = 70;

/** A service under test, its reference, and the operations that made it. */
interface Pair {
  fs: FileService;
  ref: FileService;
  handles: Handles;
  refHandles: Handles;
  /** Handles the reference's replay left open (the fork has none of them). */
  replayed: Handles;
  history: Op[];
}

function step(pair: Pair, op: Op, what: string): void {
  const got = applyOp(pair.fs, op, pair.handles);
  const want = applyOp(pair.ref, op, pair.refHandles);
  assert.equal(
    got,
    want,
    `${what}: ${JSON.stringify(op, (_, v) => typeof v === "bigint" ? String(v) : v)}`,
  );
  pair.history.push(op);
}

function check(pairs: readonly Pair[], what: string, diff: boolean): void {
  pairs.forEach((p, i) => {
    assertSameView(p.fs, p.ref, `${what}, service ${i}`);
    if (diff) {
      assert.deepEqual((p.fs as CowFs).diff(), (p.ref as CowFs).diff(), `${what}, diff ${i}`);
    }
  });
}

function closePairs(pairs: readonly Pair[]): void {
  for (const p of pairs) for (const h of [p.handles, p.refHandles, p.replayed]) closeAll(h);
}

/**
 * Random operations on a first service and its forks, forks of forks
 * included. `fresh` makes a reference service; `closeBeforeFork` closes the
 * source's handles first (a MemFs cannot be forked while one is open).
 */
function forkRun(
  seed: number,
  first: FileService,
  fresh: () => FileService,
  closeBeforeFork: boolean,
  diff: boolean,
): void {
  const rng = new Rng(seed);
  const pairs: Pair[] = [{
    fs: first,
    ref: fresh(),
    handles: new Map(),
    refHandles: new Map(),
    replayed: new Map(),
    history: [],
  }];
  try {
    for (let i = 0; i < STEPS; i++) {
      const what = `seed ${seed}, step ${i}`;
      const target = rng.pick(pairs);
      if (rng.next() < 0.12 && pairs.length < 6) {
        if (closeBeforeFork) {
          closeAll(target.handles);
          closeAll(target.refHandles);
        }
        const ref = fresh();
        const fs = (target.fs as CowFs | MemFs).fork();
        pairs.push({
          fs,
          ref,
          handles: new Map(),
          refHandles: new Map(),
          replayed: replay(ref, target.history),
          history: [...target.history],
        });
        check(pairs, `${what}, after a fork`, diff);
        continue;
      }
      step(target, randomOp(rng, [...target.handles.keys()]), what);
      if (i % 10 === 9) check(pairs, what, diff);
    }
    check(pairs, `seed ${seed}, at the end`, diff);
  } finally {
    closePairs(pairs);
  }
}

Deno.test("property: a CowFs fork shows what a fresh overlay shows after the same operations", () => {
  for (let seed = 1; seed <= RUNS; seed++) {
    const base = randomBase(new Rng(seed * 7919));
    forkRun(seed, new CowFs(base), () => new CowFs(base), false, true);
  }
});

Deno.test("property: a MemFs fork shows what a fresh MemFs shows after the same operations", () => {
  for (let seed = 1; seed <= RUNS; seed++) {
    forkRun(
      seed,
      new MemFs(),
      () => new MemFs(),
      true,
      false,
    );
  }
});

Deno.test("property: a CowFs over a MemFs that was forked forks like any other", () => {
  for (let seed = 1; seed <= RUNS / 3; seed++) {
    const tree = new MemFs();
    replay(tree, Array.from({ length: 20 }, () => randomOp(new Rng(seed))));
    tree.fork();
    forkRun(seed, new CowFs(tree), () => new CowFs(tree), false, true);
  }
});

/**
 * Random operations with checkpoints, rewinds and dropped checkpoints
 * (checkpoints taken often enough that deep stacks get merged).
 */
function checkpointRun(seed: number, base: MapFs, rate: number): void {
  const rng = new Rng(seed);
  const cow = new CowFs(base);
  const pair: Pair = {
    fs: cow,
    ref: new CowFs(base),
    handles: new Map(),
    refHandles: new Map(),
    replayed: new Map(),
    history: [],
  };
  const taken = new Map<number, Op[]>();
  try {
    for (let i = 0; i < STEPS; i++) {
      const what = `seed ${seed}, step ${i}`;
      const r = rng.next();
      if (r < rate) {
        taken.set(cow.checkpoint(), [...pair.history]);
        check([pair], `${what}, after a checkpoint`, true);
      } else if (r < rate + 0.06 && taken.size > 0) {
        const id = rng.pick([...taken.keys()]);
        closePairs([pair]);
        cow.rewind(id);
        pair.ref = new CowFs(base);
        pair.history = [...taken.get(id)!];
        closeAll(replay(pair.ref, pair.history));
        check([pair], `${what}, after rewinding to ${id}`, true);
      } else if (r < rate + 0.08 && taken.size > 1) {
        const id = rng.pick([...taken.keys()]);
        cow.dropCheckpoint(id);
        taken.delete(id);
      } else {
        step(pair, randomOp(rng, [...pair.handles.keys()]), what);
      }
      if (i % 10 === 9) check([pair], what, true);
    }
    assert.deepEqual(cow.checkpoints(), [...taken.keys()].sort((a, b) => a - b));
    check([pair], `seed ${seed}, at the end`, true);
  } finally {
    closePairs([pair]);
  }
}

Deno.test("property: rewinding to a checkpoint shows what the overlay showed when it was taken", () => {
  for (let seed = 1; seed <= RUNS; seed++) {
    checkpointRun(seed, randomBase(new Rng(seed * 104729)), seed % 2 === 0 ? 0.1 : 0.35);
  }
});
