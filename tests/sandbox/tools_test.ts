/**
 * The environment's tools (what `oanix mcp` serves), over a namespace in
 * this process: what each answers, and that every misuse is an answer with
 * `isError`, never an exception.
 */
import assert from "@std/assert";
import { MapFs, MemFs, Namespace, readText, writeFile, writeText } from "../../mod.ts";
import { runShell } from "../../src/shell/run_shell.ts";
import { runTool } from "../../src/sandbox/tools/run_tool.ts";
import { MAX_GREP_LINES } from "../../src/sandbox/tools/search_tools.ts";
import { RESOURCE_LIST, RESOURCE_READ, toolsFor } from "../../src/sandbox/tools/tool_specs.ts";
import { validateManifest } from "../../src/sandbox/manifest/manifest.ts";

function fixture() {
  const workspace = new MemFs();
  writeText(workspace, "/a.txt", "one\ntwo\nthree\n");
  workspace.mkdir("/src");
  writeText(workspace, "/src/x.ts", "const x = 1; // TODO\nconst y = x; // todo\n");
  writeFile(workspace, "/blob.bin", new Uint8Array([1, 0, 2]));
  const ns = Namespace.builder()
    .mount("/workspace", workspace)
    .mount("/docs", MapFs.fromObject({ "/readme.md": "hello\n" }))
    .build();
  return { ns, ctx: { namespace: ns, cwd: "/workspace", shell: runShell } };
}

Deno.test("read shows numbered lines, a window of them, and refuses folders and binary files", async () => {
  const { ctx } = fixture();
  assert.deepEqual(await runTool(ctx, "read", { path: "a.txt" }), {
    text: "     1\tone\n     2\ttwo\n     3\tthree",
    isError: false,
  });
  assert.deepEqual(await runTool(ctx, "read", { path: "a.txt", offset: 2, limit: 1 }), {
    text: "     2\ttwo\n(1 more lines: read with offset)",
    isError: false,
  });
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ path: "a.txt", offset: 9 }, /has 3 lines; offset 9 is past the end/],
    [{ path: "a.txt", offset: 0 }, /offset must be a whole number ≥ 1, got a number/],
    [{ path: "src" }, /\/workspace\/src is a folder: use list/],
    [{ path: "blob.bin" }, /is a binary file \(3 bytes\)/],
    [{ path: "" }, /the path is empty/],
    [{ path: 7 }, /path must be a string, got a number/],
  ];
  for (const [args, expected] of refused) {
    const r = await runTool(ctx, "read", args);
    assert.equal(r.isError, true, JSON.stringify(args));
    assert.match(r.text, expected);
  }
});

Deno.test("write creates folders; edit replaces exactly one occurrence unless told all", async () => {
  const { ns, ctx } = fixture();
  assert.deepEqual(await runTool(ctx, "write", { path: "new/deep/f.txt", content: "é\n" }), {
    text: "wrote 3 bytes to /workspace/new/deep/f.txt",
    isError: false,
  });
  assert.equal(readText(ns, "/workspace/new/deep/f.txt"), "é\n");
  const twice = await runTool(ctx, "edit", { path: "src/x.ts", old_string: "x", new_string: "z" });
  assert.deepEqual(twice, {
    text:
      "edit: old_string occurs 2 times in /workspace/src/x.ts: give more context, or replace_all",
    isError: true,
  });
  assert.equal(readText(ns, "/workspace/src/x.ts"), "const x = 1; // TODO\nconst y = x; // todo\n");
  assert.deepEqual(
    await runTool(ctx, "edit", {
      path: "src/x.ts",
      old_string: "x",
      new_string: "$&z",
      replace_all: true,
    }),
    { text: "replaced 2 occurrences in /workspace/src/x.ts", isError: false },
  );
  assert.equal(
    readText(ns, "/workspace/src/x.ts"),
    "const $&z = 1; // TODO\nconst y = $&z; // todo\n",
    "the replacement is taken literally",
  );
  const ro = await runTool(ctx, "write", { path: "/docs/readme.md", content: "x" });
  assert.equal(ro.isError, true);
  assert.match(ro.text, /^EROFS/);
  assert.equal(
    (await runTool(ctx, "edit", { path: "a.txt", old_string: "", new_string: "x" })).text,
    "edit: old_string is empty",
  );
});

Deno.test("list, glob and grep find what is there, and say so when nothing is", async () => {
  const { ctx } = fixture();
  assert.equal((await runTool(ctx, "list", {})).text, "a.txt\nblob.bin\nsrc/");
  assert.equal((await runTool(ctx, "list", { path: "/" })).text, "docs/\nworkspace/");
  assert.equal((await runTool(ctx, "glob", { pattern: "*.ts" })).text, "/workspace/src/x.ts");
  assert.equal((await runTool(ctx, "glob", { pattern: "*.py" })).text, "(no files match)");
  assert.equal(
    (await runTool(ctx, "grep", { pattern: "todo", ignore_case: true })).text,
    "/workspace/src/x.ts:1:const x = 1; // TODO\n/workspace/src/x.ts:2:const y = x; // todo",
  );
  assert.equal(
    (await runTool(ctx, "grep", { pattern: "o", glob: "*.txt" })).text,
    "/workspace/a.txt:1:one\n/workspace/a.txt:2:two",
  );
  assert.equal((await runTool(ctx, "grep", { pattern: "zebra" })).text, "(no matches)");
  assert.match(
    (await runTool(ctx, "grep", { pattern: "[" })).text,
    /^grep: not a regular expression/,
  );
});

Deno.test("grep stops at its bound and says so", async () => {
  const { ns, ctx } = fixture();
  writeText(ns, "/workspace/many.txt", "hit\n".repeat(MAX_GREP_LINES + 10));
  const lines = (await runTool(ctx, "grep", { pattern: "hit" })).text.split("\n");
  assert.equal(lines.length, MAX_GREP_LINES + 1);
  assert.equal(lines.at(-1), `(more than ${MAX_GREP_LINES} matching lines: narrow the search)`);
});

Deno.test("bash runs in the namespace; a failing script is an error answer with its code", async () => {
  const { ctx } = fixture();
  assert.deepEqual(await runTool(ctx, "bash", { command: "wc -l < a.txt" }), {
    text: "3\n",
    isError: false,
  });
  assert.deepEqual(await runTool(ctx, "bash", { command: "echo x > /docs/y" }), {
    text: "[stderr]\nEROFS: read-only file system: /docs/y\n\n[exit code 1]",
    isError: true,
  });
  const none = await runTool({ ...ctx, shell: undefined }, "bash", { command: "ls" });
  assert.deepEqual(none, { text: "bash: this environment has no shell", isError: true });
});

Deno.test("task, set_result and http_request say plainly when their mount is missing", async () => {
  const { ctx } = fixture();
  for (
    const [tool, args] of [["task", {}], ["set_result", { result: 1 }], ["http_request", {
      url: "http://x",
    }]] as const
  ) {
    const r = await runTool(ctx, tool, args);
    assert.equal(r.isError, true);
    assert.match(r.text, /no (task|HTTP capability) is mounted/);
  }
  const bad = await runTool({ ...ctx, taskRoot: "/task" }, "set_result", {
    result: 1,
    status: "done",
  });
  assert.deepEqual(bad, {
    text: "set_result: status must be completed or failed, got done",
    isError: true,
  });
});

Deno.test("resources: the files of the namespace, capability files aside, read whole", async () => {
  const { ctx } = fixture();
  assert.equal(
    (await runTool(ctx, RESOURCE_LIST, {})).text,
    "/docs/readme.md\n/workspace/a.txt\n/workspace/blob.bin\n/workspace/src/x.ts",
  );
  assert.deepEqual(await runTool(ctx, RESOURCE_READ, { path: "/docs/readme.md" }), {
    text: "hello\n",
    isError: false,
  });
});

Deno.test("the tools offered follow the mounts", () => {
  const names = (mounts: Record<string, unknown>) =>
    toolsFor(validateManifest({ task: { id: "t", type: "t", description: "d" }, mounts }, "/srv"))
      .map((t) => t.name);
  assert.deepEqual(names({ "/tmp": "mem" }), [
    "read",
    "write",
    "edit",
    "list",
    "glob",
    "grep",
    "bash",
  ]);
  assert.ok(names({ "/task": "task" }).includes("set_result"));
  assert.ok(names({ "/cap/http": { type: "http", allow: ["a.test"] } }).includes("http_request"));
});
