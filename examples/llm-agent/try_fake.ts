/**
 * The LLM agent example against the scripted model of fake_model.ts, with
 * no key and no network: `deno run -A examples/llm-agent/try_fake.ts`.
 * It prints the agent's turns, its result and the diff of what it changed
 * (the real sample folder is untouched).
 *
 * @module
 */

import { loadManifest, type RunReport, runSandboxed } from "../../mod.ts";
import { type FakeModel, startFakeModel } from "./fake_model.ts";

const here = new URL(".", import.meta.url).pathname;

/** The key the host holds for the fake model (any bearer key does). */
export const FAKE_KEY = "sk-oanix-example-not-a-real-key";

/**
 * Runs the example against a fresh fake model; resolves with the report
 * and what the model saw.
 *
 * @example
 * ```ts ignore
 * const { report } = await tryWithFakeModel({ outDir: "out/llm-agent" });
 * ```
 */
export async function tryWithFakeModel(
  options: { outDir?: string; onOutput?: (stream: string, text: string) => void } = {},
): Promise<{ report: RunReport; model: FakeModel }> {
  const model = startFakeModel();
  const previous = Deno.env.get("OANIX_MODEL_KEY");
  Deno.env.set("OANIX_MODEL_KEY", FAKE_KEY);
  try {
    const manifest = await loadManifest(`${here}env.yaml`, {
      vars: { MODEL_HOST: model.host, MODEL_URL: model.url, MODEL: "fake-model" },
    });
    const report = await runSandboxed(manifest, {
      outDir: options.outDir ?? "out/llm-agent",
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    });
    return { report, model };
  } finally {
    if (previous === undefined) Deno.env.delete("OANIX_MODEL_KEY");
    else Deno.env.set("OANIX_MODEL_KEY", previous);
    await model.close();
  }
}

if (import.meta.main) {
  const { report, model } = await tryWithFakeModel({
    onOutput: (_stream, text) => Deno.stdout.writeSync(new TextEncoder().encode(text)),
  });
  console.log(
    `\n== ${report.outcome} in ${report.durationMs} ms; ${model.bodies.length} model calls`,
  );
  if (report.error) console.log(`   error: ${report.error}`);
  console.log(`== result: ${JSON.stringify(report.result)}`);
  console.log(`== changes.diff\n${await Deno.readTextFile(`${report.outDir}/changes.diff`)}`);
  if (report.exitCode !== 0) Deno.exitCode = report.exitCode;
}
