// A full file service: ENOSPC from the service reaches the guest as WASI
// NOSPC, and the guest carries on.
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
