/**
 * Hard links and a symlink's own times through a namespace: forwarded to
 * the service that holds the path, refused where the mount tree decides.
 */
import assert from "@std/assert";
import { type FileService, FuncFs, MemFs, Namespace, readText, writeText } from "../../mod.ts";
import { assertFsError } from "../fs/writable_contract.ts";
import { withoutMethods } from "./service_without.ts";

function sample() {
  const tmp = new MemFs();
  const ns = Namespace.builder()
    .mount("/tmp", tmp)
    .mount("/workspace", new MemFs())
    .mount("/cap/ws", new MemFs())
    .mount("/func", new FuncFs().readOnly("/x", () => "X"))
    .build();
  writeText(ns, "/tmp/a.txt", "A");
  return { ns, tmp };
}

// ---- link ------------------------------------------------------------------

Deno.test("link within one mount makes a second name for the same file", () => {
  const { ns, tmp } = sample();
  ns.link("/tmp/a.txt", "/tmp/b.txt");
  writeText(ns, "/tmp/b.txt", "changed");
  assert.equal(readText(ns, "/tmp/a.txt"), "changed");
  assert.equal(tmp.stat("/b.txt").ino, tmp.stat("/a.txt").ino);
});

Deno.test("link across two mounts is EXDEV and creates nothing", () => {
  const { ns } = sample();
  assertFsError(() => ns.link("/tmp/a.txt", "/workspace/a.txt"), "EXDEV", "/tmp/a.txt");
  assertFsError(() => ns.stat("/workspace/a.txt"), "ENOENT", "/workspace/a.txt");
});

Deno.test("link of a mount point, or onto one, is EBUSY", () => {
  const { ns } = sample();
  assertFsError(() => ns.link("/tmp/a.txt", "/workspace"), "EBUSY", "/workspace");
  assertFsError(() => ns.link("/tmp/a.txt", "/cap"), "EBUSY", "/cap");
  assertFsError(() => ns.link("/tmp", "/tmp/t"), "EBUSY", "/tmp");
});

Deno.test("link into a synthesised directory is EROFS", () => {
  const { ns } = sample();
  assertFsError(() => ns.link("/tmp/a.txt", "/cap/a.txt"), "EROFS", "/cap/a.txt");
  assertFsError(() => ns.link("/tmp/a.txt", "/a.txt"), "EROFS", "/a.txt");
});

Deno.test("link in a service without hard links is ENOTSUP, naming the namespace path", () => {
  const { ns } = sample();
  assertFsError(() => ns.link("/func/x", "/func/y"), "ENOTSUP", "/func/x");
});

Deno.test("link errors from the service name namespace paths", () => {
  const { ns } = sample();
  writeText(ns, "/tmp/b.txt", "B");
  ns.mkdir("/tmp/d");
  assertFsError(() => ns.link("/tmp/a.txt", "/tmp/b.txt"), "EEXIST", "/tmp/b.txt");
  assertFsError(() => ns.link("/tmp/d", "/tmp/e"), "EPERM", "/tmp/d");
  assertFsError(() => ns.link("/tmp/none", "/tmp/c"), "ENOENT", "/tmp/none");
  assertFsError(() => ns.link("/nowhere/a", "/nowhere/b"), "ENOENT", "/nowhere/a");
  assert.equal(readText(ns, "/tmp/b.txt"), "B");
});

Deno.test("link through a namespace mounted in a namespace", () => {
  const { ns } = sample();
  const outer = Namespace.builder().mount("/sandbox", ns).build();
  outer.link("/sandbox/tmp/a.txt", "/sandbox/tmp/c.txt");
  assert.equal(readText(ns, "/tmp/c.txt"), "A");
  assertFsError(
    () => outer.link("/sandbox/tmp/a.txt", "/sandbox/workspace/a.txt"),
    "EXDEV",
    "/sandbox/tmp/a.txt",
  );
  assertFsError(() => outer.link("/sandbox/tmp/a.txt", "/sandbox/cap/a"), "EROFS");
});

// ---- lsetTimes ---------------------------------------------------------------

Deno.test("lsetTimes sets a symlink's own times and leaves its target alone", () => {
  const { ns } = sample();
  ns.setTimes("/tmp/a.txt", 1n, 2n);
  ns.symlink("/a.txt", "/tmp/link");
  ns.lsetTimes("/tmp/link", 30n, 40n);
  assert.equal(ns.lstat("/tmp/link").mtimeNs, 40n);
  assert.equal(ns.lstat("/tmp/link").atimeNs, 30n);
  assert.equal(ns.stat("/tmp/link").mtimeNs, 2n);
  ns.lsetTimes("/tmp/a.txt", undefined, 50n);
  assert.equal(ns.stat("/tmp/a.txt").mtimeNs, 50n);
  assert.equal(ns.stat("/tmp/a.txt").atimeNs, 1n);
});

Deno.test("lsetTimes names the namespace path in errors and refuses synthesised directories", () => {
  const { ns } = sample();
  assertFsError(() => ns.lsetTimes("/tmp/none", 1n, 1n), "ENOENT", "/tmp/none");
  assertFsError(() => ns.lsetTimes("/cap", 1n, 1n), "EROFS", "/cap");
  assertFsError(() => ns.lsetTimes("/nowhere", 1n, 1n), "ENOENT", "/nowhere");
});

Deno.test("without lsetTimes, a service still sets the times of what is not a symlink", () => {
  const mem = new MemFs();
  const ns = Namespace.builder().mount("/m", withoutMethods(mem, "lsetTimes")).build();
  writeText(ns, "/m/f", "F");
  ns.symlink("/f", "/m/link");
  ns.lsetTimes("/m/f", 3n, 4n);
  assert.equal(mem.stat("/f").mtimeNs, 4n);
  assertFsError(() => ns.lsetTimes("/m/link", 5n, 6n), "ENOTSUP", "/m/link");
  assert.equal(mem.stat("/f").mtimeNs, 4n, "the target is untouched");
});

Deno.test("lsetTimes in a service that keeps no times is ENOTSUP", () => {
  const { ns } = sample();
  assertFsError(() => ns.lsetTimes("/func/x", 1n, 1n), "ENOTSUP", "/func/x");
});

Deno.test("link and lsetTimes reach the service with its own paths", () => {
  const seen: string[] = [];
  const mem = new MemFs();
  const spy: FileService = Object.assign(withoutMethods(mem), {
    link(existing: string, newPath: string) {
      seen.push(`link ${existing} ${newPath}`);
      mem.link(existing, newPath);
    },
    lsetTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint) {
      seen.push(`lsetTimes ${path} ${atimeNs} ${mtimeNs}`);
      mem.lsetTimes(path, atimeNs, mtimeNs);
    },
  });
  const ns = Namespace.builder().mount("/a/b", spy).build();
  writeText(ns, "/a/b/f", "F");
  ns.link("/a/b/./f", "/a/b//g");
  ns.lsetTimes("/a/b/g/", 7n, undefined);
  assert.deepEqual(seen, ["link /f /g", "lsetTimes /g 7 undefined"]);
  assert.equal(readText(mem, "/g"), "F");
});
