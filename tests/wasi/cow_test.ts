// A CowFs workspace: the guest edits it, the base stays untouched, and the
// host reviews the guest's changes with diff().
import assert from "@std/assert";
import { CowFs, MapFs, MemFs, Namespace, readText } from "./_mod.ts";
import { fixture, runtime } from "./_helpers.ts";

Deno.test("a guest edits a CowFs workspace and the host sees the diff", async () => {
  const base = MapFs.builder()
    .file("/README.md", "# project\n")
    .file("/old.txt", "remove me\n")
    .file("/src/main.c", "int main(void) { return 0; }\n")
    .build();
  const cow = new CowFs(base);
  const ns = Namespace.builder().mount("/workspace", cow).mount("/tmp", new MemFs()).build();
  const r = await runtime.run(ns, await fixture("workspace"));
  assert.equal(r.exitCode, 0, r.stdoutText);
  assert.equal(r.stdoutText, "workspace edited\n");

  const changes = cow.diff().map((c) => `${c.change} ${c.kind} ${c.path}`).sort();
  assert.deepEqual(changes, [
    "added dir /build",
    "added file /src/new.c",
    "deleted file /old.txt",
    "modified file /README.md",
  ]);
  assert.equal(readText(cow, "/README.md"), "# project\nEdited by the agent.\n");
  assert.equal(readText(cow, "/src/new.c"), "int answer(void) { return 42; }\n");
  // The base is untouched.
  assert.equal(readText(base, "/README.md"), "# project\n");
  assert.equal(readText(base, "/old.txt"), "remove me\n");
});
