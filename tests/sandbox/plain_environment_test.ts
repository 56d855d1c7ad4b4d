import assert from "@std/assert";
import { readText, validateManifest } from "../../mod.ts";
import { buildNamespaceWith } from "../../src/sandbox/child/namespace_core.ts";
import { needsFullEnvironment } from "../../src/sandbox/runner/runtime_bundles.ts";

// A run gets the plain environment (files and services, module agents) unless its manifest
// needs capabilities, WASI or snapshots: the plain one loads a third less at every start.

const manifest = (data: Record<string, unknown>) => validateManifest(data, "/srv");

Deno.test("module agents over files and services run in the plain environment", () => {
  const m = manifest({
    task: { id: "t", type: "demo", description: "d" },
    mounts: { "/task": "task", "/logs": "logs", "/tmp": "mem", "/etc": { type: "map", files: {} } },
    program: { module: "agent.ts" },
  });
  assert.equal(needsFullEnvironment(m), false);
});

Deno.test("capabilities, WASI, record, replay and snapshots need the full environment", () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ["http", { mounts: { "/cap/http": { type: "http", allow: ["127.0.0.1:1"] } } }],
    ["ws", { mounts: { "/cap/ws": { type: "ws", allow: ["127.0.0.1:1"] } } }],
    ["nostr", { mounts: { "/cap/nostr": { type: "nostr", relays: ["ws://127.0.0.1:1"] } } }],
    ["wasi", { mounts: {}, program: { wasi: "a.wasm" } }],
    ["record", { mounts: {}, record: true }],
    ["replay", { mounts: {}, replay: "cap.jsonl" }],
    ["snapshot", { mounts: {}, snapshot: true }],
    ["restore", { mounts: {}, restore: "snapshot.tar" }],
  ];
  for (const [what, data] of cases) {
    assert.equal(needsFullEnvironment(manifest(data)), true, what);
  }
});

Deno.test("the plain builder builds files and services as the full one does", () => {
  const built = buildNamespaceWith(
    manifest({
      task: { id: "t", type: "demo", description: "d" },
      mounts: { "/task": "task", "/etc": { type: "map", files: { "/motd": "hi" } }, "/tmp": "mem" },
    }),
    {},
  );
  assert.equal(readText(built.namespace, "/etc/motd"), "hi");
  assert.ok(built.task !== undefined);
});

Deno.test("the plain builder refuses a capability mount or a snapshot, naming what is missing", () => {
  assert.throws(
    () =>
      buildNamespaceWith(manifest({ mounts: { "/cap/ws": { type: "ws", allow: ["h:1"] } } }), {}),
    Error,
    "a ws mount needs the capabilities",
  );
  assert.throws(
    () =>
      buildNamespaceWith(manifest({ mounts: { "/tmp": "mem" } }), { restore: new Uint8Array() }),
    Error,
    "starting from a snapshot needs the snapshot reader",
  );
});
