/**
 * CowFs forks and checkpoints: what each promises, case by case. (The
 * random runs in fork_property_test.ts check them against replays.)
 */
import assert from "@std/assert";
import { CowFs, exists, MapFs, MemFs, readText, writeText } from "../../mod.ts";
import { assertCode, sampleBase } from "./cow_helpers.ts";

const enc = new TextEncoder();

Deno.test("fork: the fork starts from the overlay's view and the two change independently", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/README.md", "# changed");
  cow.remove("/docs/a.md");
  const fork = cow.fork();
  assert.deepEqual(fork.diff(), cow.diff());
  writeText(fork, "/fork-only.txt", "f");
  writeText(cow, "/parent-only.txt", "p");
  fork.remove("/README.md");
  assert.equal(readText(cow, "/README.md"), "# changed");
  assert.ok(!exists(cow, "/fork-only.txt"));
  assert.ok(!exists(fork, "/parent-only.txt"));
  assert.deepEqual(
    fork.diff().map((c) => `${c.change} ${c.path}`),
    ["deleted /README.md", "deleted /docs/a.md", "added /fork-only.txt"],
  );
  assert.equal(fork.base, cow.base, "both stand on the same base");
});

Deno.test("fork: many forks of one state share it and each sees only its own changes", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/prepared.txt", "ready");
  const forks = Array.from({ length: 50 }, () => cow.fork());
  forks.forEach((f, i) => writeText(f, "/answer.txt", String(i)));
  forks.forEach((f, i) => {
    assert.equal(readText(f, "/answer.txt"), String(i));
    assert.equal(readText(f, "/prepared.txt"), "ready");
  });
  assert.ok(!exists(cow, "/answer.txt"));
});

Deno.test("fork: a fork of a fork sees what its parent had, not what the grandparent did later", () => {
  const a = new CowFs(sampleBase());
  writeText(a, "/x", "1");
  const b = a.fork();
  writeText(b, "/x", "2");
  const c = b.fork();
  writeText(a, "/x", "a-later");
  writeText(b, "/x", "b-later");
  assert.equal(readText(c, "/x"), "2");
  assert.equal(readText(a, "/x"), "a-later");
});

Deno.test("fork: a file open for writing goes on being written in the parent; the fork keeps what it held", () => {
  const cow = new CowFs(new MemFs());
  const h = cow.open("/log.txt", { write: true, create: true });
  h.write(enc.encode("before "));
  const fork = cow.fork();
  h.write(enc.encode("after"));
  h.close();
  assert.equal(readText(cow, "/log.txt"), "before after");
  assert.equal(readText(fork, "/log.txt"), "before ");
});

Deno.test("fork: hard links made before the fork stay links in the parent and in the fork", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/a.txt", "one");
  cow.link("/a.txt", "/b.txt");
  const fork = cow.fork();
  for (const fs of [cow, fork]) {
    writeText(fs, "/b.txt", fs === cow ? "parent" : "fork");
    assert.equal(readText(fs, "/a.txt"), fs === cow ? "parent" : "fork");
    assert.equal(fs.stat("/a.txt").nlink, 2);
    assert.equal(fs.stat("/a.txt").ino, fs.stat("/b.txt").ino);
  }
});

Deno.test("fork: inode numbers stay what they were", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/new.txt", "n");
  const before = ["/", "/README.md", "/new.txt", "/src/main.ts"].map((p) => cow.stat(p).ino);
  const fork = cow.fork();
  for (let i = 0; i < 12; i++) cow.checkpoint(); // more levels than are ever kept apart
  assert.deepEqual(
    ["/", "/README.md", "/new.txt", "/src/main.ts"].map((p) => cow.stat(p).ino),
    before,
  );
  assert.deepEqual(
    ["/", "/README.md", "/new.txt", "/src/main.ts"].map((p) => fork.stat(p).ino),
    before,
  );
  writeText(fork, "/newer.txt", "m");
  assert.ok(
    !before.includes(fork.stat("/newer.txt").ino!),
    "a new file gets a number of its own",
  );
});

Deno.test("fork: the fork has the same limits and counts what the overlay held", () => {
  const cow = new CowFs(new MemFs(), { maxBytes: 10 });
  writeText(cow, "/a", "123456");
  const fork = cow.fork();
  assert.deepEqual(fork.usage(), cow.usage());
  assertCode(() => writeText(fork, "/b", "12345"), "ENOSPC");
  writeText(fork, "/b", "1234");
  assert.equal(fork.usage().bytes, 10);
  assert.equal(cow.usage().bytes, 6, "the parent's count is its own");
});

Deno.test("checkpoint: rewind brings the view back, and checkpoints after it stay usable", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/step.txt", "1");
  const one = cow.checkpoint();
  writeText(cow, "/step.txt", "2");
  cow.remove("/README.md");
  const two = cow.checkpoint();
  writeText(cow, "/step.txt", "3");
  cow.rewind(one);
  assert.equal(readText(cow, "/step.txt"), "1");
  assert.ok(exists(cow, "/README.md"));
  cow.rewind(two);
  assert.equal(readText(cow, "/step.txt"), "2");
  assert.ok(!exists(cow, "/README.md"));
  assert.deepEqual(cow.checkpoints(), [one, two]);
});

Deno.test("checkpoint: ids are never reused, and an unknown id is a RangeError that changes nothing", () => {
  const cow = new CowFs(new MemFs());
  assert.throws(() => cow.rewind(1), RangeError, "none taken");
  const a = cow.checkpoint();
  cow.dropCheckpoint(a);
  const b = cow.checkpoint();
  assert.notEqual(a, b);
  writeText(cow, "/kept", "x");
  assert.throws(() => cow.rewind(a), RangeError, `known: ${b}`);
  assert.throws(() => cow.dropCheckpoint(a), RangeError);
  assert.equal(readText(cow, "/kept"), "x");
});

Deno.test("checkpoint: a checkpoint of the untouched base rewinds to the base", () => {
  const cow = new CowFs(sampleBase());
  const start = cow.checkpoint();
  writeText(cow, "/README.md", "x");
  cow.rewind(start);
  assert.deepEqual(cow.diff(), []);
  assert.equal(readText(cow, "/README.md"), "# project");
});

Deno.test("checkpoint: keeps only the delta: a checkpoint after no change adds nothing", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/a", "1");
  const one = cow.checkpoint();
  const two = cow.checkpoint();
  writeText(cow, "/a", "2");
  cow.rewind(two);
  assert.equal(readText(cow, "/a"), "1");
  cow.rewind(one);
  assert.equal(readText(cow, "/a"), "1");
});

Deno.test("checkpoint: one per step for 100 steps keeps every step reachable", () => {
  const cow = new CowFs(sampleBase());
  const ids: number[] = [];
  for (let i = 0; i < 100; i++) {
    writeText(cow, `/step${i % 7}.txt`, String(i));
    const gone = `/step${(i + 1) % 7}.txt`;
    if (i % 10 === 3 && exists(cow, gone)) cow.remove(gone);
    ids.push(cow.checkpoint());
  }
  const expected = (step: number): Record<string, string> => {
    const files: Record<string, string> = {};
    for (let i = 0; i <= step; i++) {
      files[`/step${i % 7}.txt`] = String(i);
      if (i % 10 === 3) delete files[`/step${(i + 1) % 7}.txt`];
    }
    return files;
  };
  for (const step of [0, 3, 50, 99, 17]) {
    cow.rewind(ids[step]);
    const got: Record<string, string> = {};
    for (const e of cow.readdir("/")) {
      if (e.name.startsWith("step")) {
        got[`/${e.name}`] = readText(cow, `/${e.name}`);
      }
    }
    assert.deepEqual(got, expected(step), `step ${step}`);
  }
});

Deno.test("checkpoint: a file open for writing across a checkpoint keeps being written, and rewinding detaches it", () => {
  const cow = new CowFs(new MemFs());
  const h = cow.open("/out.txt", { write: true, create: true });
  h.write(enc.encode("a"));
  const one = cow.checkpoint();
  h.write(enc.encode("b"));
  assert.equal(readText(cow, "/out.txt"), "ab");
  cow.rewind(one);
  assert.equal(readText(cow, "/out.txt"), "a");
  h.write(enc.encode("c")); // detached: the view does not change
  h.close();
  assert.equal(readText(cow, "/out.txt"), "a");
});

Deno.test("checkpoint: the limits count across checkpoints, and a rewind gives back what it dropped", () => {
  const cow = new CowFs(new MemFs(), { maxBytes: 10 });
  writeText(cow, "/a", "12345");
  const one = cow.checkpoint();
  writeText(cow, "/b", "12345");
  assertCode(() => writeText(cow, "/c", "1"), "ENOSPC");
  cow.rewind(one);
  assert.equal(cow.usage().bytes, 5);
  writeText(cow, "/c", "12345");
  assert.equal(cow.usage().bytes, 10);
});

Deno.test("checkpoint: a file rewritten after a checkpoint counts twice (both versions are kept)", () => {
  const cow = new CowFs(new MemFs(), { maxBytes: 10 });
  writeText(cow, "/a", "123456");
  cow.checkpoint();
  assertCode(() => writeText(cow, "/a", "abcdef"), "ENOSPC");
  assert.equal(readText(cow, "/a"), "123456");
});

Deno.test("diff and commit see through every checkpoint; commit and reset drop the checkpoints", () => {
  const base = new MemFs();
  writeText(base, "/keep", "k");
  writeText(base, "/gone", "g");
  const cow = new CowFs(base);
  writeText(cow, "/keep", "K");
  cow.checkpoint();
  cow.remove("/gone");
  cow.checkpoint();
  writeText(cow, "/new", "n");
  assert.deepEqual(
    cow.diff().map((c) => `${c.change} ${c.path}`),
    ["deleted /gone", "modified /keep", "added /new"],
  );
  cow.commit();
  assert.deepEqual(cow.checkpoints(), []);
  assert.deepEqual(cow.diff(), []);
  assert.equal(readText(base, "/keep"), "K");
  assert.ok(!exists(base, "/gone"));
  cow.checkpoint();
  writeText(cow, "/x", "1");
  cow.reset();
  assert.deepEqual(cow.checkpoints(), []);
  assert.ok(!exists(cow, "/x"));
});

Deno.test("commit that the base refuses keeps every change and every checkpoint", () => {
  const cow = new CowFs(MapFs.fromObject({ "/a": "A" }));
  writeText(cow, "/a", "B");
  const one = cow.checkpoint();
  writeText(cow, "/c", "C");
  assertCode(() => cow.commit(), "EROFS");
  assert.equal(readText(cow, "/c"), "C");
  cow.rewind(one);
  assert.equal(readText(cow, "/a"), "B");
});

Deno.test("a read handle opened before a checkpoint moves over to a copy made after it", () => {
  const cow = new CowFs(MapFs.fromObject({ "/a": "old" }));
  const h = cow.open("/a");
  cow.checkpoint();
  writeText(cow, "/a", "new");
  const buf = new Uint8Array(3);
  h.read(buf);
  h.close();
  assert.equal(new TextDecoder().decode(buf), "new");
});

Deno.test("describe counts the changes below checkpoints too, and the checkpoints", () => {
  const cow = new CowFs(sampleBase());
  writeText(cow, "/a", "1");
  cow.remove("/README.md");
  const before = cow.describe();
  cow.checkpoint();
  assert.deepEqual(cow.describe(), { ...before, checkpoints: 1 });
  assert.deepEqual(before, { base: "map", entries: 1, whiteouts: 1 });
});
