// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * NamespaceShellFs: just-bash's file system interface over a namespace.
 * Every call is a namespace call, with the namespace's errors.
 */
import assert from "@std/assert";
import { FsError, HttpFs, MapFs, MemFs, Namespace, readText, writeText } from "../../mod.ts";
import { Bash } from "npm:just-bash@3.4.2";
import { NamespaceShellFs } from "../../src/shell/namespace_shell_fs.ts";
import { rejectsFs, text } from "./_helpers.ts";

function setup() {
  const tmp = new MemFs();
  const other = new MemFs();
  const ns = Namespace.builder()
    .mount("/tmp", tmp)
    .mount("/other", other)
    .mount("/ro", MapFs.fromObject({ "/a.txt": "A\n", "/dir/b.txt": "B" }))
    .build();
  return { ns, tmp, other, fs: new NamespaceShellFs(ns) };
}

Deno.test("NamespaceShellFs: reads and writes go through the namespace", async () => {
  const { ns, fs } = setup();
  await fs.writeFile("/tmp/a.txt", "héllo");
  assert.equal(readText(ns, "/tmp/a.txt"), "héllo");
  assert.equal(await fs.readFile("/tmp/a.txt"), "héllo");
  assert.deepEqual(
    await fs.readFileBuffer("/ro/a.txt"),
    new TextEncoder().encode("A\n"),
  );
  await fs.appendFile("/tmp/a.txt", "!");
  await fs.appendFile("/tmp/new.txt", "made");
  assert.equal(readText(ns, "/tmp/a.txt"), "héllo!");
  assert.equal(readText(ns, "/tmp/new.txt"), "made");
  assert.equal(fs.namespace, ns);
});

Deno.test("NamespaceShellFs: contents move in the encoding just-bash names", async () => {
  const { ns, fs } = setup();
  await fs.writeFile("/tmp/bin", "\xff\x00\xe9", "binary");
  assert.deepEqual(ns.readFile("/tmp/bin"), new Uint8Array([0xff, 0, 0xe9]));
  assert.equal(await fs.readFile("/tmp/bin", "latin1"), "\xff\x00\xe9");
  assert.equal(await fs.readFile("/tmp/bin", { encoding: "hex" }), "ff00e9");
  assert.equal(await fs.readFile("/tmp/bin", "base64"), "/wDp");
  await fs.writeFile("/tmp/b64", "aGk=", { encoding: "base64" });
  assert.equal(readText(ns, "/tmp/b64"), "hi");
  await fs.writeFile("/tmp/raw", new Uint8Array([1, 2]));
  assert.deepEqual(ns.readFile("/tmp/raw"), new Uint8Array([1, 2]));
  // Each byte one character, 0x80-0x9F included (TextDecoder's "latin1" would change them).
  await fs.writeFile("/tmp/c1", new Uint8Array([0x80, 0x9f]));
  assert.equal(await fs.readFile("/tmp/c1", "binary"), "\x80\x9f");
});

Deno.test("NamespaceShellFs: a bad encoding or undecodable content is EINVAL, and nothing is written", async () => {
  const { ns, fs } = setup();
  await rejectsFs(fs.writeFile("/tmp/x", "zz", "hex"), "EINVAL");
  await rejectsFs(fs.writeFile("/tmp/x", "***", "base64"), "EINVAL");
  await rejectsFs(fs.readFile("/ro/a.txt", "utf16le" as never), "EINVAL");
  assert.deepEqual(ns.readdir("/tmp"), []);
});

Deno.test("NamespaceShellFs: status and listings", async () => {
  const { fs } = setup();
  await fs.mkdir("/tmp/d");
  await fs.writeFile("/tmp/d/f", "12345");
  await fs.symlink("/d/f", "/tmp/link");
  const st = await fs.stat("/tmp/d/f");
  assert.deepEqual([st.isFile, st.isDirectory, st.isSymbolicLink, st.size], [
    true,
    false,
    false,
    5,
  ]);
  assert.equal(
    st.mode,
    0o755,
    "no permission bits are kept: files count as executable",
  );
  assert.ok(st.mtime instanceof Date);
  assert.equal(
    (await fs.stat("/ro/a.txt")).mode,
    0o555,
    "what cannot change has no write bits",
  );
  assert.equal((await fs.lstat("/tmp/link")).isSymbolicLink, true);
  assert.equal(
    (await fs.stat("/tmp/link")).isFile,
    true,
    "stat follows the symlink",
  );
  assert.equal(await fs.readlink("/tmp/link"), "/d/f");
  assert.deepEqual(await fs.readdir("/"), ["other", "ro", "tmp"]);
  assert.deepEqual(await fs.readdirWithFileTypes("/tmp"), [
    { name: "d", isFile: false, isDirectory: true, isSymbolicLink: false },
    { name: "link", isFile: false, isDirectory: false, isSymbolicLink: true },
  ]);
  assert.equal(await fs.exists("/tmp/d/f"), true);
  assert.equal(await fs.exists("/etc/passwd"), false);
  assert.equal(await fs.exists("/tmp/d/f/under-a-file"), false);
  assert.deepEqual(fs.getAllPaths(), []);
});

Deno.test("NamespaceShellFs: paths resolve lexically and never climb above /", () => {
  const { fs } = setup();
  assert.equal(fs.resolvePath("/tmp", "../../../etc/passwd"), "/etc/passwd");
  assert.equal(fs.resolvePath("/tmp", "a/./b/../c"), "/tmp/a/c");
  assert.equal(fs.resolvePath("/tmp", "/ro//a.txt"), "/ro/a.txt");
  assert.equal(fs.resolvePath("/tmp", ""), "/tmp");
});

Deno.test("NamespaceShellFs: mkdir -p, rm -r and rm -f", async () => {
  const { ns, fs } = setup();
  await fs.mkdir("/tmp/a/b/c", { recursive: true });
  await fs.mkdir("/tmp/a/b/c", { recursive: true });
  await rejectsFs(fs.mkdir("/tmp/a"), "EEXIST");
  await rejectsFs(fs.mkdir("/tmp/x/y"), "ENOENT");
  await fs.writeFile("/tmp/a/b/f", "x");
  await rejectsFs(fs.mkdir("/tmp/a/b/f/g", { recursive: true }), "ENOTDIR");
  await rejectsFs(fs.rm("/tmp/a"), "ENOTEMPTY");
  await fs.rm("/tmp/a", { recursive: true });
  assert.deepEqual(ns.readdir("/tmp"), []);
  await rejectsFs(fs.rm("/tmp/none"), "ENOENT");
  await fs.rm("/tmp/none", { force: true });
  await rejectsFs(fs.rm("/ro/a.txt", { force: true }), "EROFS");
});

Deno.test("NamespaceShellFs: cp copies files and, with recursive, trees (symlinks as symlinks)", async () => {
  const { ns, fs } = setup();
  await fs.cp("/ro/a.txt", "/tmp/a.txt");
  assert.equal(readText(ns, "/tmp/a.txt"), "A\n");
  await rejectsFs(fs.cp("/ro/dir", "/tmp/dir"), "EISDIR");
  await fs.mkdir("/tmp/src");
  await fs.writeFile("/tmp/src/f", "F");
  await fs.symlink("f", "/tmp/src/l");
  await fs.cp("/tmp/src", "/other/dst", { recursive: true });
  assert.equal(readText(ns, "/other/dst/f"), "F");
  assert.equal(ns.readlink("/other/dst/l"), "f");
  await rejectsFs(
    fs.cp("/tmp/src", "/tmp/src/inner", { recursive: true }),
    "EINVAL",
  );
  await rejectsFs(fs.cp("/ro/a.txt", "/ro/copy"), "EROFS");
});

Deno.test("NamespaceShellFs: mv renames within a mount and copies across mounts, losing nothing", async () => {
  const { ns, fs } = setup();
  await fs.mkdir("/tmp/d");
  await fs.writeFile("/tmp/d/f", "F");
  await fs.mv("/tmp/d", "/tmp/e");
  assert.equal(readText(ns, "/tmp/e/f"), "F");
  await fs.mv("/tmp/e", "/other/e");
  assert.equal(readText(ns, "/other/e/f"), "F");
  assert.deepEqual(ns.readdir("/tmp"), []);
  await rejectsFs(fs.mv("/other/e", "/other/e/inside"), "EINVAL");
  // Out of a read-only mount: the copy is made, the removal refused, the original kept.
  await rejectsFs(fs.mv("/ro/a.txt", "/tmp/a.txt"), "EROFS");
  assert.equal(readText(ns, "/ro/a.txt"), "A\n");
  // Into one: refused before anything is removed.
  await rejectsFs(fs.mv("/other/e/f", "/ro/f"), "EROFS");
  assert.equal(readText(ns, "/other/e/f"), "F");
});

Deno.test("NamespaceShellFs: chmod and utimes keep what the namespace keeps", async () => {
  const { ns, fs } = setup();
  writeText(ns, "/tmp/f", "x");
  await fs.chmod("/tmp/f", 0o700);
  await rejectsFs(fs.chmod("/ro/a.txt", 0o777), "EROFS");
  await rejectsFs(fs.chmod("/tmp/none", 0o777), "ENOENT");
  await fs.utimes("/tmp/f", new Date(1000), new Date(2000));
  assert.equal(ns.stat("/tmp/f").mtime, 2000);
  await rejectsFs(fs.utimes("/tmp/none", new Date(), new Date()), "ENOENT");
  await rejectsFs(fs.utimes("/tmp/f", new Date(NaN), new Date()), "EINVAL");
});

Deno.test("NamespaceShellFs: links where the service has them, ENOTSUP where not", async () => {
  const { ns, fs } = setup();
  writeText(ns, "/tmp/f", "x");
  await fs.link("/tmp/f", "/tmp/g");
  assert.equal(ns.stat("/tmp/g").ino, ns.stat("/tmp/f").ino);
  await rejectsFs(fs.link("/tmp/f", "/other/g"), "EXDEV");
  const bare = new NamespaceShellFs(new HttpFs()); // a service with no links of any kind
  await rejectsFs(bare.symlink("/status", "/b"), "ENOTSUP");
  await rejectsFs(bare.link("/status", "/b"), "ENOTSUP");
  await rejectsFs(bare.readlink("/status"), "EINVAL");
});

Deno.test("NamespaceShellFs: realpath resolves symlinks as their service does", async () => {
  const { fs } = setup();
  await fs.mkdir("/tmp/real");
  await fs.symlink("/real", "/tmp/abs");
  await fs.symlink("../../../real", "/tmp/rel");
  await fs.symlink("/loop", "/tmp/loop");
  assert.equal(
    await fs.realpath("/tmp/abs"),
    "/tmp/real",
    "an absolute target stays in its mount",
  );
  assert.equal(
    await fs.realpath("/tmp/rel"),
    "/tmp/real",
    "a relative one cannot climb out",
  );
  assert.equal(await fs.realpath("/ro/dir/../a.txt"), "/ro/a.txt");
  await rejectsFs(fs.realpath("/tmp/none"), "ENOENT");
  await rejectsFs(fs.realpath("/tmp/loop"), "ELOOP");
});

Deno.test("NamespaceShellFs: a capability response is waited for, then read", async () => {
  const http = new HttpFs();
  const ns = Namespace.builder().mount("/cap/http", http).build();
  const fs = new NamespaceShellFs(ns);
  const id = http.submitRequest({ url: "https://example.com/" });
  const reading = fs.readFile(`/cap/http/responses/${id}.json`);
  let settled = false;
  reading.finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(settled, false, "the read waits for the executor");
  http.takePending(id);
  http.completeRequest({ requestId: id, status: 201, body: "made" });
  const outcome = JSON.parse(await reading);
  assert.deepEqual([outcome.status, outcome.body], [201, "made"]);
  assert.equal(
    text(await fs.readFileBuffer(`/cap/http/responses/${id}.body`)),
    "made",
  );
});

Deno.test("NamespaceShellFs: the signal ends a wait and refuses later calls", async () => {
  const http = new HttpFs();
  const ns = Namespace.builder().mount("/cap/http", http).mount(
    "/tmp",
    new MemFs(),
  ).build();
  const ac = new AbortController();
  const fs = new NamespaceShellFs(ns, { signal: ac.signal });
  const id = http.submitRequest({ url: "https://example.com/" });
  const reading = fs.readFile(`/cap/http/responses/${id}.json`);
  ac.abort(new Error("run over"));
  await assert.rejects(() => reading, Error, "run over");
  await assert.rejects(() => fs.writeFile("/tmp/late", "x"), Error, "run over");
  assert.deepEqual(ns.readdir("/tmp"), []);
});

/** A file service whose whole-file reads say EAGAIN, and whose handles cannot say when that ends. */
class NeverReadyFs extends MemFs {
  override readFile(path: string): Uint8Array {
    throw new FsError("EAGAIN", path, "not yet");
  }
}

Deno.test("NamespaceShellFs: a file that is not ready and cannot say when gives EAGAIN back", async () => {
  const svc = new NeverReadyFs();
  writeText(svc, "/x", "later");
  const fs = new NamespaceShellFs(svc);
  const e = await rejectsFs(fs.readFile("/x"), "EAGAIN");
  assert.equal(e.reason, "not yet");
});

Deno.test("NamespaceShellFs: a bad namespace or option is a TypeError naming it", () => {
  assert.throws(
    () => new NamespaceShellFs(null as never),
    TypeError,
    "expected a FileService",
  );
  assert.throws(
    () => new NamespaceShellFs({} as never),
    TypeError,
    "got an object",
  );
  const ns = new MemFs();
  assert.throws(
    () => new NamespaceShellFs(ns, null as never),
    TypeError,
    "options",
  );
  assert.throws(
    () => new NamespaceShellFs(ns, { signal: "now" as never }),
    TypeError,
    "signal must be an AbortSignal, got a string",
  );
});

Deno.test("NamespaceShellFs: just-bash driven directly sees the namespace", async () => {
  const { ns } = setup();
  ns.writeFile("/tmp/bin", new Uint8Array([0x80, 0xff, 0]));
  const bash = new Bash({ fs: new NamespaceShellFs(ns), cwd: "/tmp", defenseInDepth: false });
  const r = await bash.exec("cat bin > copy; ls /; cat /ro/dir/b.txt; cat /etc/passwd");
  assert.equal(r.stdout, "other\nro\ntmp\nB");
  assert.equal(r.stderr, "cat: /etc/passwd: No such file or directory\n");
  assert.deepEqual(ns.readFile("/tmp/copy"), new Uint8Array([0x80, 0xff, 0]));
  assert.deepEqual(
    ns.readdir("/").map((e) => e.name),
    ["other", "ro", "tmp"],
    "no /bin, /dev or /proc added",
  );
});
