/**
 * The behaviour every writable FileService shares, as one suite that each
 * service's tests run against their own instances.
 */
import assert from "@std/assert";
import { type FileService, FsError, readText, writeText } from "../../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Asserts that `fn` throws an FsError with `code`. */
export function assertFsError(fn: () => unknown, code: string, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof FsError)) throw new Error(`expected FsError(${code}), got ${e}`);
    assert.equal(e.code, code, e.message);
    if (path !== undefined) assert.equal(e.path, path);
    return true;
  });
}

/** A service under test, with whatever it needs to clean up. */
export interface Subject {
  svc: FileService;
  cleanup?: () => void;
}

/**
 * Registers the shared writable-service suite for `name`. The parts for
 * optional methods (`link`, `lsetTimes`, `symlink`) run for services that
 * have them.
 */
export function writableContract(name: string, make: () => Subject): void {
  const probe = make();
  const has = {
    link: typeof probe.svc.link === "function",
    lsetTimes: typeof probe.svc.lsetTimes === "function" && typeof probe.svc.symlink === "function",
  };
  probe.cleanup?.();
  const t = (what: string, fn: (svc: FileService) => void, ignore = false) =>
    Deno.test({
      name: `${name}: ${what}`,
      ignore,
      fn: () => {
        const s = make();
        try {
          fn(s.svc);
        } finally {
          s.cleanup?.();
        }
      },
    });

  t("a written file reads back and stats its size", (svc) => {
    writeText(svc, "/a.txt", "hello");
    assert.equal(readText(svc, "/a.txt"), "hello");
    const st = svc.stat("/a.txt");
    assert.equal(st.kind, "file");
    assert.equal(st.size, 5);
    assert.equal(st.readOnly, false);
  });

  t("opening a missing file without create is ENOENT", (svc) => {
    assertFsError(() => svc.open("/nope.txt"), "ENOENT");
  });

  t("exclusive create of an existing file is EEXIST", (svc) => {
    writeText(svc, "/a", "1");
    assertFsError(() => svc.open("/a", { write: true, create: true, exclusive: true }), "EEXIST");
    assert.equal(readText(svc, "/a"), "1");
  });

  t("truncate empties, append appends", (svc) => {
    writeText(svc, "/f", "abc");
    const h = svc.open("/f", { append: true });
    h.write(enc.encode("def"));
    h.close();
    assert.equal(readText(svc, "/f"), "abcdef");
    svc.open("/f", { write: true, truncate: true }).close();
    assert.equal(svc.stat("/f").size, 0);
  });

  t("seek from start, current and end; pread and pwrite leave the position", (svc) => {
    writeText(svc, "/s", "0123456789");
    const h = svc.open("/s", { read: true, write: true });
    assert.equal(h.seek(2), 2);
    assert.equal(h.seek(3, "current"), 5);
    assert.equal(h.seek(-1, "end"), 9);
    const one = new Uint8Array(1);
    h.read(one);
    assert.equal(dec.decode(one), "9");
    assert.equal(h.position(), 10);
    const two = new Uint8Array(2);
    assert.equal(h.pread(two, 0), 2);
    assert.equal(dec.decode(two), "01");
    h.pwrite(enc.encode("XY"), 4);
    assert.equal(h.position(), 10);
    assertFsError(() => h.seek(-100, "current"), "EINVAL");
    h.close();
    assert.equal(readText(svc, "/s"), "0123XY6789");
  });

  t("writing past the end zero-fills the gap; truncate extends with zeros", (svc) => {
    const h = svc.open("/g", { write: true, create: true, read: true });
    h.pwrite(enc.encode("z"), 3);
    assert.deepEqual(readBytes(svc, "/g"), new Uint8Array([0, 0, 0, 122]));
    h.truncate(6);
    h.close();
    assert.equal(svc.stat("/g").size, 6);
  });

  t("a closed handle is EBADF; a read-only handle cannot write", (svc) => {
    writeText(svc, "/c", "x");
    const h = svc.open("/c");
    assertFsError(() => h.write(enc.encode("y")), "EBADF");
    h.close();
    assertFsError(() => h.read(new Uint8Array(1)), "EBADF");
    assertFsError(() => h.close(), "EBADF");
  });

  t("mkdir, readdir in name order, and stat of a directory", (svc) => {
    svc.mkdir("/d");
    writeText(svc, "/d/b", "");
    writeText(svc, "/d/a", "");
    svc.mkdir("/d/c");
    assert.deepEqual(svc.readdir("/d"), [
      { name: "a", kind: "file" },
      { name: "b", kind: "file" },
      { name: "c", kind: "dir" },
    ]);
    assert.equal(svc.stat("/d").kind, "dir");
    assertFsError(() => svc.mkdir("/d"), "EEXIST");
    assertFsError(() => svc.mkdir("/missing/x"), "ENOENT");
    assertFsError(() => svc.readdir("/d/a"), "ENOTDIR");
    assertFsError(() => svc.readdir("/nowhere"), "ENOENT");
  });

  t("opening a directory is EISDIR; a file as a directory is ENOTDIR", (svc) => {
    svc.mkdir("/d");
    writeText(svc, "/f", "");
    assertFsError(() => svc.open("/d"), "EISDIR");
    assertFsError(() => svc.open("/f/x", { write: true, create: true }), "ENOTDIR");
  });

  t("remove deletes files and empty directories only", (svc) => {
    svc.mkdir("/d");
    writeText(svc, "/d/f", "");
    assertFsError(() => svc.remove("/d"), "ENOTEMPTY");
    svc.remove("/d/f");
    svc.remove("/d");
    assertFsError(() => svc.stat("/d"), "ENOENT");
    assertFsError(() => svc.remove("/d"), "ENOENT");
  });

  t("rename moves files and whole directories", (svc) => {
    svc.mkdir("/src");
    writeText(svc, "/src/main.rs", "fn main() {}");
    svc.rename("/src", "/lib");
    assert.equal(readText(svc, "/lib/main.rs"), "fn main() {}");
    assertFsError(() => svc.stat("/src"), "ENOENT");
    svc.rename("/lib/main.rs", "/main.rs");
    assert.deepEqual(svc.readdir("/lib"), []);
  });

  t("rename over an existing file replaces it; a failed rename loses nothing", (svc) => {
    writeText(svc, "/a", "A");
    writeText(svc, "/b", "B");
    svc.rename("/a", "/b");
    assert.equal(readText(svc, "/b"), "A");
    svc.mkdir("/d");
    writeText(svc, "/d/x", "X");
    assertFsError(() => svc.rename("/b", "/d"), "EISDIR");
    svc.mkdir("/e");
    writeText(svc, "/e/y", "Y");
    assertFsError(() => svc.rename("/e", "/d"), "ENOTEMPTY");
    assertFsError(() => svc.rename("/d", "/d/inner"), "EINVAL");
    assertFsError(() => svc.rename("/missing", "/z"), "ENOENT");
    assert.equal(readText(svc, "/b"), "A");
    assert.equal(readText(svc, "/d/x"), "X");
    assert.equal(readText(svc, "/e/y"), "Y");
  });

  t("rename of a directory onto an empty directory replaces it", (svc) => {
    svc.mkdir("/a");
    writeText(svc, "/a/f", "F");
    svc.mkdir("/b");
    svc.rename("/a", "/b");
    assert.equal(readText(svc, "/b/f"), "F");
  });

  t("a rename onto itself changes nothing", (svc) => {
    writeText(svc, "/same", "S");
    svc.rename("/same", "/same");
    assert.equal(readText(svc, "/same"), "S");
  });

  t("writes through one handle are seen by another at once", (svc) => {
    writeText(svc, "/shared", "");
    const w = svc.open("/shared", { write: true });
    const r = svc.open("/shared");
    w.write(enc.encode("now"));
    const buf = new Uint8Array(8);
    assert.equal(dec.decode(buf.subarray(0, r.read(buf))), "now");
    w.close();
    r.close();
  });

  t("bad paths are EINVAL before anything changes", (svc) => {
    assertFsError(() => svc.open("relative", { write: true, create: true }), "EINVAL");
    assertFsError(() => svc.mkdir("/a\0b"), "EINVAL");
    assertFsError(() => svc.stat(""), "EINVAL");
    assert.deepEqual(svc.readdir("/"), []);
  });

  t("paths are normalised: .. never climbs above the root", (svc) => {
    writeText(svc, "/../../x.txt", "x");
    assert.equal(readText(svc, "/x.txt"), "x");
    assert.equal(readText(svc, "//./x.txt"), "x");
  });

  t("a hard link is a second name for the same content and inode", (svc) => {
    writeText(svc, "/a", "shared");
    svc.link!("/a", "/b");
    assert.equal(readText(svc, "/b"), "shared");
    const h = svc.open("/b", { write: true, append: true });
    h.write(enc.encode("!"));
    h.close();
    assert.equal(readText(svc, "/a"), "shared!");
    const [a, b] = [svc.stat("/a"), svc.stat("/b")];
    assert.equal(a.ino, b.ino);
    if (a.nlink !== undefined) assert.equal(a.nlink, 2);
    svc.remove("/a");
    assert.equal(readText(svc, "/b"), "shared!");
    if (a.nlink !== undefined) assert.equal(svc.stat("/b").nlink, 1);
  }, !has.link);

  t("link refuses directories (EPERM), taken names (EEXIST) and missing files (ENOENT)", (svc) => {
    svc.mkdir("/d");
    writeText(svc, "/f", "F");
    writeText(svc, "/g", "G");
    assertFsError(() => svc.link!("/d", "/d2"), "EPERM");
    assertFsError(() => svc.link!("/f", "/g"), "EEXIST");
    assertFsError(() => svc.link!("/missing", "/h"), "ENOENT");
    assertFsError(() => svc.link!("/f", "/nowhere/h"), "ENOENT");
    assert.equal(readText(svc, "/g"), "G");
    assert.deepEqual(svc.readdir("/").map((e) => e.name), ["d", "f", "g"]);
  }, !has.link);

  t("lsetTimes sets a symlink's own times and leaves its target's alone", (svc) => {
    writeText(svc, "/target", "t");
    svc.symlink!("target", "/link");
    svc.setTimes!("/target", 1_000_000_000_000n, 2_000_000_000_000n);
    svc.lsetTimes!("/link", 3_000_000_000_000n, 4_000_000_000_000n);
    assert.equal(svc.lstat!("/link").mtimeNs, 4_000_000_000_000n);
    assert.equal(svc.stat("/target").mtimeNs, 2_000_000_000_000n);
    assert.equal(svc.stat("/link").mtimeNs, 2_000_000_000_000n);
    svc.lsetTimes!("/target", undefined, 5_000_000_000_000n);
    assert.equal(svc.stat("/target").mtimeNs, 5_000_000_000_000n);
    assertFsError(() => svc.lsetTimes!("/missing", 1n, 1n), "ENOENT");
  }, !has.lsetTimes);
}

function readBytes(svc: FileService, path: string): Uint8Array {
  const h = svc.open(path);
  const out = new Uint8Array(h.stat().size);
  h.pread(out, 0);
  h.close();
  return out;
}
