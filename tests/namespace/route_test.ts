/**
 * Routing: one walk that checks and resolves a path, kept routes, and
 * nested namespaces seen through, all behaving as the plain rules say.
 */
import assert from "@std/assert";
import { MapFs, MemFs, Namespace, normalizePath, readText, writeText } from "../../mod.ts";
import { MountTable } from "../../src/namespace/mount_table.ts";
import { assertFsError } from "../fs/writable_contract.ts";

function table() {
  const t = new MountTable();
  const root = new MemFs();
  const tmp = new MemFs();
  const ws = new MemFs();
  t.add("/", root);
  t.add("/tmp", tmp);
  t.add("/cap/ws", ws);
  return { t, root, tmp, ws };
}

Deno.test("a path that is not normal routes exactly as its normal form", () => {
  const { t } = table();
  const tricky = [
    "/tmp/./a",
    "/tmp//a",
    "/tmp/a/",
    "/tmp/.",
    "/tmp/..",
    "/workspace/../tmp/a",
    "/cap/./ws/x",
    "/cap//ws",
    "/cap/ws/..",
    "//tmp",
    "/tmp/a/../../cap/ws/b",
    "/../../tmp",
  ];
  const plain = ["/.hidden", "/tmp/.a", "/tmp/..a", "/tmp/a..", "/tmp/...", "/cap/wsx", "/ca"];
  for (const p of [...tricky, ...plain]) {
    const r = t.route(p);
    const n = t.route(normalizePath(p));
    assert.equal(r.full, normalizePath(p), p);
    assert.deepEqual(
      [r.service, r.path, r.mountPoint, r.inTable, r.synthesized, r.parentSynthesized],
      [n.service, n.path, n.mountPoint, n.inTable, n.synthesized, n.parentSynthesized],
      p,
    );
  }
  for (const p of plain) assert.equal(t.route(p).full, p, `${p} is kept as given`);
});

Deno.test("a route says where the path lies in the mount tree", () => {
  const { t, root, tmp, ws } = table();
  const cap = t.route("/cap");
  assert.deepEqual([cap.inTable, cap.synthesized, cap.childNames()], [true, true, ["ws"]]);
  assert.equal(cap.service, root, "the root service covers /cap");
  const point = t.route("/cap/ws");
  assert.deepEqual([point.inTable, point.synthesized, point.parentSynthesized], [
    true,
    false,
    true,
  ]);
  assert.deepEqual([point.service, point.path, point.mountPoint], [ws, "/", "/cap/ws"]);
  const beside = t.route("/cap/note");
  assert.deepEqual([beside.inTable, beside.parentSynthesized, beside.path], [
    false,
    true,
    "/cap/note",
  ]);
  const below = t.route("/tmp/a/b");
  assert.deepEqual([below.inTable, below.parentSynthesized, below.service], [false, false, tmp]);
  assert.deepEqual([below.path, below.mountPoint, below.childNames()], ["/a/b", "/tmp", []]);
  assert.deepEqual([t.route("/").synthesized, t.route("/").mountPoint], [false, "/"]);
});

Deno.test("a mount table refuses what normalizePath refuses", () => {
  const { t } = table();
  assertFsError(() => t.route("tmp/a"), "EINVAL");
  assertFsError(() => t.route(""), "EINVAL");
  assertFsError(() => t.route("/tmp/a\0b"), "EINVAL");
  assertFsError(() => t.route(42 as unknown as string), "EINVAL");
  assertFsError(() => t.route("/tmp/" + "x".repeat(256)), "ENAMETOOLONG");
  assertFsError(() => t.route("/" + "x/".repeat(2100)), "ENAMETOOLONG");
  assertFsError(() => t.add("tmp", new MemFs()), "EINVAL");
  assert.equal(t.add("/tmp/./", new MemFs()), false, "/tmp is taken");
  assert.equal(t.isMountPoint("/cap//ws"), true);
});

Deno.test("un-normalised paths reach the right mount through a namespace", () => {
  const ws = new MemFs();
  const ns = Namespace.builder().mount("/cap/ws", ws).mount("/tmp", new MemFs()).build();
  writeText(ns, "/cap/./ws//x", "X");
  assert.equal(readText(ws, "/x"), "X");
  assert.equal(readText(ns, "/tmp/../cap/ws/x/"), "X");
  assertFsError(() => writeText(ns, "/cap/ws/../y", ""), "EROFS", "/cap/y");
});

Deno.test("routes stay right past the number a namespace keeps", () => {
  const a = new MemFs();
  const b = new MemFs();
  const ns = Namespace.builder().mount("/a", a).mount("/b", b).build();
  for (let i = 0; i < 3000; i++) writeText(ns, `/${i % 2 ? "a" : "b"}/f${i}`, `${i}`);
  for (let i = 0; i < 3000; i += 7) {
    assert.equal(readText(i % 2 ? a : b, `/f${i}`), `${i}`);
    assert.equal(readText(ns, `/${i % 2 ? "a" : "b"}/f${i}`), `${i}`);
  }
  const long = "/a/" + "d".repeat(200) + "/" + "e".repeat(200);
  ns.mkdir(long.slice(0, 203));
  writeText(ns, long, "L");
  assert.equal(readText(ns, long), "L");
  assertFsError(() => readText(ns, long + "x"), "ENOENT", long + "x");
});

/** An outer namespace with an inner one at /sandbox, the inner with mounts of its own. */
function nested() {
  const ws = new MemFs();
  const tmp = new MemFs();
  const inner = Namespace.builder()
    .mount("/workspace", ws)
    .mount("/tmp", tmp)
    .mount("/cap/ws", new MemFs())
    .mount("/task", MapFs.fromObject({ "/spec.json": "{}" }))
    .build();
  const outer = Namespace.builder().mount("/sandbox", inner).mount("/logs", new MemFs()).build();
  return { outer, inner, ws, tmp };
}

Deno.test("through a nested namespace, errors name the outer path", () => {
  const { outer, ws } = nested();
  assertFsError(
    () => readText(outer, "/sandbox/workspace/missing"),
    "ENOENT",
    "/sandbox/workspace/missing",
  );
  assertFsError(
    () => writeText(outer, "/sandbox/task/spec.json", ""),
    "EROFS",
    "/sandbox/task/spec.json",
  );
  writeText(ws, "/f", "F");
  ws.symlink("/f/deeper", "/link");
  assertFsError(() => outer.stat("/sandbox/workspace/link"), "ENOTDIR");
  assertFsError(() => outer.mkdir("/sandbox/workspace/a/b"), "ENOENT", "/sandbox/workspace/a/b");
});

Deno.test("through a nested namespace, its mount tree still decides", () => {
  const { outer, tmp } = nested();
  assert.deepEqual(outer.readdir("/sandbox").map((e) => e.name), [
    "cap",
    "task",
    "tmp",
    "workspace",
  ]);
  assert.deepEqual(outer.readdir("/sandbox/cap").map((e) => e.name), ["ws"]);
  assert.equal(outer.stat("/sandbox/cap").readOnly, true);
  assertFsError(() => writeText(outer, "/sandbox/cap/x", ""), "EROFS", "/sandbox/cap/x");
  assertFsError(() => outer.open("/sandbox/cap"), "EISDIR", "/sandbox/cap");
  assertFsError(() => outer.remove("/sandbox/tmp"), "EBUSY", "/sandbox/tmp");
  assertFsError(() => outer.mkdir("/sandbox/cap/ws"), "EEXIST", "/sandbox/cap/ws");
  writeText(outer, "/sandbox/tmp/a", "A");
  assertFsError(() => outer.rename("/sandbox/tmp/a", "/sandbox/workspace/a"), "EXDEV");
  assertFsError(() => outer.rename("/sandbox/tmp/a", "/sandbox/cap/a"), "EROFS");
  assertFsError(() => outer.rename("/sandbox/tmp/a", "/logs/a"), "EXDEV", "/sandbox/tmp/a");
  outer.rename("/sandbox/tmp/a", "/sandbox/tmp/b");
  assert.equal(readText(tmp, "/b"), "A");
  assert.equal(outer.resolve("/sandbox/tmp/b")?.mountPoint, "/sandbox");
});

Deno.test("through two nested namespaces, a file is the same file", () => {
  const { outer, ws } = nested();
  const top = Namespace.builder().mount("/", outer).build();
  writeText(top, "/sandbox/workspace/deep.txt", "deep");
  assert.equal(readText(ws, "/deep.txt"), "deep");
  assert.equal(top.lstat("/sandbox/workspace/deep.txt").size, 4);
  assertFsError(() => top.stat("/sandbox/workspace/none"), "ENOENT", "/sandbox/workspace/none");
  assertFsError(() => writeText(top, "/sandbox/new", ""), "EROFS", "/sandbox/new");
});
