import assert from "@std/assert";
import { FsError } from "../../mod.ts";
import { resolveOpenFlags, wantsMutation } from "../../src/fs/open_flags.ts";

Deno.test("open flags default to read-only", () => {
  const f = resolveOpenFlags(undefined, "/a");
  assert.equal(f.read, true);
  assert.equal(f.write, false);
  assert.equal(wantsMutation(f), false);
});

Deno.test("write alone does not read, append implies write", () => {
  assert.equal(resolveOpenFlags({ write: true }, "/a").read, false);
  const f = resolveOpenFlags({ append: true }, "/a");
  assert.equal(f.write, true);
  assert.equal(wantsMutation(f), true);
});

Deno.test("bad open flags are EINVAL with a reason", () => {
  const bad: unknown[] = [null, 5, "rw", { bogus: true }, { write: "yes" }, { truncate: true }];
  for (const flags of bad) {
    assert.throws(
      () => resolveOpenFlags(flags as never, "/a"),
      (e: unknown) => e instanceof FsError && e.code === "EINVAL" && e.path === "/a",
      `flags ${JSON.stringify(flags)}`,
    );
  }
});
