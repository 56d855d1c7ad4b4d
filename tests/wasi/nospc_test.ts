// A full file service: ENOSPC from the service (a device that refuses
// writes, a MemFs at its byte limit) reaches the guest as WASI NOSPC, and
// the guest carries on.
import assert from "@std/assert";
import { ERRNO, FsError, FuncFs, MemFs, Namespace, RIGHTS } from "./_mod.ts";
import { guest, I, runtime, wat } from "./_helpers.ts";

const IMPORTS = [I("path_open", 9, 1, [5, 6]), I("fd_sync", 1), I("fd_close", 1)].join("\n");

Deno.test("ENOSPC from a service's write reaches the guest as NOSPC", async () => {
  // A device file that refuses what is written to it: its space is used up.
  const full = new FuncFs().writeOnly("/dev", () => {
    throw new FsError("ENOSPC", "/dev", "no space left");
  });
  const ns = Namespace.builder().mount("/full", full).mount("/tmp", new MemFs()).build();
  const r = await runtime.run(
    ns,
    await wat(guest(
      IMPORTS,
      `
      (call $rec (call $path_open (i32.const 3) (i32.const 1) (i32.const 1000) (i32.const 8)
        (i32.const 0) (i64.const ${
        RIGHTS.FD_WRITE | RIGHTS.FD_SYNC
      }) (i64.const 0) (i32.const 0) (i32.const 400)))
      (i32.store (i32.const 16) (i32.const 1100))
      (i32.store (i32.const 20) (i32.const 5))
      (call $rec (call $fd_write (i32.load (i32.const 400)) (i32.const 16) (i32.const 1) (i32.const 24)))
      (call $rec (call $fd_sync (i32.load (i32.const 400))))
      `,
      `(data (i32.const 1000) "full/dev") (data (i32.const 1100) "hello")`,
    )),
  );
  assert.equal(r.exitCode, 0);
  assert.deepEqual([...r.stdout], [ERRNO.SUCCESS, ERRNO.SUCCESS, ERRNO.NOSPC]);
});

Deno.test("a full MemFs: writes past its byte limit are NOSPC, and freeing space lets the guest go on", async () => {
  const tmp = new MemFs({ maxBytes: 64 * 1024 });
  const ns = Namespace.builder().mount("/tmp", tmp).build();
  const r = await runtime.run(
    ns,
    await wat(guest(
      [I("path_open", 9, 1, [5, 6]), I("fd_close", 1), I("path_unlink_file", 3)].join("\n"),
      `
      (local $e i32) (local $n i32)
      (call $rec (call $path_open (i32.const 3) (i32.const 1) (i32.const 1000) (i32.const 7)
        (i32.const 1) (i64.const ${RIGHTS.FD_WRITE}) (i64.const 0) (i32.const 0) (i32.const 400)))
      (i32.store (i32.const 16) (i32.const 4096))
      (i32.store (i32.const 20) (i32.const 4096))
      ;; write 4 KiB at a time until the service says no
      (block $full (loop $more
        (local.set $e (call $fd_write (i32.load (i32.const 400)) (i32.const 16) (i32.const 1) (i32.const 24)))
        (br_if $full (local.get $e))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $full (i32.gt_u (local.get $n) (i32.const 100)))
        (br $more)))
      (call $rec (local.get $e))
      (call $rec (local.get $n))
      (call $rec (call $fd_close (i32.load (i32.const 400))))
      (call $rec (call $path_unlink_file (i32.const 3) (i32.const 1000) (i32.const 7)))
      ;; the space is free again
      (call $rec (call $path_open (i32.const 3) (i32.const 1) (i32.const 1000) (i32.const 7)
        (i32.const 1) (i64.const ${RIGHTS.FD_WRITE}) (i64.const 0) (i32.const 0) (i32.const 400)))
      (call $rec (call $fd_write (i32.load (i32.const 400)) (i32.const 16) (i32.const 1) (i32.const 24)))
      `,
      `(data (i32.const 1000) "tmp/big")`,
    )),
  );
  assert.deepEqual([...r.stdout], [
    ERRNO.SUCCESS,
    ERRNO.NOSPC,
    16,
    ERRNO.SUCCESS,
    ERRNO.SUCCESS,
    ERRNO.SUCCESS,
    ERRNO.SUCCESS,
  ]);
  assert.equal(tmp.usage().bytes, 4096);
});
