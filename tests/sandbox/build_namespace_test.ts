import assert from "@std/assert";
import {
  buildNamespace,
  CowFs,
  describeMounts,
  HttpFs,
  LogsFs,
  parseManifest,
  readText,
  TaskFs,
  validateManifest,
  writeText,
} from "../../mod.ts";

async function withWorkspace<T>(
  fn: (dir: string) => T | Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/ws/a.txt`, "A");
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const MANIFEST = (dir: string) =>
  `task: { id: t1, type: demo, description: d, input: { n: 1 } }
mounts:
  /task: task
  /logs: { type: logs, max_bytes: 4096 }
  /tmp: mem
  /etc: { type: map, files: { /motd: hello } }
  /workspace: { type: workspace, path: ${dir}/ws, mode: cow }
  /real: { type: workspace, path: ${dir}/ws, mode: ro }
  /cap/http: { type: http, allow: ["127.0.0.1:8080"], methods: [GET] }
  /cap/ws: { type: ws, allow: ["127.0.0.1:9000"] }
`;

Deno.test("a manifest builds the namespace it describes", async () => {
  await withWorkspace((dir) => {
    const built = buildNamespace(parseManifest(MANIFEST(dir), dir));
    const ns = built.namespace;
    assert.ok(built.task instanceof TaskFs);
    assert.ok(built.logs instanceof LogsFs);
    assert.ok(built.http instanceof HttpFs);
    assert.ok(built.cows.get("/workspace") instanceof CowFs);
    assert.equal(JSON.parse(readText(ns, "/task/spec.json")).id, "t1");
    assert.equal(readText(ns, "/etc/motd"), "hello");
    writeText(ns, "/workspace/a.txt", "changed");
    assert.equal(
      Deno.readTextFileSync(`${dir}/ws/a.txt`),
      "A",
      "cow never writes through",
    );
    assert.throws(() => writeText(ns, "/real/a.txt", "x"), /EROFS/);
    assert.deepEqual(ns.readdir("/cap").map((e) => e.name), ["http", "ws"]);
  });
});

Deno.test("describe → manifest → build → describe is a fixed point", async () => {
  await withWorkspace((dir) => {
    const first = buildNamespace(parseManifest(MANIFEST(dir), dir));
    const described = describeMounts(first.namespace);
    const again = validateManifest(
      { task: { id: "t1", type: "demo", description: "d" }, mounts: described },
      dir,
    );
    assert.deepEqual(
      describeMounts(buildNamespace(again).namespace),
      described,
    );
    assert.deepEqual(described["/workspace"], {
      type: "workspace",
      path: `${dir}/ws`,
      mode: "cow",
    });
    assert.deepEqual(described["/cap/http"], {
      type: "http",
      allow: ["127.0.0.1:8080"],
      methods: ["GET"],
    });
    assert.deepEqual(described["/etc"], {
      type: "map",
      files: { "/motd": "hello" },
    });
    assert.deepEqual(described["/logs"], { type: "logs", max_bytes: 4096 });
  });
});

Deno.test("a nostr mount uses the host's key and adds its relays", () => {
  const m = validateManifest({
    mounts: {
      "/cap/nostr": { type: "nostr", relays: ["ws://127.0.0.1:7777"] },
    },
  }, "/");
  const built = buildNamespace(m, { nostrKeyHex: "11".repeat(32) });
  assert.equal(built.nostr!.relays()[0].url, "ws://127.0.0.1:7777/");
  const again = buildNamespace(m, { nostrKeyHex: "11".repeat(32) });
  assert.equal(built.nostr!.pubkey(), again.nostr!.pubkey());
  assert.deepEqual(describeMounts(built.namespace)["/cap/nostr"], {
    type: "nostr",
    relays: ["ws://127.0.0.1:7777/"],
  });
});

Deno.test("a missing workspace folder is a clear error", () => {
  const m = validateManifest({
    mounts: { "/w": { type: "workspace", path: "/nonexistent-oanix" } },
  }, "/");
  assert.throws(() => buildNamespace(m), /nonexistent-oanix/);
});
