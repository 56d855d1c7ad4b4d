// Rights are capabilities: an fd may do what it was granted, rights can
// only be dropped, and a dropped right is enforced (ENOTCAPABLE; EBADF for
// reading and writing, as POSIX programs expect).
import assert from "@std/assert";
import {
  DIR_INHERITING,
  DIR_RIGHTS,
  ERRNO,
  MemFs,
  Namespace,
  readText,
  RIGHTS,
  writeText,
} from "./_mod.ts";
import { guest, I, runtime, wat } from "./_helpers.ts";

const IMPORTS = [
  I("path_open", 9, 1, [5, 6]),
  I("fd_fdstat_set_rights", 3, 1, [1, 2]),
  I("fd_filestat_set_size", 2, 1, [1]),
  I("fd_read", 4),
  I("fd_seek", 4, 1, [1]),
  I("fd_readdir", 5, 1, [3]),
  I("path_unlink_file", 3),
].join("\n");

/** Data: "tmp" at 1000, "tmp/a.txt" at 1100, "tmp/new.txt" at 1200, "." at 1300. */
const DATA = `(data (i32.const 1000) "tmp") (data (i32.const 1100) "tmp/a.txt")
  (data (i32.const 1200) "tmp/new.txt") (data (i32.const 1300) ".")`;

/** path_open(fd, path at `ptr`/`len`, oflags, base, inheriting) storing the new fd at 400. */
const open = (fd: string, ptr: number, len: number, oflags: number, base: number, inh: number) =>
  `(call $path_open ${fd} (i32.const 1) (i32.const ${ptr}) (i32.const ${len}) (i32.const ${oflags})
    (i64.const ${base}) (i64.const ${inh}) (i32.const 0) (i32.const 400))`;

async function run(body: string): Promise<{ errnos: number[]; tmp: MemFs }> {
  const tmp = new MemFs();
  writeText(tmp, "/a.txt", "0123456789");
  const ns = Namespace.builder().mount("/tmp", tmp).build();
  const r = await runtime.run(ns, await wat(guest(IMPORTS, body, DATA)));
  return { errnos: [...r.stdout], tmp };
}

Deno.test("rights can only be dropped, and a dropped directory right is enforced", async () => {
  const { errnos, tmp } = await run(`
    ;; drop PATH_CREATE_FILE and PATH_UNLINK_FILE from the preopen
    (call $rec (call $fd_fdstat_set_rights (i32.const 3)
      (i64.const ${DIR_RIGHTS & ~RIGHTS.PATH_CREATE_FILE & ~RIGHTS.PATH_UNLINK_FILE})
      (i64.const ${DIR_INHERITING})))
    (call $rec ${open("(i32.const 3)", 1200, 11, 1, RIGHTS.FD_WRITE, 0)})
    (call $rec (call $path_unlink_file (i32.const 3) (i32.const 1100) (i32.const 9)))
    ;; opening what exists needs PATH_OPEN only, which it still has
    (call $rec ${open("(i32.const 3)", 1100, 9, 0, RIGHTS.FD_READ, 0)})
    ;; taking a right back is refused
    (call $rec (call $fd_fdstat_set_rights (i32.const 3) (i64.const ${DIR_RIGHTS})
      (i64.const ${DIR_INHERITING})))
  `);
  assert.deepEqual(errnos, [
    ERRNO.SUCCESS,
    ERRNO.NOTCAPABLE,
    ERRNO.NOTCAPABLE,
    ERRNO.SUCCESS,
    ERRNO.NOTCAPABLE,
  ]);
  assert.equal(tmp.readdir("/").length, 1, "nothing was created or removed");
});

Deno.test("a file gets what it asks for within what its directory passes on", async () => {
  const { errnos, tmp } = await run(`
    ;; the preopen passes on everything but FD_FILESTAT_SET_SIZE
    (call $rec (call $fd_fdstat_set_rights (i32.const 3) (i64.const ${DIR_RIGHTS})
      (i64.const ${DIR_INHERITING & ~RIGHTS.FD_FILESTAT_SET_SIZE})))
    (call $rec ${
    open(
      "(i32.const 3)",
      1100,
      9,
      0,
      RIGHTS.FD_READ | RIGHTS.FD_WRITE | RIGHTS.FD_FILESTAT_SET_SIZE,
      0,
    )
  })
    (call $rec (call $fd_filestat_set_size (i32.load (i32.const 400)) (i64.const 2)))
    ;; O_TRUNC through the directory needs PATH_FILESTAT_SET_SIZE, which it has
    (call $rec ${open("(i32.const 3)", 1100, 9, 8, RIGHTS.FD_WRITE, 0)})
  `);
  assert.deepEqual(errnos, [ERRNO.SUCCESS, ERRNO.SUCCESS, ERRNO.NOTCAPABLE, ERRNO.SUCCESS]);
  assert.equal(readText(tmp, "/a.txt"), "", "truncated by the open, not by the fd");
});

Deno.test("a file whose read right was dropped cannot be read (EBADF), seek needs its right", async () => {
  const { errnos } = await run(`
    (call $rec ${
    open("(i32.const 3)", 1100, 9, 0, RIGHTS.FD_READ | RIGHTS.FD_SEEK | RIGHTS.FD_TELL, 0)
  })
    (i32.store (i32.const 16) (i32.const 500))
    (i32.store (i32.const 20) (i32.const 4))
    (call $rec (call $fd_read (i32.load (i32.const 400)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (call $rec (call $fd_fdstat_set_rights (i32.load (i32.const 400)) (i64.const ${RIGHTS.FD_TELL}) (i64.const 0)))
    (call $rec (call $fd_read (i32.load (i32.const 400)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (call $rec (call $fd_seek (i32.load (i32.const 400)) (i64.const 2) (i32.const 0) (i32.const 32)))
    ;; a seek by 0 from the current position is a tell
    (call $rec (call $fd_seek (i32.load (i32.const 400)) (i64.const 0) (i32.const 1) (i32.const 32)))
    (call $rec (i32.load (i32.const 32)))
  `);
  assert.deepEqual(errnos, [
    ERRNO.SUCCESS,
    ERRNO.SUCCESS,
    ERRNO.SUCCESS,
    ERRNO.BADF,
    ERRNO.NOTCAPABLE,
    ERRNO.SUCCESS,
    4,
  ]);
});

Deno.test("directories have no position and cannot be read as files", async () => {
  const { errnos } = await run(`
    (call $rec ${open("(i32.const 3)", 1000, 3, 2, DIR_RIGHTS | RIGHTS.FD_SEEK, DIR_INHERITING)})
    (call $rec (call $fd_seek (i32.load (i32.const 400)) (i64.const 0) (i32.const 0) (i32.const 32)))
    (call $rec (call $fd_seek (i32.load (i32.const 400)) (i64.const 0) (i32.const 1) (i32.const 32)))
    ;; O_DIRECTORY with FD_WRITE is EISDIR; with FD_READ it is fine
    (call $rec ${open("(i32.const 3)", 1300, 1, 2, RIGHTS.FD_READ | RIGHTS.FD_WRITE, 0)})
    (call $rec ${open("(i32.const 3)", 1300, 1, 2, RIGHTS.FD_READ, 0)})
    ;; a directory fd without FD_READDIR cannot be listed
    (call $rec ${open("(i32.const 3)", 1000, 3, 2, RIGHTS.PATH_OPEN, 0)})
    (call $rec (call $fd_readdir (i32.load (i32.const 400)) (i32.const 2000) (i32.const 256) (i64.const 0) (i32.const 32)))
  `);
  assert.deepEqual(errnos, [
    ERRNO.SUCCESS,
    ERRNO.NOTCAPABLE,
    ERRNO.NOTCAPABLE,
    ERRNO.ISDIR,
    ERRNO.SUCCESS,
    ERRNO.SUCCESS,
    ERRNO.NOTCAPABLE,
  ]);
});
