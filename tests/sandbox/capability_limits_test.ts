/**
 * What a manifest sets for the capabilities and the in-memory services
 * reaches the child: a host-held secret goes on the wire and never to the
 * agent, a response past the mount's limit fails cleanly, and writes past
 * limits.disk are ENOSPC.
 */
import assert from "@std/assert";
import { parseManifest, runSandboxed } from "../../mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const agent = new URL("./fixtures/secret_agent.ts", import.meta.url).pathname;

Deno.test("a run uses its host-held secret, its response limit and limits.disk", async () => {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/auth") {
        seen.push(req.headers.get("authorization") ?? "");
        return new Response(`you sent ${req.headers.get("authorization")}`);
      }
      return new Response(new Uint8Array(200_000));
    },
  );
  Deno.env.set("OANIX_TEST_API_KEY", "s3cret-value");
  try {
    await withTempDir(async (dir) => {
      const host = `127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
      const text = `task: { id: t, type: x, description: d, input: { url: "http://${host}" } }
mounts:
  /task: task
  /tmp: mem
  /cap/http:
    type: http
    allow: ["${host}"]
    max_response_bytes: 100000
    secrets: { API_KEY: { env: OANIX_TEST_API_KEY, hosts: ["${host}"] } }
program: { module: ${agent} }
limits: { timeout: 30, disk: 2 }
`;
      const report = await runSandboxed(parseManifest(text, dir), {
        outDir: `${dir}/out`,
      });
      assert.equal(report.outcome, "completed", report.error);
      const r = report.result as {
        auth: { status: number; body: string };
        big: { error?: string; kind?: string };
        disk: string;
      };
      // The secret went on the wire; what came back shows the agent its placeholder, not it.
      assert.deepEqual(seen, ["Bearer s3cret-value"]);
      assert.equal(r.auth.status, 200);
      assert.equal(r.auth.body, "you sent Bearer {{secret:API_KEY}}");
      assert.match(
        JSON.stringify(r.big),
        /response too large \(limit 100000 bytes\)/,
      );
      assert.equal(r.disk, "ENOSPC");
      const out = await Array.fromAsync(Deno.readDir(`${dir}/out`));
      for (const f of out.filter((e) => e.isFile)) {
        assert.ok(
          !(await Deno.readTextFile(`${dir}/out/${f.name}`)).includes(
            "s3cret-value",
          ),
        );
      }
      assert.ok(
        !(await Deno.readTextFile(`${dir}/out/logs/events.jsonl`)).includes(
          "s3cret-value",
        ),
      );
    });
  } finally {
    Deno.env.delete("OANIX_TEST_API_KEY");
    await server.shutdown();
  }
});
