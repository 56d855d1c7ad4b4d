/**
 * The store shared by submitters and workers: inputs named by their
 * content (stored once, whole or not at all), symlinks that lead out
 * refused, and a manifest that travels as data with store-relative paths
 * and comes back the same.
 */
import assert from "@std/assert";
import { validateManifest } from "../../src/sandbox/manifest/manifest.ts";
import { manifestData } from "../../src/sandbox/worker/manifest_data.ts";
import { InputStager } from "../../src/sandbox/worker/stage_inputs.ts";
import { StagingError, Store } from "../../src/sandbox/worker/store.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

async function tree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
}

Deno.test("an input is stored once, under its content's hash, with its inner symlinks", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    await tree(`${dir}/a`, { "notes.txt": "TODO one\n", "docs/guide.md": "# guide\n" });
    await Deno.symlink("../notes.txt", `${dir}/a/docs/link.txt`);
    await tree(`${dir}/b`, { "notes.txt": "TODO one\n", "docs/guide.md": "# guide\n" });
    await Deno.symlink("../notes.txt", `${dir}/b/docs/link.txt`);
    const a = await store.stage(`${dir}/a`);
    assert.match(a, /^inputs\/[0-9a-f]{64}$/);
    assert.equal(await store.stage(`${dir}/b`), a, "the same content, the same input");
    assert.equal(await Deno.readTextFile(`${store.root}/${a}/docs/link.txt`), "TODO one\n");
    assert.equal(await Deno.readLink(`${store.root}/${a}/docs/link.txt`), "../notes.txt");
    await Deno.writeTextFile(`${dir}/b/notes.txt`, "TODO two\n");
    assert.notEqual(await store.stage(`${dir}/b`), a, "other content, another input");
    const names = [...Deno.readDirSync(store.inputs)].map((e) => e.name);
    assert.equal(names.length, 2, `no staging folder left behind: ${names}`);
  });
});

Deno.test("staging the same content at once from two submitters leaves one whole input", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`f${i}.txt`] = `file ${i}\n`.repeat(100);
    await tree(`${dir}/src`, files);
    const [x, y] = await Promise.all([store.stage(`${dir}/src`), store.stage(`${dir}/src`)]);
    assert.equal(x, y);
    assert.equal([...Deno.readDirSync(`${store.root}/${x}`)].length, 50);
    assert.deepEqual([...Deno.readDirSync(store.inputs)].map((e) => e.name), [x.slice(7)]);
  });
});

Deno.test("a symlink that leads out, or a missing path, is refused and nothing is stored", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    await tree(`${dir}/p`, { "a.txt": "a\n" });
    await Deno.symlink("/etc/passwd", `${dir}/p/passwd`);
    await assert.rejects(() => store.stage(`${dir}/p`), StagingError, "leads out of its folder");
    await Deno.remove(`${dir}/p/passwd`);
    await Deno.symlink("../../outside", `${dir}/p/up`);
    await assert.rejects(() => store.stage(`${dir}/p`), StagingError, "leads out of its folder");
    await assert.rejects(() => store.stage(`${dir}/nope`), StagingError, "no such folder");
    await assert.rejects(() => store.stage(`${dir}`, ["nope.wasm"]), StagingError, "no such file");
    assert.deepEqual([...Deno.readDirSync(store.inputs)], []);
  });
});

Deno.test("a path is inside the inputs only when it is once every symlink is resolved", async () => {
  await withTempDir(async (dir) => {
    const store = await Store.open(`${dir}/store`);
    await tree(`${dir}/p`, { "a.txt": "a\n" });
    const input = `${store.root}/${await store.stage(`${dir}/p`)}`;
    assert.equal(await store.outsideInputs(`${input}/a.txt`), undefined);
    assert.match(
      await store.outsideInputs("/etc/passwd") ?? "",
      /leads outside the store's inputs/,
    );
    assert.match(await store.outsideInputs(`${input}/../../outputs`) ?? "", /leads outside/);
    assert.match(await store.outsideInputs(store.inputs) ?? "", /leads outside/);
    // Planted by someone with write access to the store: followed, and refused.
    await Deno.symlink("/etc", `${store.inputs}/planted`);
    assert.match(
      await store.outsideInputs(`${store.inputs}/planted/passwd`) ?? "",
      /\(\/etc\/passwd\)/,
    );
    assert.match(await store.outsideInputs(`${input}/missing`) ?? "", /does not exist/);
    assert.throws(() => store.outputDir("q", "../x"), TypeError, "not a job id");
    assert.throws(() => store.outputDir("a/b", "x"), TypeError, "not a queue name");
    assert.equal(store.outputDir("trials", "17"), `${store.root}/outputs/trials/17`);
  });
});

Deno.test("a manifest travels as data and comes back the same, its paths in the store", async () => {
  await withTempDir(async (dir) => {
    await tree(`${dir}/env`, {
      "project/a.txt": "a\n",
      "files/b.txt": "b\n",
      "agent/main.ts": "export default () => {};\n",
      "agent/lib.ts": "export const x = 1;\n",
      "stdin.txt": "in\n",
      "rec/cap.jsonl": "{}\n",
      "rec/cap-bodies/1.bin": "body",
    });
    const original = validateManifest(
      {
        task: { id: "t", type: "x", description: "d", input: { n: [1, 2] }, meta: { tag: "a" } },
        mounts: {
          "/task": "task",
          "/logs": { type: "logs", max_bytes: 1000 },
          "/tmp": "mem",
          "/w": { type: "workspace", path: "./project", mode: "cow" },
          "/m": { type: "map", dir: "./files" },
          "/f": { type: "map", files: { "x.txt": "x" } },
          "/cap/http": {
            type: "http",
            allow: ["api.example.com:443"],
            methods: ["GET"],
            max_request_bytes: 10,
            max_response_bytes: 20,
            secrets: { K: { env: "API_KEY", hosts: ["api.example.com"] } },
          },
          "/cap/ws": { type: "ws", allow: ["h:1"], max_inbox_messages: 3, max_inbox_bytes: 4 },
          "/cap/nostr": { type: "nostr", relays: ["ws://h:2"], key_env: "K", max_inbox_events: 5 },
        },
        program: { module: "./agent/main.ts", args: ["-v"], env: { A: "1" } },
        record: true,
        replay: "./rec/cap.jsonl",
        limits: { timeout: 5, memory: 128, threads: 8, disk: 2, max_output: 4096 },
      },
      `${dir}/env`,
    );
    const store = await Store.open(`${dir}/store`);
    const data = await new InputStager(store).manifest(original);
    const json = JSON.stringify(data);
    assert.ok(!json.includes(dir), `no host path travels: ${json}`);
    const back = validateManifest(JSON.parse(json), store.root);
    const inStore = (p: string) => p.startsWith(`${store.root}/inputs/`);
    assert.ok(inStore(back.program!.path) && back.program!.path.endsWith("/main.ts"));
    assert.equal(
      await Deno.readTextFile(back.program!.path.replace(/main\.ts$/, "lib.ts")),
      "export const x = 1;\n",
      "a module agent brings its folder",
    );
    assert.equal(
      await Deno.readTextFile(back.replay!.replace(/cap\.jsonl$/, "cap-bodies/1.bin")),
      "body",
    );
    const w = back.mounts["/w"];
    assert.ok(w.type === "workspace" && inStore(w.path));
    // Apart from the paths, the very same manifest.
    const same = (m: typeof original) => JSON.parse(JSON.stringify(manifestData(m, () => "P")));
    assert.deepEqual(same(back), same(original));
    await assert.rejects(
      () =>
        new InputStager(store).manifest(
          validateManifest({
            mounts: { "/n": { type: "nostr", relays: ["ws://h:2"], key_file: "./k" } },
          }, dir),
        ),
      StagingError,
      "a secret in a file is not sent through a queue",
    );
  });
});
