import assert from "@std/assert";
import {
  type FileService,
  FsError,
  FuncFs,
  MapFs,
  MemFs,
  Namespace,
  readText,
  writeText,
} from "../../mod.ts";
import { assertFsError, writableContract } from "../fs/writable_contract.ts";

writableContract("Namespace over MemFs at /", () => ({
  svc: Namespace.builder().mount("/", new MemFs()).build(),
}));

function sample() {
  const tmp = new MemFs();
  const ws = new MemFs();
  const ns = Namespace.builder()
    .mount("/task", MapFs.fromObject({ "/spec.json": '{"id":"t1"}' }))
    .mount("/workspace", ws)
    .mount("/tmp", tmp)
    .mount("/cap/ws", new MemFs())
    .mount("/cap/http", new MemFs())
    .build();
  return { ns, tmp, ws };
}

Deno.test("resolve returns the service and the path inside it", () => {
  const { ns, tmp } = sample();
  const r = ns.resolve("/tmp/a/b.txt");
  assert.equal(r?.service, tmp);
  assert.equal(r?.path, "/a/b.txt");
  assert.equal(r?.mountPoint, "/tmp");
  assert.equal(ns.resolve("/tmp")?.path, "/");
});

Deno.test("resolve matches whole segments: /tmp never captures /tmpfoo", () => {
  const { ns } = sample();
  assert.equal(ns.resolve("/tmpfoo"), undefined);
  assert.equal(ns.resolve("/tmpfoo/x"), undefined);
  assertFsError(() => readText(ns, "/tmpfoo"), "ENOENT", "/tmpfoo");
});

Deno.test("the longest mount wins when mounts overlap", () => {
  const cap = new MemFs();
  const ws = new MemFs();
  const ns = Namespace.builder().mount("/cap", cap).mount("/cap/ws", ws).build();
  assert.equal(ns.resolve("/cap/ws/status")?.service, ws);
  assert.equal(ns.resolve("/cap/wsx")?.service, cap);
  assert.equal(ns.resolve("/cap/http/request")?.service, cap);
  writeText(ns, "/cap/note", "n");
  assert.deepEqual(ns.readdir("/cap").map((e) => e.name), ["note", "ws"]);
});

Deno.test("resolve normalises first: .. never climbs above the root", () => {
  const { ns, tmp } = sample();
  assert.equal(ns.resolve("/workspace/../../tmp/x")?.service, tmp);
  assert.equal(ns.resolve("/tmp/../../../etc/passwd"), undefined);
  assertFsError(() => ns.resolve("/tmp/a\0"), "EINVAL");
  assertFsError(() => ns.resolve(""), "EINVAL");
  assertFsError(() => ns.resolve("/" + "x".repeat(5000)), "ENAMETOOLONG");
});

Deno.test("the root and /cap are synthesised read-only directories listing the next segments", () => {
  const { ns } = sample();
  assert.deepEqual(ns.readdir("/"), [
    { name: "cap", kind: "dir" },
    { name: "task", kind: "dir" },
    { name: "tmp", kind: "dir" },
    { name: "workspace", kind: "dir" },
  ]);
  assert.deepEqual(ns.readdir("/cap").map((e) => e.name), ["http", "ws"]);
  const st = ns.stat("/cap");
  assert.equal(st.kind, "dir");
  assert.equal(st.readOnly, true);
  assert.equal(ns.stat("/").kind, "dir");
});

Deno.test("synthesised directories refuse changes", () => {
  const { ns } = sample();
  assertFsError(() => writeText(ns, "/cap/new.txt", ""), "EROFS", "/cap/new.txt");
  assertFsError(() => writeText(ns, "/new.txt", ""), "EROFS", "/new.txt");
  assertFsError(() => ns.mkdir("/cap/dir"), "EROFS");
  assertFsError(() => ns.mkdir("/cap"), "EEXIST");
  assertFsError(() => ns.open("/cap"), "EISDIR");
  assertFsError(() => ns.remove("/cap"), "EBUSY");
  assertFsError(() => ns.setTimes("/cap", 0n, 0n), "EROFS");
  assertFsError(() => ns.readdir("/nothing"), "ENOENT");
  assertFsError(() => ns.stat("/nothing"), "ENOENT");
});

Deno.test("mount points cannot be removed or renamed over", () => {
  const { ns } = sample();
  writeText(ns, "/tmp/f", "");
  assertFsError(() => ns.remove("/tmp"), "EBUSY");
  assertFsError(() => ns.rename("/tmp", "/tmp2"), "EBUSY");
  assertFsError(() => ns.rename("/tmp/f", "/workspace"), "EBUSY");
});

Deno.test("a rename across two mounts is EXDEV and moves nothing", () => {
  const { ns } = sample();
  writeText(ns, "/tmp/a.txt", "A");
  assertFsError(() => ns.rename("/tmp/a.txt", "/workspace/a.txt"), "EXDEV", "/tmp/a.txt");
  assert.equal(readText(ns, "/tmp/a.txt"), "A");
});

Deno.test("a rename inside one mount works", () => {
  const { ns, tmp } = sample();
  writeText(ns, "/tmp/a.txt", "A");
  ns.rename("/tmp/a.txt", "/tmp/b.txt");
  assert.equal(readText(tmp, "/b.txt"), "A");
});

Deno.test("errors name the full namespace path, not the service's", () => {
  const { ns } = sample();
  assertFsError(
    () => readText(ns, "/workspace/src/missing.rs"),
    "ENOENT",
    "/workspace/src/missing.rs",
  );
  assertFsError(() => writeText(ns, "/task/spec.json", "{}"), "EROFS", "/task/spec.json");
  assertFsError(() => ns.remove("/tmp/none"), "ENOENT", "/tmp/none");
});

Deno.test("mounting shares the instance: the host sees what the agent wrote", () => {
  const { ns, ws } = sample();
  writeText(ns, "/workspace/out.txt", "from agent");
  assert.equal(readText(ws, "/out.txt"), "from agent");
  writeText(ws, "/in.txt", "from host");
  assert.equal(readText(ns, "/workspace/in.txt"), "from host");
});

Deno.test("mounting the same path twice is an error at build time", () => {
  const b = Namespace.builder().mount("/tmp", new MemFs());
  assertFsError(() => b.mount("/tmp/", new MemFs()), "EEXIST", "/tmp");
});

Deno.test("mounting something that is not a service is a TypeError", () => {
  assert.throws(() => Namespace.builder().mount("/x", {} as FileService), TypeError);
  assert.throws(() => Namespace.builder().mount("/x", null as unknown as FileService), TypeError);
  assertFsError(() => Namespace.builder().mount("rel", new MemFs()), "EINVAL");
  assert.throws(() => new Namespace(null as never, Symbol()), TypeError);
});

Deno.test("a builder cannot be reused after build", () => {
  const b = Namespace.builder();
  b.build();
  assert.throws(() => b.mount("/x", new MemFs()), /already built/);
  assert.throws(() => b.build(), /already built/);
});

Deno.test("mounts() lists the table and describe() gives plain data", () => {
  const { ns } = sample();
  assert.deepEqual(ns.mounts().map((m) => m.path), [
    "/cap/http",
    "/cap/ws",
    "/task",
    "/tmp",
    "/workspace",
  ]);
  const d = ns.describe();
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.deepEqual(d.mounts.find((m) => m.path === "/task"), { path: "/task", kind: "map" });
});

Deno.test("a namespace can be mounted inside another namespace", () => {
  const inner = Namespace.builder().mount("/data", MapFs.fromObject({ "/x": "X" })).build();
  const outer = Namespace.builder().mount("/inner", inner).build();
  assert.equal(readText(outer, "/inner/data/x"), "X");
  assert.equal(outer.stat("/inner").kind, "dir");
});

Deno.test("a service mounted at / sees everything that no deeper mount takes", () => {
  const root = new MemFs();
  const ns = Namespace.builder().mount("/", root).mount("/tmp", new MemFs()).build();
  writeText(ns, "/top.txt", "t");
  assert.equal(readText(root, "/top.txt"), "t");
  assert.deepEqual(ns.readdir("/").map((e) => e.name), ["tmp", "top.txt"]);
  assert.equal(ns.stat("/tmp").readOnly, false);
});

Deno.test("symlinks and times pass through to services that support them", () => {
  const { ns } = sample();
  writeText(ns, "/tmp/t", "T");
  ns.symlink("/t", "/tmp/link");
  assert.equal(ns.readlink("/tmp/link"), "/t");
  assert.equal(ns.lstat("/tmp/link").kind, "symlink");
  assert.equal(readText(ns, "/tmp/link"), "T");
  ns.setTimes("/tmp/t", 5n, 6n);
  assert.equal(ns.stat("/tmp/t").mtimeNs, 6n);
  const f = Namespace.builder().mount("/f", new FuncFs().readOnly("/x", () => "")).build();
  assertFsError(() => f.symlink("/x", "/f/l"), "ENOTSUP", "/f/l");
  assertFsError(() => f.setTimes("/f/x", 1n, 1n), "ENOTSUP", "/f/x");
  assertFsError(() => f.readlink("/f/x"), "EINVAL", "/f/x");
});

Deno.test("errors thrown by services other than FsError pass through unchanged", () => {
  const boom: FileService = {
    kind: "boom",
    open() {
      throw new RangeError("boom");
    },
    readdir: () => [],
    stat: () => ({ kind: "dir", size: 0, mtime: 0, readOnly: true }),
    mkdir() {},
    remove() {},
    rename() {},
  };
  const ns = Namespace.builder().mount("/b", boom).build();
  assert.throws(() => ns.open("/b/x"), RangeError);
  assert.ok(!(new RangeError() instanceof FsError));
});

Deno.test("resolution is exact by segment with few and with many siblings", () => {
  for (const count of [3, 40]) {
    const services = new Map<string, MemFs>();
    const b = Namespace.builder();
    for (let i = 0; i < count; i++) {
      // Names that are prefixes of one another: /a1, /a10, /a11, ...
      const svc = new MemFs();
      services.set(`/a${i}`, svc);
      b.mount(`/a${i}`, svc);
    }
    b.mount("/a1/deep/er", new MemFs());
    const ns = b.build();
    for (const [point, svc] of services) {
      assert.equal(ns.resolve(`${point}/x/y`)?.service, svc, point);
      assert.equal(ns.resolve(`${point}x`), undefined, `${point}x`);
    }
    assert.equal(ns.resolve("/a1/deep/er/f")?.mountPoint, "/a1/deep/er");
    assert.equal(ns.resolve("/a1/deep/e")?.mountPoint, "/a1");
    assert.equal(ns.resolve("/a1/deeper")?.mountPoint, "/a1");
  }
});

Deno.test("whole-file reads and writes go to the service's own fast path, errors named in full", () => {
  const calls: string[] = [];
  const mem = new MemFs();
  const spy = new Proxy(mem, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === "readFile" || prop === "writeFile") {
        return (...args: unknown[]) => {
          calls.push(`${String(prop)} ${args[0]}`);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const ns = Namespace.builder().mount("/w", spy).mount("/ro", MapFs.fromObject({ "/a": "A" }))
    .build();
  ns.writeFile("/w/x.txt", new TextEncoder().encode("hi"));
  assert.equal(new TextDecoder().decode(ns.readFile("/w/x.txt")), "hi");
  assert.deepEqual(calls, ["writeFile /x.txt", "readFile /x.txt"]);
  assert.throws(
    () => ns.readFile("/w/missing"),
    (e: unknown) => (e as FsError).path === "/w/missing",
  );
  assert.throws(
    () => ns.writeFile("/ro/a", new Uint8Array(1)),
    (e: unknown) => (e as FsError).code === "EROFS",
  );
  assert.throws(() => ns.writeFile("/w", new Uint8Array(1)), FsError);
});
