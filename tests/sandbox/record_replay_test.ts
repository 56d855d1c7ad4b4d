/**
 * A recorded world: a run records its capability exchanges into cap.jsonl;
 * runs under that transcript need no network (none is granted, and the
 * server is gone) and give byte-identical results, changes and
 * transcripts; what the transcript lacks fails clearly.
 */
import assert from "@std/assert";
import { parseManifest, runSandboxed } from "../../mod.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const agent = new URL("./fixtures/weather_agent.ts", import.meta.url).pathname;

function manifest(dir: string, host: string, url: string, extra = ""): string {
  return `task: { id: w, type: weather, description: d, input: { url: "${url}" } }
mounts:
  /task: task
  /workspace: { type: workspace, path: ${dir}/ws, mode: cow }
  /cap/http: { type: http, allow: ["${host}"] }
program: { module: ${agent} }
limits: { timeout: 30 }
${extra}`;
}

Deno.test("a recorded run replays byte for byte with the network gone", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => Response.json({ temperature: 21, sky: "clear" }),
    );
    const host = `127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
    const url = `http://${host}/today`;
    const recorded = await runSandboxed(
      parseManifest(manifest(dir, host, url, "record: true\n"), dir),
      { outDir: `${dir}/recorded` },
    );
    await server.shutdown();
    assert.equal(recorded.outcome, "completed", recorded.error);
    assert.equal(recorded.transcript, `${dir}/recorded/cap.jsonl`);
    assert.match(
      await Deno.readTextFile(`${dir}/recorded/cap.jsonl`),
      /"temperature\\?":21/,
    );

    const replays = [];
    for (const name of ["one", "two"]) {
      const text = manifest(
        dir,
        host,
        url,
        `record: true\nreplay: ${dir}/recorded/cap.jsonl\n`,
      );
      const r = await runSandboxed(parseManifest(text, dir), {
        outDir: `${dir}/${name}`,
      });
      assert.equal(r.outcome, "completed", r.error);
      assert.deepEqual(
        r.permissions.grant.net,
        [],
        "a replay is granted no network",
      );
      assert.ok(!r.command.some((a) => a.startsWith("--allow-net")));
      replays.push(r);
    }
    assert.deepEqual(replays[0].result, recorded.result);
    for (
      const file of ["result.json", "changes.json", "changes.diff", "cap.jsonl"]
    ) {
      const a = await Deno.readFile(`${dir}/one/${file}`);
      const b = await Deno.readFile(`${dir}/two/${file}`);
      assert.deepEqual(a, b, `${file} is the same in both replays`);
    }
    assert.match(
      await Deno.readTextFile(`${dir}/one/changes.diff`),
      /temperature/,
    );
  });
});

Deno.test("a request the transcript lacks fails as not in transcript, and the host says so", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response("x"),
    );
    const host = `127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
    await runSandboxed(
      parseManifest(
        manifest(dir, host, `http://${host}/a`, "record: true\n"),
        dir,
      ),
      {
        outDir: `${dir}/rec`,
      },
    );
    await server.shutdown();
    const text = manifest(
      dir,
      host,
      `http://${host}/b`,
      `replay: ${dir}/rec/cap.jsonl\n`,
    );
    const r = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/miss`,
    });
    assert.equal(r.outcome, "completed", r.error);
    assert.match(JSON.stringify(r.result), /not in transcript/);
    assert.ok(
      r.hostEvents.some((e) => /not in transcript/.test(String(e.message))),
    );
  });
});

Deno.test("a transcript that is missing or not one is refused before the run", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/bad.jsonl`, "not json\n");
    for (
      const [file, why] of [["gone.jsonl", /no such file/], [
        "bad.jsonl",
        /not a transcript/,
      ]] as const
    ) {
      const text = manifest(
        dir,
        "127.0.0.1:9",
        "http://127.0.0.1:9/",
        `replay: ${dir}/${file}\n`,
      );
      await assert.rejects(
        () => runSandboxed(parseManifest(text, dir), { outDir: `${dir}/o` }),
        Error,
        "replay",
      );
      try {
        await runSandboxed(parseManifest(text, dir), { outDir: `${dir}/o` });
      } catch (e) {
        assert.match((e as Error).message, why);
      }
    }
  });
});
