import assert from "@std/assert";
import { unifiedDiff } from "../../mod.ts";

Deno.test("equal texts give an empty diff", () => {
  assert.equal(unifiedDiff("/a", "x\n", "x\n"), "");
});

Deno.test("a one-line change reads as a standard unified hunk", () => {
  assert.equal(
    unifiedDiff("/src/a.txt", "one\ntwo\nthree\n", "one\n2\nthree\n"),
    "--- a/src/a.txt\n+++ b/src/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n",
  );
});

Deno.test("added and deleted files diff against /dev/null", () => {
  assert.equal(unifiedDiff("/n", null, "new\n"), "--- /dev/null\n+++ b/n\n@@ -0,0 +1,1 @@\n+new\n");
  assert.equal(unifiedDiff("/o", "old\n", null), "--- a/o\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-old\n");
});

Deno.test("a missing final newline is marked", () => {
  assert.match(unifiedDiff("/f", "a\n", "a"), /\+a\n\\ No newline at end of file\n$/);
});

Deno.test("far-apart changes make separate hunks", () => {
  const before = Array.from({ length: 30 }, (_, i) => `l${i}`).join("\n") + "\n";
  const after = before.replace("l2\n", "L2\n").replace("l25\n", "L25\n");
  const hunks = unifiedDiff("/f", before, after).split("\n").filter((l) => l.startsWith("@@"));
  assert.deepEqual(hunks, ["@@ -1,6 +1,6 @@", "@@ -23,7 +23,7 @@"]);
});

Deno.test("random diffs apply cleanly with GNU patch", () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const text = () => {
    const lines = Array.from({ length: rnd(12) }, () => `l${rnd(5)}`);
    return lines.join("\n") + (lines.length && rnd(2) ? "\n" : "");
  };
  const dir = Deno.makeTempDirSync();
  try {
    for (let t = 0; t < 60; t++) {
      const a = text();
      const b = text();
      const diff = unifiedDiff("/f.txt", a, b, rnd(4));
      if (a === b) {
        assert.equal(diff, "");
        continue;
      }
      Deno.writeTextFileSync(`${dir}/f.txt`, a);
      Deno.writeTextFileSync(`${dir}/p.diff`, diff);
      const r = new Deno.Command("patch", { args: ["-s", "-p1", "-i", "p.diff"], cwd: dir })
        .outputSync();
      assert.ok(r.success, `patch failed for ${JSON.stringify({ a, b, diff })}`);
      assert.equal(Deno.readTextFileSync(`${dir}/f.txt`), b);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
