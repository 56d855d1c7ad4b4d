// WorkspaceFs keeps the nanosecond times it sets: the host file keeps whole
// milliseconds (all Deno 2.9 sets and reads), and the WorkspaceFs object
// remembers the rest while the host still shows the milliseconds it wrote.
import assert from "@std/assert";
import { WorkspaceFs, writeText } from "../../mod.ts";
import { hostMs, hostSeconds, WorkspaceTimes } from "../../src/fs/workspace_times.ts";
import { assertFsError } from "./writable_contract.ts";

const A = 1_700_000_000_123_456_789n; // 2023, sub-millisecond
const M = 1_700_000_000_987_654_321n;

function tempWorkspace(): { dir: string; ws: WorkspaceFs; [Symbol.dispose](): void } {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "oanix_times_" }));
  return {
    dir,
    ws: new WorkspaceFs(dir),
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

/** The host's own times of `path`, in nanoseconds (whole milliseconds). */
function hostNs(path: string, follow = true): { atimeNs: bigint; mtimeNs: bigint } {
  const info = follow ? Deno.statSync(path) : Deno.lstatSync(path);
  return {
    atimeNs: BigInt(info.atime!.getTime()) * 1_000_000n,
    mtimeNs: BigInt(info.mtime!.getTime()) * 1_000_000n,
  };
}

Deno.test("setTimes: stat reads back every nanosecond; the host file keeps the milliseconds", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  const st = t.ws.stat("/f");
  assert.equal(st.atimeNs, A);
  assert.equal(st.mtimeNs, M);
  assert.equal(st.mtime, 1_700_000_000_987);
  assert.deepEqual(hostNs(`${t.dir}/f`), {
    atimeNs: 1_700_000_000_123_000_000n,
    mtimeNs: 1_700_000_000_987_000_000n,
  });
});

Deno.test("setTimes: times 100 ns apart read back 100 ns apart", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  const before = t.ws.stat("/f").mtimeNs!;
  t.ws.setTimes("/f", undefined, before - 100n);
  assert.equal(t.ws.stat("/f").mtimeNs, before - 100n);
  t.ws.setTimes("/f", undefined, before + 100n);
  assert.equal(t.ws.stat("/f").mtimeNs, before + 100n);
});

Deno.test("setTimes: a handle's stat reports the nanoseconds, opened before or after", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  const early = t.ws.open("/f");
  t.ws.setTimes("/f", A, M);
  const late = t.ws.open("/f", { read: true, write: true });
  try {
    for (const h of [early, late]) {
      assert.equal(h.stat().atimeNs, A);
      assert.equal(h.stat().mtimeNs, M);
    }
  } finally {
    early.close();
    late.close();
  }
});

Deno.test("setTimes: a time left undefined keeps its nanoseconds", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  t.ws.setTimes("/f", undefined, M + 1n);
  assert.equal(t.ws.stat("/f").atimeNs, A);
  assert.equal(t.ws.stat("/f").mtimeNs, M + 1n);
  t.ws.setTimes("/f", A + 2n, undefined);
  assert.equal(t.ws.stat("/f").atimeNs, A + 2n);
  assert.equal(t.ws.stat("/f").mtimeNs, M + 1n);
});

Deno.test("setTimes: a 'now' time (a fresh clock reading) reads back exactly", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  const now = BigInt(Date.now()) * 1_000_000n + 123_456n;
  t.ws.setTimes("/f", now, now);
  assert.equal(t.ws.stat("/f").mtimeNs, now);
  assert.equal(t.ws.stat("/f").atimeNs, now);
});

Deno.test("setTimes: times before the epoch land in the right host millisecond", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", -1_500_000n, -1n);
  assert.equal(t.ws.stat("/f").atimeNs, -1_500_000n);
  assert.equal(t.ws.stat("/f").mtimeNs, -1n);
  assert.deepEqual(hostNs(`${t.dir}/f`), { atimeNs: -2_000_000n, mtimeNs: -1_000_000n });
});

Deno.test("setTimes: a time just below a whole millisecond stays in the millisecond below", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  const edge = 1_700_000_000_999_999_999n;
  t.ws.setTimes("/f", edge, edge);
  assert.equal(Deno.statSync(`${t.dir}/f`).mtime!.getTime(), 1_700_000_000_999);
  assert.equal(t.ws.stat("/f").mtimeNs, edge);
});

Deno.test("setTimes on a directory: stat reads back the nanoseconds", () => {
  using t = tempWorkspace();
  t.ws.mkdir("/d");
  t.ws.setTimes("/d", A, M);
  assert.equal(t.ws.stat("/d").mtimeNs, M);
  assert.equal(t.ws.stat("/d").atimeNs, A);
});

Deno.test("lsetTimes on a symlink: lstat reads back the nanoseconds; the target is untouched", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/target", "t");
  t.ws.symlink("target", "/link");
  const target = t.ws.stat("/target");
  t.ws.lsetTimes("/link", A, M);
  assert.equal(t.ws.lstat("/link").mtimeNs, M);
  assert.equal(t.ws.lstat("/link").atimeNs, A);
  assert.equal(t.ws.stat("/link").mtimeNs, target.mtimeNs);
  assert.equal(t.ws.stat("/target").mtimeNs, target.mtimeNs);
  assert.equal(hostNs(`${t.dir}/link`, false).mtimeNs, 1_700_000_000_987_000_000n);
});

Deno.test("setTimes through a symlink: the target's stat and lstat read back the nanoseconds", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/target", "t");
  t.ws.symlink("target", "/link");
  t.ws.setTimes("/link", A, M);
  assert.equal(t.ws.stat("/link").mtimeNs, M);
  assert.equal(t.ws.lstat("/target").mtimeNs, M);
  assert.notEqual(t.ws.lstat("/link").mtimeNs, M);
});

Deno.test("a later write moves the host mtime, and the host's time wins", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  writeText(t.ws, "/f", "changed");
  const host = hostNs(`${t.dir}/f`);
  assert.notEqual(host.mtimeNs, 1_700_000_000_987_000_000n, "the write moved the host's mtime");
  assert.equal(t.ws.stat("/f").mtimeNs, host.mtimeNs);
});

Deno.test("a write through a handle: the handle's stat shows the host's new mtime", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  const h = t.ws.open("/f", { write: true });
  try {
    h.write(new TextEncoder().encode("more"));
    assert.equal(h.stat().mtimeNs, hostNs(`${t.dir}/f`).mtimeNs);
    assert.notEqual(h.stat().mtimeNs, M);
  } finally {
    h.close();
  }
});

Deno.test("an outside Deno.utimeSync moves the host time, and the host's time wins", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  Deno.utimeSync(`${t.dir}/f`, new Date(1_600_000_000_000), new Date(1_600_000_000_555));
  assert.equal(t.ws.stat("/f").mtimeNs, 1_600_000_000_555_000_000n);
  assert.equal(t.ws.stat("/f").atimeNs, 1_600_000_000_000_000_000n);
});

Deno.test("only the moved time goes to the host: an outside mtime change keeps the atime's ns", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  Deno.utimeSync(`${t.dir}/f`, new Date(1_700_000_000_123), new Date(1_600_000_000_555));
  assert.equal(t.ws.stat("/f").mtimeNs, 1_600_000_000_555_000_000n);
  assert.equal(t.ws.stat("/f").atimeNs, A);
});

Deno.test("rename keeps the nanoseconds (the host file is the same inode)", () => {
  using t = tempWorkspace();
  t.ws.mkdir("/d");
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  t.ws.rename("/f", "/d/g");
  assert.equal(t.ws.stat("/d/g").mtimeNs, M);
  assert.equal(t.ws.stat("/d/g").atimeNs, A);
});

Deno.test("a hard link reads back the nanoseconds set through the other name", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/a", "x");
  t.ws.link("/a", "/b");
  t.ws.setTimes("/a", A, M);
  assert.equal(t.ws.stat("/b").mtimeNs, M);
  t.ws.remove("/a");
  assert.equal(t.ws.stat("/b").mtimeNs, M, "removing one of two names keeps the times");
});

Deno.test("the nanoseconds live in the WorkspaceFs object: another one over the folder reads ms", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  const other = new WorkspaceFs(t.dir);
  assert.equal(other.stat("/f").mtimeNs, 1_700_000_000_987_000_000n);
  assert.equal(t.ws.stat("/f").mtimeNs, M);
});

Deno.test("bad input fails as before and leaves the kept times alone", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "x");
  t.ws.setTimes("/f", A, M);
  const bad = 5 as unknown as bigint;
  assertFsError(() => t.ws.setTimes("/f", bad, M + 1n), "EINVAL", "/f");
  assertFsError(() => t.ws.lsetTimes("/f", A, bad), "EINVAL", "/f");
  assertFsError(() => t.ws.setTimes("/missing", A, M), "ENOENT", "/missing");
  assertFsError(() => WorkspaceFs.readonly(t.dir).setTimes("/f", A, M + 1n), "EROFS", "/f");
  assert.equal(t.ws.stat("/f").mtimeNs, M);
  assert.equal(t.ws.stat("/f").atimeNs, A);
});

// ---------------------------------------------------------------------------
// The table itself.
// ---------------------------------------------------------------------------

/** `n` fresh host files in a temporary folder, with their FileInfo. */
function hostFiles(n: number): { infos: Deno.FileInfo[]; [Symbol.dispose](): void } {
  const dir = Deno.makeTempDirSync({ prefix: "oanix_times_" });
  const infos: Deno.FileInfo[] = [];
  for (let i = 0; i < n; i++) {
    Deno.writeTextFileSync(`${dir}/f${i}`, "x");
    Deno.utimeSync(`${dir}/f${i}`, hostSeconds(hostMs(A)), hostSeconds(hostMs(M)));
    infos.push(Deno.statSync(`${dir}/f${i}`));
  }
  return { infos, [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }) };
}

/** The mtimeNs a WorkspaceTimes reports for `info`. */
function refinedMtime(times: WorkspaceTimes, info: Deno.FileInfo): bigint | undefined {
  const ms = info.mtime!.getTime();
  const st = { kind: "file" as const, size: 1, mtime: ms, readOnly: false };
  return times.refine(info, { ...st, mtimeNs: BigInt(ms) * 1_000_000n }).mtimeNs;
}

Deno.test("WorkspaceTimes: the cap holds; the file remembered longest ago goes first", () => {
  using files = hostFiles(4);
  const [a, b, c, d] = files.infos;
  const times = new WorkspaceTimes(3);
  times.remember(a, A, M);
  times.remember(b, A, M);
  times.remember(c, A, M);
  times.remember(a, A, M); // remembered again: now the newest
  times.remember(d, A, M);
  assert.equal(times.size, 3);
  assert.equal(refinedMtime(times, b), 1_700_000_000_987_000_000n, "b went: the host's ms");
  for (const kept of [a, c, d]) assert.equal(refinedMtime(times, kept), M);
});

Deno.test("WorkspaceTimes: forget drops a file; the default cap is 4096", () => {
  using files = hostFiles(1);
  const times = new WorkspaceTimes();
  assert.equal(times.limit, 4096);
  times.remember(files.infos[0], A, M);
  assert.equal(refinedMtime(times, files.infos[0]), M);
  times.forget(files.infos[0]);
  assert.equal(times.size, 0);
  assert.equal(refinedMtime(times, files.infos[0]), 1_700_000_000_987_000_000n);
});

Deno.test("WorkspaceTimes: a file on another device with the same inode is not mixed up", () => {
  using files = hostFiles(1);
  const times = new WorkspaceTimes();
  const info = files.infos[0];
  times.remember(info, A, M);
  assert.equal(refinedMtime(times, { ...info, dev: info.dev + 1 }), 1_700_000_000_987_000_000n);
  times.forget({ ...info, dev: info.dev + 1 });
  assert.equal(times.size, 1, "forgetting the other device's file keeps this one");
});

Deno.test("WorkspaceTimes: a limit that is not a positive integer is a RangeError", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
    assert.throws(() => new WorkspaceTimes(bad), RangeError);
  }
});

Deno.test("hostMs rounds down, also before the epoch; hostSeconds lands in that millisecond", () => {
  assert.equal(hostMs(1_999_999n), 1);
  assert.equal(hostMs(-1n), -1);
  assert.equal(hostMs(-1_000_000n), -1);
  assert.equal(hostMs(-1_000_001n), -2);
  for (const ms of [0, 1, 999, 1_700_000_000_999, -1, -1000]) {
    assert.equal(Math.floor(hostSeconds(ms) * 1000), ms);
  }
});
