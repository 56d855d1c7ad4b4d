// Hostile guests, written in WAT: each bad call gets an errno, never a
// host exception, and the host stays healthy afterwards.
import assert from "@std/assert";
import { ERRNO, MemFs, Namespace, WasiModuleError, WasiTrapError } from "./_mod.ts";
import { fixture, guest, I, rejection, runtime, wat } from "./_helpers.ts";

function ns(): Namespace {
  return Namespace.builder().mount("/tmp", new MemFs()).build();
}

async function errnos(text: string, opts = {}): Promise<number[]> {
  const r = await runtime.run(ns(), await wat(text), opts);
  assert.equal(r.exitCode, 0);
  return [...r.stdout];
}

Deno.test("out-of-range pointers and huge lengths give EFAULT", async () => {
  const got = await errnos(guest(
    [
      I("fd_read", 4),
      I("random_get", 2),
      I("clock_time_get", 3, 1, [1]),
      I("args_get", 2),
      I("path_open", 9, 1, [5, 6]),
      I("fd_readdir", 5, 1, [3]),
      I("poll_oneoff", 4),
      I("fd_prestat_dir_name", 3),
    ].join("\n"),
    `
    ;; iovec array outside memory
    (call $rec (call $fd_write (i32.const 1) (i32.const 0xfffffff0) (i32.const 1) (i32.const 0)))
    ;; an iovec whose buffer runs past the end
    (i32.store (i32.const 100) (i32.const 65000))
    (i32.store (i32.const 104) (i32.const 0x7fffffff))
    (call $rec (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 0)))
    (call $rec (call $fd_read (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 0)))
    ;; the result pointer outside memory
    (i32.store (i32.const 104) (i32.const 4))
    (call $rec (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const -4)))
    (call $rec (call $random_get (i32.const 10) (i32.const -1)))
    (call $rec (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 65533)))
    (call $rec (call $args_get (i32.const -8) (i32.const 0)))
    (call $rec (call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 100)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    (call $rec (call $fd_readdir (i32.const 3) (i32.const 65000) (i32.const 4096) (i64.const 0) (i32.const 0)))
    (call $rec (call $poll_oneoff (i32.const 0) (i32.const 48) (i32.const 0x10000000) (i32.const 0)))
    (call $rec (call $fd_prestat_dir_name (i32.const 3) (i32.const 0xffffffff) (i32.const 1)))
    `,
  ));
  assert.deepEqual(got, Array(got.length).fill(ERRNO.FAULT));
  assert.equal(got.length, 11);
});

Deno.test("huge iovec counts give EFAULT; a count that fits is fine", async () => {
  const got = await errnos(guest(
    I("fd_read", 4),
    `
    (call $rec (call $fd_write (i32.const 1) (i32.const 16) (i32.const 0x7fffffff) (i32.const 0)))
    (call $rec (call $fd_write (i32.const 1) (i32.const 16) (i32.const -1) (i32.const 0)))
    (call $rec (call $fd_read (i32.const 0) (i32.const 0) (i32.const 8193) (i32.const 0)))
    ;; 4000 empty iovecs: nothing to write, no error
    (call $rec (call $fd_write (i32.const 1) (i32.const 16) (i32.const 4000) (i32.const 0)))
    `,
  ));
  assert.deepEqual(got, [ERRNO.FAULT, ERRNO.FAULT, ERRNO.FAULT, ERRNO.SUCCESS]);
});

Deno.test("bad fds give EBADF or ENOTDIR", async () => {
  const got = await errnos(guest(
    [
      I("fd_close", 1),
      I("fd_seek", 4, 1, [1]),
      I("fd_readdir", 5, 1, [3]),
      I("path_open", 9, 1, [5, 6]),
      I("fd_renumber", 2),
      I("fd_filestat_get", 2),
      I("fd_fdstat_get", 2),
    ].join("\n"),
    `
    (call $rec (call $fd_write (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 0)))
    (call $rec (call $fd_close (i32.const -1)))
    (call $rec (call $fd_seek (i32.const 1000) (i64.const 0) (i32.const 0) (i32.const 0)))
    (call $rec (call $fd_readdir (i32.const 50) (i32.const 0) (i32.const 100) (i64.const 0) (i32.const 200)))
    (call $rec (call $fd_renumber (i32.const 7) (i32.const 1)))
    (call $rec (call $fd_filestat_get (i32.const 12345) (i32.const 0)))
    (call $rec (call $fd_fdstat_get (i32.const 0x7fffffff) (i32.const 0)))
    (i32.store8 (i32.const 300) (i32.const 0x61))
    (call $rec (call $path_open (i32.const 1) (i32.const 0) (i32.const 300) (i32.const 1)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 400)))
    (call $rec (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 9) (i32.const 0)))
    `,
  ));
  assert.deepEqual(got, [
    ERRNO.BADF,
    ERRNO.BADF,
    ERRNO.BADF,
    ERRNO.BADF,
    ERRNO.BADF,
    ERRNO.BADF,
    ERRNO.BADF,
    ERRNO.NOTDIR,
    ERRNO.INVAL,
  ]);
});

Deno.test("`..` cannot leave a directory fd (ENOTCAPABLE), in every path call", async () => {
  const paths = ["..", "../x", "tmp/../../x", "/../etc/passwd", "tmp/a/../../../b"];
  const data = paths.map((p, i) => `(data (i32.const ${1000 + i * 100}) "${p}")`).join("\n");
  const calls = paths.map((p, i) => `
    (call $rec (call $path_open (i32.const 3) (i32.const 1) (i32.const ${1000 + i * 100})
      (i32.const ${p.length}) (i32.const 1) (i64.const 0x7fffffff) (i64.const 0) (i32.const 0) (i32.const 400)))`)
    .join("");
  const got = await errnos(guest(
    [
      I("path_open", 9, 1, [5, 6]),
      I("path_create_directory", 3),
      I("path_unlink_file", 3),
      I("path_rename", 6),
      I("path_filestat_get", 5),
      I("path_symlink", 5),
    ].join("\n"),
    `${calls}
    (call $rec (call $path_create_directory (i32.const 3) (i32.const 1100) (i32.const 4)))
    (call $rec (call $path_unlink_file (i32.const 3) (i32.const 1100) (i32.const 4)))
    (call $rec (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 1000) (i32.const 2) (i32.const 500)))
    (call $rec (call $path_rename (i32.const 3) (i32.const 2000) (i32.const 3) (i32.const 3) (i32.const 1100) (i32.const 4)))
    (call $rec (call $path_symlink (i32.const 2000) (i32.const 3) (i32.const 3) (i32.const 1100) (i32.const 4)))
    `,
    `${data}\n(data (i32.const 2000) "tmp")`,
  ));
  assert.deepEqual(got, Array(got.length).fill(ERRNO.NOTCAPABLE));
  assert.equal(got.length, paths.length + 5);
});

Deno.test("fd exhaustion gives EMFILE, and closing one fd lets the next open succeed", async () => {
  const r = await runtime.run(
    ns(),
    await wat(guest(
      [I("path_open", 9, 1, [5, 6]), I("fd_close", 1)].join("\n"),
      `
      (local $e i32) (local $count i32)
      (block $done (loop $more
        (local.set $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1000) (i32.const 3)
          (i32.const 2) (i64.const 0x4000) (i64.const 0x7fffffff) (i32.const 0) (i32.const 400)))
        (br_if $done (local.get $e))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br $more)))
      (call $rec (local.get $e))
      (call $rec (local.get $count))
      (call $rec (call $fd_close (i32.load (i32.const 400))))
      (call $rec (call $fd_close (i32.const 10)))
      (call $rec (call $path_open (i32.const 3) (i32.const 1) (i32.const 1000) (i32.const 3)
          (i32.const 2) (i64.const 0x4000) (i64.const 0x7fffffff) (i32.const 0) (i32.const 400)))
      (call $rec (i32.load (i32.const 400)))
      `,
      `(data (i32.const 1000) "tmp")`,
    )),
    { maxFds: 40 },
  );
  const got = [...r.stdout];
  // The last fd opened (39) and fd 10 are closed; the next open takes the lowest free, 10.
  assert.deepEqual(got, [ERRNO.MFILE, 36, ERRNO.SUCCESS, ERRNO.SUCCESS, ERRNO.SUCCESS, 10]);
});

Deno.test("deep recursion is a clear stack-overflow trap, and the host stays healthy", async () => {
  const err = await rejection(
    runtime.run(
      ns(),
      await wat(`(module
        (memory (export "memory") 1)
        (func $deep (param i32) (result i32) (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
        (func (export "_start") (drop (call $deep (i32.const 0)))))`),
    ),
    WasiTrapError,
  );
  assert.equal(err.trap, "stack overflow");
  assert.equal(err.exitCode, 134);
  const r = await runtime.run(ns(), await fixture("basics"), { args: ["basics"] });
  assert.equal(r.exitCode, 0);
});

Deno.test("memory.grow to the maximum: the host re-fetches its views and keeps working", async () => {
  const r = await runtime.run(
    ns(),
    await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (local $pages i32) (local $top i32)
        ;; grow in big steps until the engine says no, then in single pages
        (block $big (loop $l (br_if $big (i32.eq (memory.grow (i32.const 4096)) (i32.const -1))) (br $l)))
        (block $small (loop $l (br_if $small (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $l)))
        (local.set $pages (memory.size))
        ;; write "top\\n" in the last 16 bytes and an iovec just below it
        (local.set $top (i32.sub (i32.mul (local.get $pages) (i32.const 65536)) (i32.const 16)))
        (i32.store (local.get $top) (i32.const 0x0a706f74))
        (i32.store (i32.sub (local.get $top) (i32.const 8)) (local.get $top))
        (i32.store (i32.sub (local.get $top) (i32.const 4)) (i32.const 4))
        (drop (call $fd_write (i32.const 1) (i32.sub (local.get $top) (i32.const 8)) (i32.const 1) (i32.const 0)))
        ;; one byte past the end is a fault, not a crash
        (i32.store (i32.sub (local.get $top) (i32.const 4)) (i32.const 17))
        (call $proc_exit (call $fd_write (i32.const 1) (i32.sub (local.get $top) (i32.const 8)) (i32.const 1) (i32.const 0)))))`),
  );
  assert.equal(r.stdoutText, "top\n");
  assert.equal(r.exitCode, ERRNO.FAULT);
  const again = await runtime.run(ns(), await fixture("basics"), { args: ["basics"] });
  assert.equal(again.exitCode, 0);
});

Deno.test("modules that are no WASI command are refused with a message", async () => {
  const noStart = await wat(`(module (memory (export "memory") 1) (func (export "main")))`);
  let e = await rejection(runtime.run(ns(), noStart), WasiModuleError);
  assert.match(e.message, /no _start/);
  const reactor = await wat(`(module (memory (export "memory") 1) (func (export "_initialize")))`);
  e = await rejection(runtime.run(ns(), reactor), WasiModuleError);
  assert.match(e.message, /reactor/);
  const foreign = await wat(
    `(module (import "env" "magic" (func)) (memory (export "memory") 1) (func (export "_start")))`,
  );
  e = await rejection(runtime.run(ns(), foreign), WasiModuleError);
  assert.match(e.message, /env\.magic/);
  const noMemory = await wat(`(module (func (export "_start")))`);
  e = await rejection(runtime.run(ns(), noMemory), WasiModuleError);
  assert.match(e.message, /memory/);
});

Deno.test("proc_exit passes any u32 exit code, and a NUL-free run works after all this", async () => {
  const r = await runtime.run(
    ns(),
    await wat(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $exit (i32.const -1))))`),
  );
  assert.equal(r.exitCode, 0xffffffff);
});
