import assert from "@std/assert";
import { parseManifest, permissionsFor } from "../../mod.ts";
import { flagsFor } from "../../src/sandbox/manifest/permissions.ts";

const grantOf = (yaml: string) => permissionsFor(parseManifest(yaml, "/srv"));

Deno.test("memory-only mounts get no grant at all", () => {
  const p = grantOf(
    "task: {id: t, type: x, description: d}\nmounts:\n  /task: task\n  /logs: logs\n  /tmp: mem\n  /m: { type: map, files: { /a: b } }\n",
  );
  assert.deepEqual(p.flags, [
    "--no-prompt",
    "--v8-flags=--max-old-space-size=2048",
  ]);
  assert.deepEqual(p.grant, { read: [], write: [], net: [], memoryMb: 2048 });
});

Deno.test("a read-write workspace gets read and write of its folder only", () => {
  const p = grantOf(
    "mounts:\n  /w: { type: workspace, path: ./proj, mode: rw }\n",
  );
  assert.deepEqual(p.flags, [
    "--no-prompt",
    "--allow-read=/srv/proj",
    "--allow-write=/srv/proj",
    "--v8-flags=--max-old-space-size=2048",
  ]);
});

Deno.test("a read-only or copy-on-write workspace gets read only", () => {
  for (const mode of ["ro", "cow"]) {
    const p = grantOf(
      `mounts:\n  /w: { type: workspace, path: /p, mode: ${mode} }\n`,
    );
    assert.deepEqual(p.flags, [
      "--no-prompt",
      "--allow-read=/p",
      "--v8-flags=--max-old-space-size=2048",
    ]);
  }
});

Deno.test("network grants come only from http, ws and nostr mounts, host by host", () => {
  const p = grantOf(
    "mounts:\n  /cap/http: { type: http, allow: ['127.0.0.1:8080', api.example.com] }\n  /cap/ws: { type: ws, allow: ['127.0.0.1:9000'] }\n  /cap/nostr: { type: nostr, relays: ['wss://relay.example', 'ws://127.0.0.1:7000'] }\n",
  );
  assert.deepEqual(p.grant.net, [
    "127.0.0.1:7000",
    "127.0.0.1:8080",
    "127.0.0.1:9000",
    "api.example.com",
    "relay.example:443",
  ]);
  assert.ok(p.flags.some((f) => f.startsWith("--allow-net=")));
});

Deno.test("no network mount means no --allow-net", () => {
  const p = grantOf("mounts:\n  /w: { type: workspace, path: /p, mode: rw }\n");
  assert.ok(!p.flags.some((f) => f.includes("net")));
});

Deno.test("the program file, stdin file and memory limit are granted, nothing else", () => {
  const p = grantOf(
    "mounts: {}\nprogram: { wasi: bin/a.wasm, stdin_file: in.txt }\nlimits: { memory: 128 }\n",
  );
  assert.deepEqual(p.flags, [
    "--no-prompt",
    "--allow-read=/srv/bin/a.wasm,/srv/in.txt",
    "--v8-flags=--max-old-space-size=128",
  ]);
  for (const f of p.flags) {
    assert.doesNotMatch(f, /allow-(env|run|ffi|sys|import|all)/);
  }
});

Deno.test("flagsFor refuses paths and hosts that would split the flag", () => {
  assert.throws(
    () => flagsFor({ read: ["/a,b"], write: [], net: [] }),
    /comma/,
  );
  assert.throws(
    () => flagsFor({ read: [], write: [], net: ["a,b.example:22"] }),
    /comma/,
  );
});

Deno.test("permissionsFor refuses what is not a manifest", () => {
  assert.throws(() => permissionsFor(null as never), TypeError);
});
