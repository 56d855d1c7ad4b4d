/**
 * `deno task oanix` works in the user's folder: paths on the command line
 * and the default output folder are relative to where the user stands, not
 * to the repository (deno task runs in deno.json's folder; INIT_CWD says
 * where it was started).
 */
import assert from "@std/assert";
import { withTempDir } from "../helpers/temp_dir.ts";

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const echoAgent = new URL("./fixtures/echo_agent.ts", import.meta.url).pathname;

function withoutInitCwd(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.INIT_CWD;
  return env;
}

Deno.test("deno task oanix resolves the manifest and out/ from the user's folder", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/env.yaml`,
      `task: { id: t, type: x, description: d, input: { word: here } }\nmounts:\n  /task: task\nprogram: { module: ${echoAgent} }\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--config", CONFIG, "oanix", "run", "env.yaml", "--quiet"],
      cwd: dir,
      // As from the user's own shell: not under another task, whose INIT_CWD would be kept.
      clearEnv: true,
      env: { ...withoutInitCwd(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    const runs = [...Deno.readDirSync(`${dir}/out`)];
    assert.equal(runs.length, 1, "one run folder under the user's out/");
    const result = JSON.parse(
      await Deno.readTextFile(`${dir}/out/${runs[0].name}/result.json`),
    );
    assert.deepEqual(result, { echoed: "here" });
  });
});

Deno.test("the CLI outside its task ignores an INIT_CWD it inherited", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/env.yaml`,
      `mounts:\n  /tmp: mem\nprogram: { module: ${echoAgent} }\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../cli.ts", import.meta.url).pathname,
        "check",
        "env.yaml",
      ],
      cwd: dir,
      env: { INIT_CWD: "/", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  });
});
