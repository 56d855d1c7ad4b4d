import assert from "@std/assert";
import { CLI_HELP, runCli } from "../../cli.ts";

function capture() {
  const io = {
    outText: "",
    errText: "",
    out: (t: string) => void (io.outText += t),
    err: (t: string) => void (io.errText += t),
  };
  return io;
}

async function withManifest<T>(
  text: string,
  fn: (path: string, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/env.yaml`, text);
    return await fn(`${dir}/env.yaml`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("--help prints the whole help and exits 0", async () => {
  const io = capture();
  assert.equal(await runCli(["--help"], io), 0);
  assert.equal(io.outText, CLI_HELP);
  for (const word of ["run", "explain", "check", "--out", "--json", "--apply", "124"]) {
    assert.ok(CLI_HELP.includes(word), word);
  }
});

Deno.test("usage errors exit 2 with a reason", async () => {
  for (
    const args of [[], ["frobnicate", "x"], ["run"], ["run", "a", "b"], ["run", "--bogus", "a"], [
      "run",
      "a",
      "--out",
    ]]
  ) {
    const io = capture();
    assert.equal(await runCli(args, io), 2, args.join(" "));
    assert.match(io.errText, /oanix/);
  }
});

Deno.test("check validates and explains the first bad field with its line", async () => {
  await withManifest(
    "mounts:\n  /tmp: mem\n  /w: { type: workspace, path: x, mode: bogus }\n",
    async (path) => {
      const io = capture();
      assert.equal(await runCli(["check", path], io), 2);
      assert.match(io.errText, /mounts\.\/w\.mode: expected one of rw, ro, cow \(line 3\)/);
    },
  );
  await withManifest("mounts:\n  /tmp: mem\n", async (path) => {
    const io = capture();
    assert.equal(await runCli(["check", path], io), 0);
    assert.match(io.outText, /ok \(1 mounts\)/);
  });
});

Deno.test("explain prints the table, the grant and the exact command", async () => {
  await withManifest(
    "mounts:\n  /tmp: mem\n  /w: { type: workspace, path: ./proj, mode: rw }\n  /cap/http: { type: http, allow: ['127.0.0.1:8080'] }\n",
    async (path, dir) => {
      const io = capture();
      assert.equal(await runCli(["explain", path], io), 0);
      assert.match(io.outText, /\/w\s+workspace\s+path=.*proj mode=rw/);
      assert.match(io.outText, new RegExp(`read:  ${dir}/proj`));
      assert.match(io.outText, new RegExp(`--allow-write=${dir}/proj`));
      assert.match(io.outText, /--allow-net=127\.0\.0\.1:8080/);
      assert.match(io.outText, /--no-prompt/);
      assert.doesNotMatch(io.outText, /--allow-(env|run|ffi|sys)/);
    },
  );
});

Deno.test("run writes the output folder and exits with the task's outcome", async () => {
  const agent = new URL("./fixtures/echo_agent.ts", import.meta.url).pathname;
  await withManifest(
    `task: { id: t, type: x, description: d, input: { word: hi } }\nmounts:\n  /task: task\n  /logs: logs\nprogram: { module: ${agent} }\n`,
    async (path, dir) => {
      const io = capture();
      const code = await runCli(["run", path, "--out", `${dir}/out`, "--json"], io);
      assert.equal(code, 0, io.errText);
      const report = JSON.parse(io.outText);
      assert.equal(report.outcome, "completed");
      assert.deepEqual(report.result, { echoed: "hi" });
      assert.match(io.errText, /echo agent says hi/);
      for (
        const f of [
          "result.json",
          "status.json",
          "logs/stdout.log",
          "logs/stderr.log",
          "logs/events.jsonl",
          "changes.json",
          "changes.diff",
        ]
      ) {
        await Deno.stat(`${dir}/out/${f}`);
      }
      assert.equal(await Deno.readTextFile(`${dir}/out/logs/stdout.log`), "echo agent says hi\n");
    },
  );
});

Deno.test("run of a failing agent exits 1 and says why", async () => {
  const agent = new URL("./fixtures/failing_agent.ts", import.meta.url).pathname;
  await withManifest(
    `task: { id: t, type: x, description: d }\nmounts:\n  /task: task\nprogram: { module: ${agent} }\n`,
    async (path, dir) => {
      const io = capture();
      assert.equal(await runCli(["run", path, "--out", `${dir}/out`], io), 1);
      assert.match(io.outText, /failed \(exit 1\).*the agent gave up on purpose/);
      const status = JSON.parse(await Deno.readTextFile(`${dir}/out/status.json`));
      assert.equal(status.task.status, "failed");
    },
  );
});

Deno.test("--apply commits a cow workspace only after a completed run", async () => {
  const agent = new URL("./fixtures/editing_agent.ts", import.meta.url).pathname;
  const text = (dir: string) =>
    `task: { id: t, type: x, description: d }\nmounts:\n  /task: task\n  /workspace: { type: workspace, path: ${dir}/ws, mode: cow }\nprogram: { module: ${agent} }\n`;
  await withManifest("mounts: {}\n", async (_p, dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/ws/a.txt`, "before\n");
    await Deno.writeTextFile(`${dir}/ws/gone.txt`, "bye\n");
    await Deno.writeTextFile(`${dir}/env.yaml`, text(dir));
    const dry = capture();
    assert.equal(
      await runCli(["run", `${dir}/env.yaml`, "--out", `${dir}/out1`], dry),
      0,
      dry.errText,
    );
    assert.equal(await Deno.readTextFile(`${dir}/ws/a.txt`), "before\n", "no --apply, no change");
    const diff = await Deno.readTextFile(`${dir}/out1/changes.diff`);
    assert.match(diff, /-before\n\+after/);
    const io = capture();
    assert.equal(
      await runCli(["run", `${dir}/env.yaml`, "--out", `${dir}/out2`, "--apply"], io),
      0,
    );
    assert.equal(await Deno.readTextFile(`${dir}/ws/a.txt`), "after\n");
    assert.equal(await Deno.readTextFile(`${dir}/ws/sub/new.txt`), "new\n");
    await assert.rejects(() => Deno.stat(`${dir}/ws/gone.txt`), Deno.errors.NotFound);
  });
});

Deno.test("--var fills placeholders; a missing one is a usage error naming it", async () => {
  await withManifest(
    "mounts:\n  /h: { type: http, allow: ['127.0.0.1:{{PORT}}'] }\n",
    async (path) => {
      let io = capture();
      assert.equal(await runCli(["explain", path, "--var", "PORT=8080"], io), 0, io.errText);
      assert.match(io.outText, /--allow-net=127\.0\.0\.1:8080/);
      io = capture();
      assert.equal(await runCli(["check", path], io), 2);
      assert.match(io.errText, /\{\{PORT\}\} has no value.*\(line 2\)/);
      io = capture();
      assert.equal(await runCli(["check", path, "--var", "nonsense"], io), 2);
      assert.match(io.errText, /--var needs NAME=VALUE/);
    },
  );
});
