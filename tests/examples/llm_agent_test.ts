/**
 * The LLM agent example (examples/llm-agent) against its scripted model
 * on 127.0.0.1: the tool loop fixes the demo's sample project in a cow
 * workspace, the key stays on the host, and a missing key is refused.
 */
import assert from "@std/assert";
import { loadManifest, RunRefusedError, runSandboxed } from "../../mod.ts";
import { FAKE_KEY, tryWithFakeModel } from "../../examples/llm-agent/try_fake.ts";
import { startFakeModel } from "../../examples/llm-agent/fake_model.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const SAMPLE = new URL("../../examples/demo/sample/docs/notes.md", import.meta.url);
const MANIFEST = new URL("../../examples/llm-agent/env.yaml", import.meta.url).pathname;

Deno.test("the LLM agent fixes the sample's changelog TODO through its tools, and the diff shows it", async () => {
  await withTempDir(async (dir) => {
    const before = await Deno.readTextFile(SAMPLE);
    let output = "";
    const { report, model } = await tryWithFakeModel({
      outDir: `${dir}/out`,
      onOutput: (_s, t) => output += t,
    });
    assert.equal(report.outcome, "completed", report.error);
    assert.deepEqual(
      output.trim().split("\n").map((l) => l.split(" ")[2]),
      ["bash", "read", "edit", "finish"],
      "the model asked for grep, read, edit, finish; the agent ran each",
    );
    assert.equal(
      await Deno.readTextFile(`${dir}/out/changes.diff`),
      "--- a/workspace/docs/notes.md\n+++ b/workspace/docs/notes.md\n@@ -1,4 +1,4 @@\n" +
        " Release notes\n \n - nothing to do here\n-- TODO: write the changelog\n" +
        "+- 0.1.0: the first release; it prints its greeting\n",
    );
    assert.deepEqual(report.result, {
      summary:
        'Replaced the changelog TODO with "- 0.1.0: the first release; it prints its greeting".',
      turns: 4,
    });
    assert.equal(await Deno.readTextFile(SAMPLE), before, "the sample folder is untouched");
    // The key: held by the host, sent to the model, never seen by the agent.
    assert.equal(model.bodies.length, 4);
    assert.ok(model.authorizations.every((a) => a === `Bearer ${FAKE_KEY}`));
    assert.ok(model.bodies.every((b) => !b.includes(FAKE_KEY)));
    assert.ok(
      model.bodies[1].includes("docs/notes.md:4:- TODO: write the changelog"),
      "grep's output went back",
    );
    const logs = await Deno.readTextFile(`${dir}/out/logs/events.jsonl`);
    assert.ok(!logs.includes(FAKE_KEY) && !output.includes(FAKE_KEY));
  });
});

Deno.test("without the key on the host the run is refused before it starts", async () => {
  const model = startFakeModel();
  const previous = Deno.env.get("OANIX_MODEL_KEY");
  Deno.env.delete("OANIX_MODEL_KEY");
  try {
    const manifest = await loadManifest(MANIFEST, {
      vars: { MODEL_HOST: model.host, MODEL_URL: model.url, MODEL: "fake" },
    });
    const e = await runSandboxed(manifest, { outDir: "out/never" }).catch((e) => e);
    assert.ok(e instanceof RunRefusedError, String(e));
    assert.match(String(e.message), /OANIX_MODEL_KEY/);
    assert.equal(model.bodies.length, 0);
  } finally {
    if (previous !== undefined) Deno.env.set("OANIX_MODEL_KEY", previous);
    await model.close();
  }
});
