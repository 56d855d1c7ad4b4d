import assert from "@std/assert";
import { FsError, FuncFs, readText, writeText } from "../../mod.ts";
import { assertFsError } from "./writable_contract.ts";

Deno.test("FuncFs: read-only files compute their content on read", () => {
  let n = 0;
  const fs = new FuncFs().readOnly("/count", () => String(++n));
  assert.equal(readText(fs, "/count"), "1");
  assert.equal(readText(fs, "/count"), "2");
});

Deno.test("FuncFs: content is computed at the first read, not at open", () => {
  let calls = 0;
  const fs = new FuncFs().readOnly("/x", () => {
    calls++;
    return "x";
  });
  const h = fs.open("/x");
  assert.equal(calls, 0);
  const buf = new Uint8Array(1);
  h.read(buf);
  h.read(buf);
  assert.equal(calls, 1);
  h.close();
});

Deno.test("FuncFs: listing a directory never calls the read functions", () => {
  const fs = new FuncFs()
    .readOnly("/a/x", () => {
      throw new Error("must not be called");
    })
    .readOnly("/a/y", () => {
      throw new Error("must not be called");
    })
    .dir("/a/sub");
  assert.deepEqual(fs.readdir("/a"), [
    { name: "sub", kind: "dir" },
    { name: "x", kind: "file" },
    { name: "y", kind: "file" },
  ]);
  assert.deepEqual(fs.readdir("/"), [{ name: "a", kind: "dir" }]);
});

Deno.test("FuncFs: read-write files deliver what was written at close", () => {
  let value = "initial";
  const fs = new FuncFs().readWrite("/v", () => value, (d) => {
    value = new TextDecoder().decode(d);
  });
  writeText(fs, "/v", "changed");
  assert.equal(value, "changed");
  assert.equal(readText(fs, "/v"), "changed");
});

Deno.test("FuncFs: a handle that wrote nothing delivers nothing", () => {
  let writes = 0;
  const fs = new FuncFs().readWrite("/v", () => "", () => {
    writes++;
  });
  fs.open("/v", { write: true }).close();
  assert.equal(writes, 0);
});

Deno.test("FuncFs: a write function may refuse the content with an FsError", () => {
  const fs = new FuncFs().writeOnly("/cmd", (d) => {
    if (d.length === 0 || d[0] !== 123) throw new FsError("EINVAL", "/cmd", "expected JSON");
  });
  assertFsError(() => writeText(fs, "/cmd", "nope"), "EINVAL");
  writeText(fs, "/cmd", "{}");
});

Deno.test("FuncFs: write-only files cannot be read, read-only files cannot be written", () => {
  const fs = new FuncFs().writeOnly("/w", () => {}).readOnly("/r", () => "r");
  assertFsError(() => fs.open("/w"), "EACCES");
  assertFsError(() => fs.open("/r", { write: true }), "EACCES");
  assert.equal(fs.stat("/r").readOnly, true);
  assert.equal(fs.stat("/w").readOnly, false);
});

Deno.test("FuncFs: stat reports the computed size", () => {
  const fs = new FuncFs().readOnly("/s", () => new Uint8Array(7));
  assert.equal(fs.stat("/s").size, 7);
  assert.equal(fs.stat("/").kind, "dir");
});

Deno.test("FuncFs: the tree is fixed and bad definitions are refused", () => {
  const fs = new FuncFs().readOnly("/a", () => "");
  assertFsError(() => fs.mkdir("/d"), "EROFS");
  assertFsError(() => fs.remove("/a"), "EROFS");
  assertFsError(() => fs.rename("/a", "/b"), "EROFS");
  assertFsError(() => fs.open("/missing"), "ENOENT");
  assertFsError(() => fs.open("/", {}), "EISDIR");
  assertFsError(() => fs.readOnly("/a", () => ""), "EEXIST");
  assertFsError(() => fs.readOnly("/a/b", () => ""), "ENOTDIR");
  assertFsError(() => fs.readdir("/a"), "ENOTDIR");
  assert.throws(() => fs.readOnly("/z", "text" as never), TypeError);
});

Deno.test("FuncFs: a read function returning the wrong type is EIO", () => {
  const fs = new FuncFs().readOnly("/bad", () => 42 as never);
  assertFsError(() => readText(fs, "/bad"), "EIO");
});

Deno.test("FuncFs: content that arrives later says EAGAIN and wakes its waiter", async () => {
  let value: string | undefined;
  let arrived = () => {};
  const ready = new Promise<void>((r) => (arrived = r));
  const fs = new FuncFs().readOnly("/late", () => {
    if (value === undefined) throw new FsError("EAGAIN", "/late");
    return value;
  }, { whenReadable: () => ready });
  const h = fs.open("/late");
  assertFsError(() => h.read(new Uint8Array(4)), "EAGAIN");
  h.close();
  const timer = setTimeout(() => {
    value = "here";
    arrived();
  }, 5);
  const h2 = fs.open("/late");
  await h2.whenReadable!();
  clearTimeout(timer);
  const buf = new Uint8Array(4);
  assert.equal(new TextDecoder().decode(buf.subarray(0, h2.read(buf))), "here");
  h2.close();
});
