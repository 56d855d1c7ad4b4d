/**
 * The OANIX demo: `deno task demo`.
 *
 * Starts a small policy service on 127.0.0.1, runs the WASI agent of
 * examples/demo/env.yaml in a sandboxed child (only the permissions its
 * mounts imply), then prints the grant, the result, the events and the diff.
 */
import { explainManifest, loadManifest, runSandboxed } from "../../mod.ts";

const here = new URL(".", import.meta.url).pathname;
let policyRequests = 0;
const policy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
  policyRequests++;
  const path = new URL(req.url).pathname;
  return path === "/policy"
    ? new Response("src/main.c", { headers: { "content-type": "text/plain" } })
    : new Response("not found", { status: 404 });
});
const port = (policy.addr as Deno.NetAddr).port;

try {
  const manifest = await loadManifest(`${here}env.yaml`, { vars: { POLICY_PORT: String(port) } });
  console.log(`== policy service on http://127.0.0.1:${port}/policy\n`);
  console.log(explainManifest(manifest));
  console.log("== agent output (live)");
  const report = await runSandboxed(manifest, {
    outDir: "out/demo",
    onOutput: (_stream, text) =>
      Deno.stdout.writeSync(new TextEncoder().encode(text.replace(/^(?=.)/gm, "  | "))),
  });
  console.log(
    `\n== outcome: ${report.outcome} (exit ${report.exitCode}) in ${report.durationMs} ms`,
  );
  if (report.error) console.log(`   error: ${report.error}`);
  console.log(`   policy service saw ${policyRequests} request(s) from the agent`);
  console.log("\n== /task/result.json");
  console.log(JSON.stringify(report.result, null, 2));
  console.log("\n== events (logs/events.jsonl, permission checks collapsed)");
  const events = (await Deno.readTextFile(`${report.outDir}/logs/events.jsonl`)).trim().split("\n")
    .map((l) => JSON.parse(l));
  for (const e of events) {
    const count = e.data?.count > 1 ? ` (x${e.data.count})` : "";
    console.log(`  ${String(e.level).padEnd(5)} ${e.message}${count}`);
  }
  console.log("\n== workspace changes (the real sample folder is untouched)");
  console.log(await Deno.readTextFile(`${report.outDir}/changes.diff`));
  console.log(`== everything is in ${report.outDir}/`);
  if (report.exitCode !== 0) Deno.exitCode = report.exitCode;
} finally {
  await policy.shutdown();
}
