import assert from "@std/assert";
import { findEscapingSymlinks } from "../../src/sandbox/runner/symlink_scan.ts";

Deno.test("symlinks that leave the workspace are found, inside ones are not", async () => {
  const top = await Deno.makeTempDir();
  try {
    const ws = `${top}/ws`;
    await Deno.mkdir(`${ws}/sub/deeper`, { recursive: true });
    await Deno.writeTextFile(`${ws}/inside.txt`, "in");
    await Deno.writeTextFile(`${top}/secret.txt`, "out");
    await Deno.symlink(`${top}/secret.txt`, `${ws}/abs_out`);
    await Deno.symlink("../../secret.txt", `${ws}/sub/rel_out`);
    await Deno.symlink("../inside.txt", `${ws}/sub/rel_in`);
    await Deno.symlink(`${ws}/inside.txt`, `${ws}/abs_in`);
    await Deno.symlink("../../../nowhere", `${ws}/sub/deeper/dangling_out`);
    await Deno.symlink("missing", `${ws}/dangling_in`);
    await Deno.symlink(top, `${ws}/dir_out`);
    const found = await findEscapingSymlinks(ws);
    assert.deepEqual(found.map((l) => l.path), [
      "abs_out",
      "dir_out",
      "sub/deeper/dangling_out",
      "sub/rel_out",
    ]);
    assert.equal(found[0].target, await Deno.realPath(`${top}/secret.txt`));
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});

Deno.test("a workspace without symlinks is clean", async () => {
  const ws = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${ws}/a.txt`, "a");
    assert.deepEqual(await findEscapingSymlinks(ws), []);
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
});

Deno.test("a missing workspace folder is an error", async () => {
  await assert.rejects(
    () => findEscapingSymlinks("/nonexistent-oanix-ws"),
    Deno.errors.NotFound,
  );
});

Deno.test("in a folder the agent may write, links with .. are found even when they lead inside", async () => {
  const top = await Deno.makeTempDir();
  try {
    const ws = `${top}/ws`;
    await Deno.mkdir(`${ws}/a/b`, { recursive: true });
    await Deno.symlink("../..", `${ws}/a/b/up`);
    await Deno.symlink("b/../b", `${ws}/a/down_up`);
    await Deno.symlink("b", `${ws}/a/down`);
    await Deno.symlink(`${ws}/a`, `${ws}/abs_in`);
    await Deno.symlink("missing/deeper", `${ws}/dangling_down`);
    assert.deepEqual(await findEscapingSymlinks(ws), []);
    const found = await findEscapingSymlinks(ws, { movable: true });
    assert.deepEqual(found, [
      { path: "a/b/up", target: "../..", movable: true },
      { path: "a/down_up", target: "b/../b", movable: true },
    ]);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});
