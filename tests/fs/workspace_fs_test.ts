import assert from "@std/assert";
import {
  type FileService,
  FsError,
  type FsErrorCode,
  readText,
  WorkspaceFs,
  writeText,
} from "../../mod.ts";
import { assertFsError, writableContract } from "./writable_contract.ts";

writableContract("WorkspaceFs", () => {
  const dir = Deno.makeTempDirSync({ prefix: "oanix_ws_" });
  return { svc: new WorkspaceFs(dir), cleanup: () => Deno.removeSync(dir, { recursive: true }) };
});

// ---------------------------------------------------------------------------
// A fixture: <base>/outside holds a secret; <base>/ws is the workspace, full
// of symlinks that try to lead out of it.
// ---------------------------------------------------------------------------

const SECRET = "top secret";

interface Fixture {
  base: string;
  root: string;
  rw: WorkspaceFs;
  ro: WorkspaceFs;
  cleanup(): void;
}

function fixture(): Fixture {
  const base = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "oanix_escape_" }));
  const root = `${base}/ws`;
  const out = `${base}/outside`;
  Deno.mkdirSync(`${out}/dir`, { recursive: true });
  Deno.writeTextFileSync(`${out}/secret.txt`, SECRET);
  Deno.writeTextFileSync(`${out}/dir/inner.txt`, SECRET);
  Deno.mkdirSync(`${root}/sub`, { recursive: true });
  Deno.writeTextFileSync(`${root}/inside.txt`, "inside");
  Deno.writeTextFileSync(`${root}/sub/a.txt`, "a");
  const links: Array<[string, string]> = [
    [out, "abs_out"],
    [`${out}/secret.txt`, "abs_secret"],
    ["../outside", "rel_out"],
    ["../../outside/secret.txt", "sub/rel_out2"],
    ["./../outside", "dot_up"],
    ["..", "self_up"],
    [`${out}/new.txt`, "dangling_out"],
    ["../outside/created.txt", "dangling_rel_out"],
    [`${out}/newdir/x`, "dangling_dir_out"],
    [`${out}/dir`, "linkdir_out"],
    ["chain2", "chain1"],
    ["../outside", "chain2"],
    ["sub", "in_ok"],
    [`${root}/sub`, "in_abs_ok"],
    ["..", "sub/up_in"],
    ["/etc", "etc_link"],
    ["/", "root_link"],
    ["loop", "loop"],
  ];
  for (const [target, at] of links) Deno.symlinkSync(target, `${root}/${at}`);
  return {
    base,
    root,
    rw: new WorkspaceFs(root),
    ro: WorkspaceFs.readonly(root),
    cleanup: () => Deno.removeSync(base, { recursive: true }),
  };
}

/** Everything under `base` except the workspace, as comparable text. */
function snapshotOutside(base: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${dir}/${e.name}`;
      const r = `${rel}/${e.name}`;
      if (r === "/ws") continue;
      const info = Deno.lstatSync(path);
      if (info.isSymlink) out.push(`${r} -> ${Deno.readLinkSync(path)}`);
      else if (info.isDirectory) {
        out.push(`${r}/ mtime=${info.mtime?.getTime()}`);
        walk(path, r);
      } else {
        out.push(`${r} ${info.size} mtime=${info.mtime?.getTime()} ${Deno.readTextFileSync(path)}`);
      }
    }
  };
  walk(base, "");
  return out;
}

const PWNED = `/tmp/oanix_pwned_${crypto.randomUUID()}`;

type Attempt = (fx: Fixture) => unknown;
/** Expected codes, or "inside": the operation succeeds but stays inside the root. */
type Outcome = FsErrorCode[] | "inside";

const w = (svc: FileService, path: string) => writeText(svc, path, "pwned");

const ESCAPES: Array<[string, Attempt, Outcome]> = [
  // `..` in any position is resolved lexically inside the root.
  ["read /../outside/secret.txt", (f) => readText(f.rw, "/../outside/secret.txt"), ["ENOENT"]],
  ["read /sub/../../outside/secret.txt", (f) => readText(f.rw, "/sub/../../outside/secret.txt"), [
    "ENOENT",
  ]],
  ["read /../../../etc/passwd", (f) => readText(f.rw, "/../../../etc/passwd"), ["ENOENT"]],
  ["stat /../outside", (f) => f.rw.stat("/../outside"), ["ENOENT"]],
  [
    "readdir /.. lists the root itself",
    (f) => assert.ok(!f.rw.readdir("/..").some((e) => e.name === "outside")),
    "inside",
  ],
  ["write /../escaped.txt lands inside", (f) => {
    w(f.rw, "/../escaped.txt");
    assert.equal(readText(f.rw, "/escaped.txt"), "pwned");
  }, "inside"],
  ["mkdir /../../newdir lands inside", (f) => {
    f.rw.mkdir("/../../newdir");
    Deno.statSync(`${f.root}/newdir`);
  }, "inside"],
  ["rename to /../../moved.txt lands inside", (f) => {
    f.rw.rename("/inside.txt", "/../../moved.txt");
    Deno.statSync(`${f.root}/moved.txt`);
  }, "inside"],
  [
    "read /sub/up_in/../abs_out/secret.txt",
    (f) => readText(f.rw, "/sub/up_in/../abs_out/secret.txt"),
    ["ENOENT"],
  ],
  // Absolute symlinks pointing outside.
  ["read through an absolute file link", (f) => readText(f.rw, "/abs_secret"), ["EACCES"]],
  ["read through an absolute dir link", (f) => readText(f.rw, "/abs_out/secret.txt"), ["EACCES"]],
  ["stat an absolute dir link", (f) => f.rw.stat("/abs_out"), ["EACCES"]],
  ["readdir an absolute dir link", (f) => f.rw.readdir("/abs_out"), ["EACCES"]],
  ["create through an absolute dir link", (f) => w(f.rw, "/abs_out/new.txt"), ["EACCES"]],
  ["write through an absolute file link", (f) => f.rw.open("/abs_secret", { write: true }), [
    "EACCES",
  ]],
  [
    "truncate through an absolute file link",
    (f) => f.rw.open("/abs_secret", { write: true, truncate: true }),
    ["EACCES"],
  ],
  ["append through an absolute file link", (f) => f.rw.open("/abs_secret", { append: true }), [
    "EACCES",
  ]],
  ["mkdir through an absolute dir link", (f) => f.rw.mkdir("/abs_out/d"), ["EACCES"]],
  ["remove through an absolute dir link", (f) => f.rw.remove("/abs_out/secret.txt"), ["EACCES"]],
  ["setTimes through an absolute file link", (f) => f.rw.setTimes("/abs_secret", 0n, 0n), [
    "EACCES",
  ]],
  ["read /etc/passwd through a link to /etc", (f) => readText(f.rw, "/etc_link/passwd"), [
    "EACCES",
  ]],
  ["write under a link to /", (f) => w(f.rw, `/root_link${PWNED}`), ["EACCES"]],
  // Relative symlinks climbing out.
  ["read through a relative dir link", (f) => readText(f.rw, "/rel_out/secret.txt"), ["EACCES"]],
  ["read through a nested relative file link", (f) => readText(f.rw, "/sub/rel_out2"), ["EACCES"]],
  ["create through a relative dir link", (f) => w(f.rw, "/rel_out/pwned.txt"), ["EACCES"]],
  ["read through ./../outside", (f) => readText(f.rw, "/dot_up/secret.txt"), ["EACCES"]],
  ["read through a link to ..", (f) => readText(f.rw, "/self_up/outside/secret.txt"), ["EACCES"]],
  ["readdir a link to ..", (f) => f.rw.readdir("/self_up"), ["EACCES"]],
  ["read through a chain of links", (f) => readText(f.rw, "/chain1/secret.txt"), ["EACCES"]],
  // Dangling symlinks whose target is outside: a create must not create it.
  ["create through a dangling absolute link", (f) => w(f.rw, "/dangling_out"), ["EACCES"]],
  [
    "exclusive create through a dangling link",
    (f) => f.rw.open("/dangling_out", { write: true, create: true, exclusive: true }),
    ["EACCES", "EEXIST"],
  ],
  ["create through a dangling relative link", (f) => w(f.rw, "/dangling_rel_out"), ["EACCES"]],
  ["create through a dangling link to a missing dir", (f) => w(f.rw, "/dangling_dir_out"), [
    "EACCES",
  ]],
  ["mkdir on a dangling link", (f) => f.rw.mkdir("/dangling_out"), ["EEXIST"]],
  // Symlinked parent directories.
  ["create in a symlinked parent dir", (f) => w(f.rw, "/linkdir_out/x.txt"), ["EACCES"]],
  ["mkdir in a symlinked parent dir", (f) => f.rw.mkdir("/linkdir_out/sub"), ["EACCES"]],
  ["readdir a symlinked parent dir", (f) => f.rw.readdir("/linkdir_out"), ["EACCES"]],
  ["read in a symlinked parent dir", (f) => readText(f.rw, "/linkdir_out/inner.txt"), ["EACCES"]],
  // Renames whose destination (or source) is outside.
  ["rename into an absolute dir link", (f) => f.rw.rename("/inside.txt", "/abs_out/stolen.txt"), [
    "EACCES",
  ]],
  [
    "rename into a symlinked parent dir",
    (f) => f.rw.rename("/inside.txt", "/linkdir_out/stolen.txt"),
    ["EACCES"],
  ],
  ["rename a dir into a relative link", (f) => f.rw.rename("/sub", "/rel_out/sub"), ["EACCES"]],
  ["rename from outside to inside", (f) => f.rw.rename("/abs_out/secret.txt", "/grabbed.txt"), [
    "EACCES",
  ]],
  ["rename over a dangling outside link replaces the link only", (f) => {
    f.rw.rename("/inside.txt", "/dangling_out");
    assert.equal(readText(f.rw, "/dangling_out"), "inside");
  }, "inside"],
  [
    "rename a link moves the link, not its target",
    (f) => f.rw.rename("/abs_secret", "/moved_link"),
    "inside",
  ],
  ["remove a link removes the link, not its target", (f) => f.rw.remove("/abs_secret"), "inside"],
  ["remove the root via ..", (f) => f.rw.remove("/linkdir_out/.."), ["EBUSY"]],
  // Symlinks made through the service.
  ["symlink with a relative target climbing out", (f) => f.rw.symlink("../outside", "/newlink"), [
    "EACCES",
  ]],
  ["symlink climbing out from a subdirectory", (f) => f.rw.symlink("../../..", "/sub/up3"), [
    "EACCES",
  ]],
  ["symlink with an absolute target stays inside", (f) => {
    f.rw.symlink("/etc/passwd", "/newlink");
    assert.equal(Deno.readLinkSync(`${f.root}/newlink`), "etc/passwd");
    assertFsError(() => readText(f.rw, "/newlink"), "ENOENT");
  }, "inside"],
  ["a symlink loop", (f) => readText(f.rw, "/loop"), ["ELOOP"]],
  // Read-only workspaces refuse every change, the append flag included.
  ["append on a read-only workspace", (f) => f.ro.open("/inside.txt", { append: true }), ["EROFS"]],
  [
    "append through a link on a read-only workspace",
    (f) => f.ro.open("/abs_secret", { append: true }),
    ["EROFS"],
  ],
  ["create on a read-only workspace", (f) => w(f.ro, "/new.txt"), ["EROFS"]],
  ["rename out of a read-only workspace", (f) => f.ro.rename("/inside.txt", "/abs_out/x"), [
    "EROFS",
  ]],
  // Links that stay inside are followed.
  [
    "a relative link inside is followed",
    (f) => assert.equal(readText(f.rw, "/in_ok/a.txt"), "a"),
    "inside",
  ],
  [
    "an absolute link inside is followed",
    (f) => assert.equal(readText(f.rw, "/in_abs_ok/a.txt"), "a"),
    "inside",
  ],
  [
    "a link to .. inside the root is followed",
    (f) => assert.equal(readText(f.rw, "/sub/up_in/inside.txt"), "inside"),
    "inside",
  ],
  [
    "lstat of an outside link reports the link",
    (f) => assert.equal(f.rw.lstat("/abs_secret").kind, "symlink"),
    "inside",
  ],
];

assert.ok(ESCAPES.length >= 40, `only ${ESCAPES.length} escape attempts`);

for (const [name, attempt, outcome] of ESCAPES) {
  Deno.test(`WorkspaceFs containment: ${name}`, () => {
    const fx = fixture();
    try {
      const before = snapshotOutside(fx.base);
      let caught: unknown;
      let value: unknown;
      try {
        value = attempt(fx);
      } catch (e) {
        caught = e;
      }
      if (outcome === "inside") {
        if (caught !== undefined) throw caught;
      } else {
        if (!(caught instanceof FsError)) {
          throw new Error(`expected FsError ${outcome}, got ${caught ?? "success"}`);
        }
        assert.ok(outcome.includes(caught.code), `expected ${outcome}, got ${caught.message}`);
      }
      assert.ok(!String(value).includes(SECRET), "the secret leaked");
      assert.deepEqual(snapshotOutside(fx.base), before, "something outside the root changed");
      assert.throws(() => Deno.lstatSync(PWNED), Deno.errors.NotFound);
    } finally {
      fx.cleanup();
    }
  });
}

// ---------------------------------------------------------------------------
// Construction, description, read-only mode, stat.
// ---------------------------------------------------------------------------

function tempWorkspace(): { dir: string; ws: WorkspaceFs; [Symbol.dispose](): void } {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "oanix_ws_" }));
  return {
    dir,
    ws: new WorkspaceFs(dir),
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

Deno.test("WorkspaceFs: a missing directory is refused with ENOENT", () => {
  assertFsError(() => new WorkspaceFs("/surely/not/a/dir/oanix"), "ENOENT");
});

Deno.test("WorkspaceFs: a file is refused with ENOTDIR", () => {
  using t = tempWorkspace();
  Deno.writeTextFileSync(`${t.dir}/f`, "");
  assertFsError(() => new WorkspaceFs(`${t.dir}/f`), "ENOTDIR");
  assertFsError(() => WorkspaceFs.readonly(`${t.dir}/f`), "ENOTDIR");
});

Deno.test("WorkspaceFs: bad arguments are TypeErrors", () => {
  assert.throws(() => new WorkspaceFs(42 as unknown as string), TypeError);
  using t = tempWorkspace();
  assert.throws(() => new WorkspaceFs(t.dir, { readOnly: "yes" as unknown as boolean }), TypeError);
});

Deno.test("WorkspaceFs: a root reached through a symlink resolves to its real path", () => {
  using t = tempWorkspace();
  Deno.mkdirSync(`${t.dir}/real`);
  Deno.symlinkSync(`${t.dir}/real`, `${t.dir}/alias`);
  const ws = new WorkspaceFs(`${t.dir}/alias`);
  assert.equal(ws.root, `${t.dir}/real`);
  writeText(ws, "/x", "1");
  assert.equal(Deno.readTextFileSync(`${t.dir}/real/x`), "1");
});

Deno.test("WorkspaceFs: a file URL is accepted", () => {
  using t = tempWorkspace();
  assert.equal(new WorkspaceFs(new URL(`file://${t.dir}`)).root, t.dir);
});

Deno.test("WorkspaceFs: kind and describe() say what it is", () => {
  using t = tempWorkspace();
  assert.equal(t.ws.kind, "workspace");
  assert.deepEqual(t.ws.describe(), { root: t.dir, mode: "rw" });
  assert.deepEqual(WorkspaceFs.readonly(t.dir).describe(), { root: t.dir, mode: "ro" });
  assert.equal(WorkspaceFs.readonly(t.dir).readOnly, true);
});

Deno.test("WorkspaceFs read-only: every mutation is EROFS and nothing changes", () => {
  using t = tempWorkspace();
  Deno.writeTextFileSync(`${t.dir}/f.txt`, "keep");
  Deno.mkdirSync(`${t.dir}/d`);
  const ro = WorkspaceFs.readonly(t.dir);
  const attempts: Array<[string, () => unknown]> = [
    ["write", () => ro.open("/f.txt", { write: true })],
    ["append", () => ro.open("/f.txt", { append: true })],
    ["truncate", () => ro.open("/f.txt", { write: true, truncate: true })],
    ["create", () => ro.open("/new.txt", { write: true, create: true })],
    ["create read-only", () => ro.open("/new.txt", { read: true, create: true })],
    ["mkdir", () => ro.mkdir("/d2")],
    ["remove a file", () => ro.remove("/f.txt")],
    ["remove a dir", () => ro.remove("/d")],
    ["rename", () => ro.rename("/f.txt", "/g.txt")],
    ["setTimes", () => ro.setTimes("/f.txt", 0n, 0n)],
    ["lsetTimes", () => ro.lsetTimes("/f.txt", 0n, 0n)],
    ["symlink", () => ro.symlink("f.txt", "/l")],
    ["link", () => ro.link("/f.txt", "/g.txt")],
  ];
  for (const [what, attempt] of attempts) {
    assert.throws(attempt, (e: unknown) => e instanceof FsError && e.code === "EROFS", what);
  }
  assert.deepEqual(ro.readdir("/"), [{ name: "d", kind: "dir" }, { name: "f.txt", kind: "file" }]);
  assert.equal(readText(ro, "/f.txt"), "keep");
  assert.equal(ro.stat("/f.txt").readOnly, true);
});

Deno.test("WorkspaceFs: stat reports real sizes, mtimes in ms and ns, and inode numbers", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f.txt", "12345");
  const real = Deno.statSync(`${t.dir}/f.txt`);
  const st = t.ws.stat("/f.txt");
  assert.equal(st.kind, "file");
  assert.equal(st.size, 5);
  assert.equal(st.mtime, real.mtime!.getTime());
  assert.equal(st.mtimeNs, BigInt(real.mtime!.getTime()) * 1_000_000n);
  assert.equal(st.ino, real.ino);
  assert.equal(st.readOnly, false);
  assert.equal(t.ws.stat("/").kind, "dir");
  assert.equal(t.ws.stat("/").size, 0);
  const h = t.ws.open("/f.txt");
  assert.equal(h.stat().size, 5);
  assert.equal(h.stat().ino, real.ino);
  h.close();
});

Deno.test("WorkspaceFs: setTimes sets times, keeping the one left undefined", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "");
  t.ws.setTimes("/f", 1_000_000_000_000_000_000n, 1_500_000_000_000_000_000n);
  assert.equal(t.ws.stat("/f").mtime, 1_500_000_000_000);
  t.ws.setTimes("/f", 2_000_000_000_000_000_000n, undefined);
  assert.equal(t.ws.stat("/f").mtime, 1_500_000_000_000);
  assert.equal(t.ws.stat("/f").atimeNs, 2_000_000_000_000_000_000n);
});

Deno.test("WorkspaceFs: the host file keeps whole milliseconds (all Deno gives and takes)", () => {
  // The nanoseconds live in the WorkspaceFs object: see workspace_times_test.ts.
  using t = tempWorkspace();
  writeText(t.ws, "/f", "");
  t.ws.setTimes("/f", 1_700_000_000_123_456_789n, 1_700_000_000_987_654_321n);
  const host = Deno.statSync(`${t.dir}/f`);
  assert.equal(host.mtime!.getTime(), 1_700_000_000_987);
  assert.equal(host.atime!.getTime(), 1_700_000_000_123);
  assert.equal(t.ws.stat("/f").mtime, 1_700_000_000_987);
});

Deno.test("WorkspaceFs: lsetTimes sets a symlink's own times on the host", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/target", "t");
  t.ws.symlink("target", "/link");
  const targetBefore = Deno.statSync(`${t.dir}/target`).mtime!.getTime();
  t.ws.lsetTimes("/link", 1_000_000_000_000_000_000n, 1_200_000_000_000_000_000n);
  assert.equal(Deno.lstatSync(`${t.dir}/link`).mtime!.getTime(), 1_200_000_000_000);
  assert.equal(Deno.statSync(`${t.dir}/target`).mtime!.getTime(), targetBefore);
  assert.equal(t.ws.lstat("/link").mtime, 1_200_000_000_000);
});

Deno.test("WorkspaceFs: link makes a host hard link; nlink counts the names", () => {
  using t = tempWorkspace();
  t.ws.mkdir("/d");
  writeText(t.ws, "/d/a", "A");
  t.ws.link("/d/a", "/b");
  assert.equal(Deno.statSync(`${t.dir}/b`).ino, Deno.statSync(`${t.dir}/d/a`).ino);
  assert.equal(t.ws.stat("/b").nlink, 2);
  writeText(t.ws, "/b", "changed");
  assert.equal(readText(t.ws, "/d/a"), "changed");
});

Deno.test("WorkspaceFs: link of a ..-symlink to where it would climb out is EACCES", () => {
  using t = tempWorkspace();
  t.ws.mkdir("/a");
  t.ws.mkdir("/a/b");
  writeText(t.ws, "/a/x", "x");
  t.ws.symlink("../x", "/a/b/up");
  assert.equal(readText(t.ws, "/a/b/up"), "x");
  assert.throws(
    () => t.ws.link("/a/b/up", "/up"),
    (e: unknown) => e instanceof FsError && e.code === "EACCES",
  );
  assert.equal(Deno.readDirSync(t.dir).some((e) => e.name === "up"), false, "nothing was made");
  t.ws.link("/a/b/up", "/a/b/up2"); // the same depth: the same meaning
  assert.equal(readText(t.ws, "/a/b/up2"), "x");
});

Deno.test("WorkspaceFs: symlinks inside the workspace are listed, read and followed", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/target.txt", "T");
  t.ws.symlink("target.txt", "/rel");
  t.ws.symlink("/target.txt", "/abs");
  assert.equal(t.ws.readlink("/rel"), "target.txt");
  assert.equal(t.ws.readlink("/abs"), "target.txt");
  assert.equal(readText(t.ws, "/abs"), "T");
  assert.equal(t.ws.lstat("/rel").kind, "symlink");
  assert.equal(t.ws.stat("/rel").kind, "file");
  assert.deepEqual(t.ws.readdir("/").map((e) => e.kind), ["symlink", "symlink", "file"]);
  assertFsError(() => t.ws.readlink("/target.txt"), "EINVAL");
  assertFsError(() => t.ws.symlink("x", "/rel"), "EEXIST");
  assertFsError(() => t.ws.symlink("", "/empty"), "EINVAL");
});

Deno.test("WorkspaceFs: an absolute host link inside the root reads back as a workspace path", () => {
  using t = tempWorkspace();
  Deno.mkdirSync(`${t.dir}/sub`);
  Deno.symlinkSync(`${t.dir}/sub`, `${t.dir}/l`);
  assert.equal(t.ws.readlink("/l"), "/sub");
});

Deno.test("WorkspaceFs: a create through a dangling link inside creates the target", () => {
  using t = tempWorkspace();
  t.ws.symlink("later.txt", "/l");
  writeText(t.ws, "/l", "made");
  assert.equal(Deno.readTextFileSync(`${t.dir}/later.txt`), "made");
});

Deno.test("WorkspaceFs: create with read only makes an empty, readable file", () => {
  using t = tempWorkspace();
  const h = t.ws.open("/r.txt", { read: true, create: true });
  assert.equal(h.read(new Uint8Array(4)), 0);
  assertFsError(() => h.write(new Uint8Array(1)), "EBADF");
  h.close();
  assert.equal(t.ws.stat("/r.txt").size, 0);
});

Deno.test("WorkspaceFs: append mode writes at the end, pwrite included", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/a", "ab");
  const h = t.ws.open("/a", { append: true });
  h.write(new TextEncoder().encode("c"));
  h.pwrite(new TextEncoder().encode("d"), 0);
  h.close();
  assert.equal(readText(t.ws, "/a"), "abcd");
});

Deno.test("WorkspaceFs: handle misuse is EBADF or EINVAL", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/a", "abc");
  const h = t.ws.open("/a", { write: true });
  assertFsError(() => h.read(new Uint8Array(1)), "EBADF");
  assertFsError(() => h.pread(new Uint8Array(1), 0), "EBADF");
  assertFsError(() => h.seek(1.5), "EINVAL");
  assertFsError(() => h.seek(0, "middle" as "start"), "EINVAL");
  assertFsError(() => h.truncate(-1), "EINVAL");
  assertFsError(() => h.pwrite(new Uint8Array(1), -1), "EINVAL");
  h.close();
  assertFsError(() => h.stat(), "EBADF");
  assertFsError(() => h.position(), "EBADF");
  const r = t.ws.open("/a");
  assertFsError(() => r.truncate(0), "EBADF");
  r.close();
});

Deno.test("WorkspaceFs: the directory flag and non-regular files are refused", () => {
  using t = tempWorkspace();
  writeText(t.ws, "/f", "");
  assertFsError(() => t.ws.open("/f", { directory: true }), "ENOTDIR");
  assertFsError(
    () => t.ws.open("/missing", { create: true, write: true, directory: true }),
    "ENOENT",
  );
  new Deno.Command("mkfifo", { args: [`${t.dir}/fifo`] }).outputSync();
  assertFsError(() => t.ws.open("/fifo"), "EACCES");
});

Deno.test("WorkspaceFs: the root cannot be removed or renamed", () => {
  using t = tempWorkspace();
  assertFsError(() => t.ws.remove("/"), "EBUSY");
  assertFsError(() => t.ws.rename("/", "/x"), "EBUSY");
});

Deno.test("WorkspaceFs: error messages name the workspace path, not the host path", () => {
  using t = tempWorkspace();
  try {
    readText(t.ws, "/missing.txt");
    assert.fail("expected ENOENT");
  } catch (e) {
    const err = e as FsError;
    assert.ok(err instanceof FsError);
    assert.equal(err.path, "/missing.txt");
    assert.ok(!err.message.includes(t.dir));
  }
});

Deno.test("Deno errors map to FsError codes, naming the workspace path", async () => {
  const { fsErrorFromDeno } = await import("../../src/fs/workspace_errors.ts");
  const cases: Array<[Error, FsErrorCode]> = [
    [new Deno.errors.NotFound("x"), "ENOENT"],
    [new Deno.errors.AlreadyExists("x"), "EEXIST"],
    [new Deno.errors.PermissionDenied("x"), "EACCES"],
    [new Deno.errors.NotCapable("x"), "EACCES"],
    [new Deno.errors.IsADirectory("x"), "EISDIR"],
    [new Deno.errors.NotADirectory("x"), "ENOTDIR"],
    [new Deno.errors.FilesystemLoop("x"), "ELOOP"],
    [new Deno.errors.Busy("x"), "EBUSY"],
    [new Deno.errors.NotSupported("x"), "ENOTSUP"],
    [new Deno.errors.BadResource("x"), "EBADF"],
    [
      Object.assign(new Error("Directory not empty (os error 39): remove '/host/x'"), {
        code: "ENOTEMPTY",
      }),
      "ENOTEMPTY",
    ],
    [Object.assign(new Error("x"), { code: "EDQUOT" }), "ENOSPC"],
    [new Error("Something odd (os error 5): open '/host/secret/path'"), "EIO"],
  ];
  for (const [err, code] of cases) {
    const mapped = fsErrorFromDeno(err, "/in/ws");
    assert.equal(mapped.code, code, err.message);
    assert.equal(mapped.path, "/in/ws");
    assert.ok(!mapped.message.includes("/host/"), mapped.message);
  }
  const already = new FsError("EROFS", "/a");
  assert.equal(fsErrorFromDeno(already, "/b"), already);
});
