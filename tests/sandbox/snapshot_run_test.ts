/**
 * Runs that save and start from snapshots: `snapshot: true` writes the
 * mounts' final state as the output's snapshot.tar; `restore: FILE` starts
 * a run from it (its files, over the same folders), as a new attempt at
 * the task. An archive that does not fit the manifest is refused before
 * anything starts.
 */
import assert from "@std/assert";
import { inspectSnapshot, parseManifest, RunRefusedError, runSandboxed } from "../../mod.ts";
import { runCli } from "../../cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

function manifest(script: string, extra = "", mounts = ""): string {
  return `task: { id: step, type: step, description: one step }
mounts:
  /task: task
  /tmp: mem
  /workspace: { type: workspace, path: ./project, mode: cow }
${mounts}program:
  shell: |
${script.replace(/^/gm, "    ")}
${extra}`;
}

const FIRST = "echo v2 >> a.txt\necho scratch > /tmp/notes\necho '\"first\"' > /task/result.json";
const SECOND = "cat a.txt /tmp/notes > /task/result.json\necho v3 >> a.txt";

async function firstStep(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/project`);
  await Deno.writeTextFile(`${dir}/project/a.txt`, "v1\n");
  const r = await runSandboxed(parseManifest(manifest(FIRST, "snapshot: true"), dir), {
    outDir: `${dir}/first`,
  });
  assert.equal(r.outcome, "completed", r.error);
  assert.equal(r.snapshot, `${dir}/first/snapshot.tar`);
  return r.snapshot!;
}

async function refusal(dir: string, text: string): Promise<string[]> {
  const e = await runSandboxed(parseManifest(text, dir), { outDir: `${dir}/refused` }).catch((
    e,
  ) => e);
  assert.ok(e instanceof RunRefusedError, String(e));
  return (e as RunRefusedError).problems.filter((p) => p.field === "restore").map((p) => p.problem);
}

Deno.test("a run saves its final state; the next starts from it and carries on", async () => {
  await withTempDir(async (dir) => {
    const archive = await firstStep(dir);
    const info = inspectSnapshot(await Deno.readFile(archive));
    assert.deepEqual(info.mounts.map((m) => [m.path, m.service]), [
      ["/task", "task"],
      ["/tmp", "mem"],
      ["/workspace", "cow"],
    ]);
    const second = (out: string) =>
      runSandboxed(parseManifest(manifest(SECOND, `restore: ${archive}`), dir), {
        outDir: `${dir}/${out}`,
      });
    const r = await second("second");
    assert.equal(r.outcome, "completed", r.error);
    assert.equal(r.result, "v1\nv2\nscratch\n", "the saved files, and this attempt's result");
    assert.equal(await Deno.readTextFile(`${dir}/second/result.json`), "v1\nv2\nscratch\n");
    assert.match(
      await Deno.readTextFile(`${dir}/second/changes.diff`),
      /@@ -1,1 \+1,3 @@\n v1\n\+v2\n\+v3\n/,
    );
    assert.equal(
      await Deno.readTextFile(`${dir}/project/a.txt`),
      "v1\n",
      "the folder is untouched",
    );
    assert.ok(r.permissions.grant.read.includes(archive), "the child reads the archive");

    const again = await second("again");
    assert.equal(again.outcome, "completed", again.error);
    assert.equal(
      await Deno.readTextFile(`${dir}/again/changes.json`),
      await Deno.readTextFile(`${dir}/second/changes.json`),
      "two runs from one snapshot see the same world",
    );
  });
});

Deno.test("an archive that does not fit the manifest is refused before the run", async () => {
  await withTempDir(async (dir) => {
    const archive = await firstStep(dir);
    const restore = `restore: ${archive}`;

    const extra = await refusal(dir, manifest(SECOND, restore, "  /more: mem\n"));
    assert.deepEqual(extra, [`${archive}: it has no mount at /more`]);

    const retyped = manifest(SECOND, restore).replace(
      "/tmp: mem",
      "/tmp: { type: map, files: {} }",
    );
    assert.deepEqual(await refusal(dir, retyped), [
      `${archive}: /tmp was mem when saved; the manifest mounts map there`,
    ]);

    await Deno.writeTextFile(`${dir}/project/b.txt`, "new\n");
    const [moved] = await refusal(dir, manifest(SECOND, restore));
    assert.match(moved, /\/workspace: .*\/project is not the folder the snapshot was taken over/);
    await Deno.remove(`${dir}/project/b.txt`);

    const bytes = await Deno.readFile(archive);
    const cut = `${dir}/cut.tar`;
    await Deno.writeFile(cut, bytes.subarray(0, bytes.length - 700));
    const [truncated] = await refusal(dir, manifest(SECOND, `restore: ${cut}`));
    assert.match(truncated, /not a usable snapshot \((truncated|corrupt)\)/);

    const [missing] = await refusal(dir, manifest(SECOND, `restore: ${dir}/none.tar`));
    assert.match(missing, /no such file: .*none\.tar/);
  });
});

Deno.test("the CLI saves and restores with --snapshot and --restore; explain says so", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/project`);
    await Deno.writeTextFile(`${dir}/project/a.txt`, "v1\n");
    await Deno.writeTextFile(`${dir}/one.yaml`, manifest(FIRST));
    await Deno.writeTextFile(`${dir}/two.yaml`, manifest(SECOND));
    let out = "";
    const io = { out: (t: string) => out += t, err: () => {} };
    const saved = await runCli(
      ["run", `${dir}/one.yaml`, "--snapshot", "--out", `${dir}/o1`, "-q"],
      io,
    );
    assert.equal(saved, 0, out);
    assert.match(out, /\[oanix\] final state: .*\/o1\/snapshot\.tar/);
    out = "";
    assert.equal(
      await runCli(["explain", `${dir}/two.yaml`, "--restore", `${dir}/o1/snapshot.tar`], io),
      0,
    );
    assert.match(out, /State:\n {2}starts from: {2}the snapshot .*\/o1\/snapshot\.tar\n/);
    out = "";
    assert.equal(
      await runCli(["explain", `${dir}/two.yaml`, "--json", "--snapshot"], io),
      0,
    );
    assert.deepEqual(JSON.parse(out).state, {
      restore: null,
      snapshot: true,
      replay: null,
      record: false,
    });
    out = "";
    const code = await runCli(
      ["run", `${dir}/two.yaml`, "--restore", `${dir}/o1/snapshot.tar`, "--out", `${dir}/o2`, "-q"],
      io,
    );
    assert.equal(code, 0, out);
    assert.equal(await Deno.readTextFile(`${dir}/o2/result.json`), "v1\nv2\nscratch\n");
  });
});
