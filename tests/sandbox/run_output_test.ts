import assert from "@std/assert";
import { withTempDir } from "../helpers/temp_dir.ts";
import { applyChangesToFolder, type ChangeRecord, changesDiff } from "../../mod.ts";

const withTemp = withTempDir;

const added = (path: string, text = "x\n"): ChangeRecord => ({
  mount: "/w",
  path,
  change: "added",
  kind: "file",
  afterBase64: btoa(text),
});

Deno.test("applying changes writes, creates and deletes inside the folder", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/ws/old.txt`, "old\n");
    await applyChangesToFolder(`${dir}/ws`, [
      { mount: "/w", path: "/sub", change: "added", kind: "dir" },
      added("/sub/new.txt", "new\n"),
      { mount: "/w", path: "/old.txt", change: "deleted", kind: "file" },
    ]);
    assert.equal(await Deno.readTextFile(`${dir}/ws/sub/new.txt`), "new\n");
    await assert.rejects(
      () => Deno.stat(`${dir}/ws/old.txt`),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("a change whose path leaves the folder is refused, and nothing is applied", async () => {
  for (
    const bad of [
      "/../escaped.txt",
      "/sub/../../escaped.txt",
      "../escaped.txt",
      "escaped.txt",
      "/",
      "",
      "/a/./b",
      "/a//b",
      "/a\0b",
    ]
  ) {
    await withTemp(async (dir) => {
      await Deno.mkdir(`${dir}/ws`);
      await assert.rejects(
        () => applyChangesToFolder(`${dir}/ws`, [added("/first.txt"), added(bad)]),
        Error,
        "not a path inside the workspace",
        JSON.stringify(bad),
      );
      assert.deepEqual(
        [...Deno.readDirSync(dir)].map((e) => e.name),
        ["ws"],
        bad,
      );
      assert.deepEqual([...Deno.readDirSync(`${dir}/ws`)], [], bad);
    });
  }
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/keep.txt`, "keep");
    await assert.rejects(() =>
      applyChangesToFolder(`${dir}/ws`, [
        { mount: "/w", path: "/../keep.txt", change: "deleted", kind: "file" },
      ])
    );
    assert.equal(await Deno.readTextFile(`${dir}/keep.txt`), "keep");
  });
});

Deno.test("a change that would pass through a symlink of the real folder is refused", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws/real`, { recursive: true });
    await Deno.mkdir(`${dir}/outside`);
    await Deno.writeTextFile(`${dir}/outside/f.txt`, "outside");
    // The links may have changed since the run started: the folder is the host's.
    await Deno.symlink(`${dir}/outside`, `${dir}/ws/link`);
    await Deno.symlink(`${dir}/outside/f.txt`, `${dir}/ws/file_link`);
    for (
      const change of [
        added("/link/new.txt"),
        added("/file_link"),
        { ...added("/file_link"), change: "modified" } as ChangeRecord,
        {
          mount: "/w",
          path: "/link/sub",
          change: "added",
          kind: "dir",
        } as ChangeRecord,
        {
          mount: "/w",
          path: "/link/f.txt",
          change: "deleted",
          kind: "file",
        } as ChangeRecord,
      ]
    ) {
      await assert.rejects(
        () => applyChangesToFolder(`${dir}/ws`, [change]),
        Error,
        "symlink",
        change.path,
      );
    }
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/outside`)].map((e) => e.name),
      ["f.txt"],
    );
    assert.equal(await Deno.readTextFile(`${dir}/outside/f.txt`), "outside");
    // Deleting a link itself removes the link, not what it points to.
    await applyChangesToFolder(`${dir}/ws`, [
      { mount: "/w", path: "/file_link", change: "deleted", kind: "symlink" },
    ]);
    assert.equal(await Deno.readTextFile(`${dir}/outside/f.txt`), "outside");
  });
});

Deno.test("a malformed change record is refused", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    for (
      const bad of [
        { ...added("/a"), change: "renamed" },
        { ...added("/a"), kind: "fifo" },
        { ...added("/a"), afterBase64: 42 },
        { ...added("/a"), afterBase64: "not base64!" },
        { ...added("/a"), path: 7 },
      ]
    ) {
      await assert.rejects(
        () => applyChangesToFolder(`${dir}/ws`, [bad as unknown as ChangeRecord]),
        Error,
        undefined,
        JSON.stringify(bad),
      );
    }
    assert.deepEqual([...Deno.readDirSync(`${dir}/ws`)], []);
  });
});

Deno.test("changesDiff names undecodable content as binary instead of throwing", () => {
  const diff = changesDiff([{ ...added("/a"), afterBase64: "not base64!" }]);
  assert.match(diff, /Binary files a\/w\/a and b\/w\/a differ/);
});
