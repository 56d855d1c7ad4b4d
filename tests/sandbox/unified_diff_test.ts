import assert from "@std/assert";
import { changesDiff, unifiedDiff } from "../../mod.ts";
import { diffName } from "../../src/sandbox/runner/unified_diff.ts";

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
  assert.equal(
    unifiedDiff("/n", null, "new\n"),
    "--- /dev/null\n+++ b/n\n@@ -0,0 +1,1 @@\n+new\n",
  );
  assert.equal(
    unifiedDiff("/o", "old\n", null),
    "--- a/o\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-old\n",
  );
});

Deno.test("a missing final newline is marked", () => {
  assert.match(
    unifiedDiff("/f", "a\n", "a"),
    /\+a\n\\ No newline at end of file\n$/,
  );
});

Deno.test("far-apart changes make separate hunks", () => {
  const before = Array.from({ length: 30 }, (_, i) => `l${i}`).join("\n") +
    "\n";
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
      const r = new Deno.Command("patch", {
        args: ["-s", "-p1", "-i", "p.diff"],
        cwd: dir,
      })
        .outputSync();
      assert.ok(
        r.success,
        `patch failed for ${JSON.stringify({ a, b, diff })}`,
      );
      assert.equal(Deno.readTextFileSync(`${dir}/f.txt`), b);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("past the edit cap a file is shown replaced whole, and the diff still applies", () => {
  const before = Array.from({ length: 300 }, (_, i) => `a${i}`).join("\n") +
    "\n";
  const after = Array.from({ length: 300 }, (_, i) => `b${i}`).join("\n");
  const diff = unifiedDiff("/f.txt", before, after, { maxEditLength: 10 });
  const hunks = diff.split("\n").filter((l) => l.startsWith("@@"));
  assert.deepEqual(hunks, ["@@ -1,300 +1,300 @@"]);
  assert.match(diff, /\+b299\n\\ No newline at end of file\n$/);
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/f.txt`, before);
    Deno.writeTextFileSync(`${dir}/p.diff`, diff);
    const r = new Deno.Command("patch", {
      args: ["-s", "-p1", "-i", "p.diff"],
      cwd: dir,
    })
      .outputSync();
    assert.ok(r.success, new TextDecoder().decode(r.stderr));
    assert.equal(Deno.readTextFileSync(`${dir}/f.txt`), after);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("past the replacement size a changed file is one line with its sizes", () => {
  const diff = unifiedDiff("/big.txt", "x\n".repeat(100), "y\n".repeat(120), {
    maxEditLength: 5,
    maxReplacementBytes: 100,
  });
  assert.equal(
    diff,
    "Files a/big.txt and b/big.txt differ (200 → 240 bytes)\n",
  );
});

Deno.test("a name with a newline or a quote is C-quoted, so it cannot forge a header", () => {
  assert.equal(diffName("a/plain name.txt"), "a/plain name.txt");
  assert.equal(diffName('a/x\n+++ b/evil"\\'), '"a/x\\n+++ b/evil\\"\\\\"');
  const diff = unifiedDiff("/x\n+++ b/etc/passwd", "1\n", "2\n");
  assert.equal(diff.split("\n").filter((l) => l.startsWith("+++")).length, 1);
});

Deno.test("changesDiff stops at its size cap and says how many files it left out", () => {
  const b64 = (t: string) => new TextEncoder().encode(t).toBase64();
  const changes = ["/a", "/b", "/c"].map((path) => ({
    mount: "/w",
    path,
    change: "added" as const,
    kind: "file" as const,
    afterBase64: b64("line\n".repeat(20)),
  }));
  const full = changesDiff(changes);
  const capped = changesDiff(changes, { maxBytes: Math.ceil(full.length / 2) });
  assert.match(capped, /^--- \/dev\/null\n\+\+\+ b\/w\/a\n/);
  assert.match(capped, /# 2 more changed file\(s\) not shown/);
  assert.ok(capped.length < full.length);
});
