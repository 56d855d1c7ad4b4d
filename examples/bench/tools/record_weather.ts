/**
 * Records the weather task's transcript: serves a tiny weather service on
 * 127.0.0.1:47123, runs the careful agent on the task with --record, and
 * copies the transcript to transcripts/weather.cap.jsonl. The benchmark
 * then replays it, offline.
 *
 *   deno run -A examples/bench/tools/record_weather.ts
 */
import { parseManifest, runSandboxed } from "../../../mod.ts";

const here = new URL("../", import.meta.url).pathname;
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 47123, onListen() {} },
  () => Response.json({ city: "Lisbon", temperature: 21, sky: "clear" }),
);
try {
  const out = await Deno.makeTempDir();
  const report = await runSandboxed(
    parseManifest(
      `task: { id: weather, type: weather, description: d, input: { url: "http://127.0.0.1:47123/today" } }
mounts:
  /task: task
  /cap/http: { type: http, allow: ["127.0.0.1:47123"], methods: [GET] }
program: { module: ./agents/careful.ts }
record: true
`,
      here,
    ),
    { outDir: out },
  );
  if (report.outcome !== "completed") throw new Error(report.error);
  await Deno.copyFile(report.transcript!, `${here}transcripts/weather.cap.jsonl`);
  console.log("recorded", report.result);
  await Deno.remove(out, { recursive: true });
} finally {
  await server.shutdown();
}
