import assert from "@std/assert";
import { CLI_HELP, runCli } from "../../cli.ts";
import { COMMAND_HELP } from "../../src/sandbox/cli/help.ts";
import { VERSION } from "../../src/sandbox/cli/version.ts";

const echoAgent = new URL("./fixtures/echo_agent.ts", import.meta.url).pathname;

function capture(isTerminal = false) {
  const io = {
    isTerminal,
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
  for (
    const word of [
      "run",
      "explain",
      "check",
      "--out",
      "--json",
      "--apply",
      "124",
    ]
  ) {
    assert.ok(CLI_HELP.includes(word), word);
  }
});

Deno.test("usage errors exit 2 with one line of reason and where to look, not the whole help", async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /no command\nTry 'oanix --help'/],
    [["frobnicate", "x"], /unknown command frobnicate/],
    [["run"], /give the manifest file\nTry 'oanix run --help'/],
    [["run", "a", "b"], /unexpected argument b/],
    [["run", "--bogus", "a"], /unknown option --bogus/],
    [["run", "a", "--out"], /--out needs a value/],
    [["check", "a", "--apply"], /oanix check does not take --apply/],
    [["explain", "a", "--out", "x"], /oanix explain does not take --out/],
  ];
  for (const [args, reason] of cases) {
    const io = capture();
    assert.equal(await runCli(args, io), 2, args.join(" "));
    assert.match(io.errText, reason, args.join(" "));
    assert.ok(
      io.errText.trim().split("\n").length <= 2,
      `short: ${io.errText}`,
    );
    assert.ok(
      !io.errText.includes("Commands:"),
      "the whole help is not printed",
    );
  }
});

Deno.test("--version prints the package version, the same as deno.json", async () => {
  const io = capture();
  assert.equal(await runCli(["--version"], io), 0);
  assert.equal(io.outText, `oanix ${VERSION} (deno ${Deno.version.deno})\n`);
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  assert.equal(VERSION, config.version);
});

Deno.test("each command has its own --help", async () => {
  for (const command of ["run", "explain", "check"] as const) {
    const io = capture();
    assert.equal(await runCli([command, "--help"], io), 0);
    assert.equal(io.outText, COMMAND_HELP[command]);
    assert.match(io.outText, new RegExp(`^Usage: oanix ${command}`));
  }
});

Deno.test("check lists every problem with its field and line, and passes a runnable manifest", async () => {
  await withManifest(
    "mounts:\n  /tmp: mem\n  /w: { type: workspace, path: x, mode: bogus }\nlimits: { timeout: -1 }\n",
    async (path) => {
      const io = capture();
      assert.equal(await runCli(["check", path], io), 2);
      assert.match(
        io.errText,
        /mounts\.\/w\.mode: expected one of rw, ro, cow \(line 3\)/,
      );
      assert.match(
        io.errText,
        /limits\.timeout: expected a number ≥ 0\.001, got number -1 \(line 4\)/,
      );
    },
  );
  await withManifest(
    `mounts:\n  /tmp: mem\nprogram: { module: ${echoAgent} }\n`,
    async (path) => {
      const io = capture();
      assert.equal(await runCli(["check", path], io), 0, io.errText);
      assert.match(io.outText, /ok \(1 mounts, a module program\)/);
      const json = capture();
      assert.equal(await runCli(["check", path, "--json"], json), 0);
      assert.deepEqual(JSON.parse(json.outText), {
        ok: true,
        file: path,
        mounts: 1,
        program: "module",
      });
    },
  );
});

Deno.test("errors are JSON with --json: usage, manifest and refusals", async () => {
  let io = capture();
  assert.equal(await runCli(["run", "--json"], io), 2);
  assert.equal(JSON.parse(io.outText).error.kind, "usage");
  io = capture();
  assert.equal(
    await runCli(["check", "/nonexistent/env.yaml", "--json"], io),
    2,
  );
  const err = JSON.parse(io.outText);
  assert.equal(err.ok, false);
  assert.equal(err.error.kind, "manifest");
  assert.match(err.error.problems[0].problem, /no such file/);
  await withManifest(
    "mounts:\n  /w: { type: workspace, path: ./missing }\n",
    async (path) => {
      io = capture();
      assert.equal(await runCli(["run", path, "--json"], io), 2);
      const refused = JSON.parse(io.outText).error;
      assert.equal(refused.kind, "refused");
      assert.deepEqual(
        refused.problems.map((p: { field: string }) => p.field),
        [
          "mounts./w.path",
          "program",
        ],
      );
      assert.equal(refused.problems[0].line, 2);
    },
  );
});

Deno.test("explain --json describes mounts, grant and command in snake_case", async () => {
  await withManifest(
    "mounts:\n  /w: { type: workspace, path: ./proj, mode: rw }\nlimits: { memory: 64 }\n",
    async (path, dir) => {
      const io = capture();
      assert.equal(await runCli(["explain", path, "--json"], io), 0);
      const e = JSON.parse(io.outText);
      assert.deepEqual(e.mounts, [{
        point: "/w",
        type: "workspace",
        detail: { path: `${dir}/proj`, mode: "rw" },
      }]);
      assert.deepEqual(e.permissions, {
        read: [`${dir}/proj`],
        write: [`${dir}/proj`],
        net: [],
        memory_mb: 64,
      });
      assert.equal(e.command[0], "deno");
      assert.ok(e.command.includes("--no-remote"));
    },
  );
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
      const code = await runCli(
        ["run", path, "--out", `${dir}/out`, "--json"],
        io,
      );
      assert.equal(code, 0, io.errText);
      const report = JSON.parse(io.outText);
      assert.equal(report.outcome, "completed");
      assert.deepEqual(report.result, { echoed: "hi" });
      // One naming convention: the report's keys are snake_case, as in status.json.
      for (const key of Object.keys(report)) {
        assert.match(key, /^[a-z]+(_[a-z]+)*$/, key);
      }
      assert.equal(report.out_dir, `${dir}/out`);
      const status = JSON.parse(
        await Deno.readTextFile(`${dir}/out/status.json`),
      );
      for (const key of Object.keys(status)) {
        assert.match(key, /^[a-z]+(_[a-z]+)*$/, key);
      }
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
      assert.equal(
        await Deno.readTextFile(`${dir}/out/logs/stdout.log`),
        "echo agent says hi\n",
      );
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
      assert.match(
        io.outText,
        /failed \(exit 1\).*the agent gave up on purpose/,
      );
      const status = JSON.parse(
        await Deno.readTextFile(`${dir}/out/status.json`),
      );
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
    assert.equal(
      await Deno.readTextFile(`${dir}/ws/a.txt`),
      "before\n",
      "no --apply, no change",
    );
    const diff = await Deno.readTextFile(`${dir}/out1/changes.diff`);
    assert.match(diff, /-before\n\+after/);
    const io = capture();
    assert.equal(
      await runCli([
        "run",
        `${dir}/env.yaml`,
        "--out",
        `${dir}/out2`,
        "--apply",
      ], io),
      0,
    );
    assert.equal(await Deno.readTextFile(`${dir}/ws/a.txt`), "after\n");
    assert.equal(await Deno.readTextFile(`${dir}/ws/sub/new.txt`), "new\n");
    await assert.rejects(
      () => Deno.stat(`${dir}/ws/gone.txt`),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("--var fills placeholders; a missing one is a usage error naming it", async () => {
  await withManifest(
    "mounts:\n  /h: { type: http, allow: ['127.0.0.1:{{PORT}}'] }\n",
    async (path) => {
      let io = capture();
      assert.equal(
        await runCli(["explain", path, "--var", "PORT=8080"], io),
        0,
        io.errText,
      );
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

Deno.test("progress: a line per phase off a terminal, one redrawn line on one, none with --quiet", async () => {
  await withManifest(
    `task: { id: t, type: x, description: d, input: { word: hi } }\nmounts:\n  /task: task\n  /logs: logs\nprogram: { module: ${echoAgent} }\nlimits: { timeout: 30 }\n`,
    async (path, dir) => {
      const plain = capture();
      assert.equal(
        await runCli(["run", path, "--out", `${dir}/o1`], plain),
        0,
        plain.errText,
      );
      const phases = plain.errText.split("\n").filter((l) => l.startsWith("[oanix]"))
        .map((l) => l.replace(/ \d+\.\d s \/ 30\.0 s .*/, ""));
      assert.deepEqual(phases, [
        "[oanix] starting",
        "[oanix] running",
        "[oanix] collecting changes",
      ]);
      assert.match(
        plain.errText,
        /running \d+\.\d s \/ 30\.0 s · \d+ events · 0 denials · 0 changes/,
      );

      const terminal = capture(true);
      assert.equal(
        await runCli(["run", path, "--out", `${dir}/o2`], terminal),
        0,
      );
      assert.ok(
        terminal.errText.includes("\r\x1b[2K[oanix] running"),
        "the line is redrawn",
      );
      assert.ok(
        terminal.errText.endsWith("\r\x1b[2K"),
        "the line is removed at the end",
      );

      const quiet = capture();
      assert.equal(
        await runCli(["run", path, "--out", `${dir}/o3`, "--quiet"], quiet),
        0,
      );
      assert.doesNotMatch(quiet.errText, /\[oanix\]/);
      assert.match(quiet.outText, /echo agent says hi/);
    },
  );
});

Deno.test("agent output on the terminal: every line prefixed, escapes shown not obeyed, capped live", async () => {
  const agent = new URL("./fixtures/printing_agent.ts", import.meta.url).pathname;
  await withManifest(
    `mounts:\n  /tmp: mem\nprogram: { module: ${agent}, args: ["2000"] }\nlimits: { max_output: 10000 }\n`,
    async (path, dir) => {
      const io = capture(true);
      assert.equal(
        await runCli(["run", path, "--out", `${dir}/out`, "--quiet"], io),
        0,
        io.errText,
      );
      assert.ok(
        !io.outText.includes("\x1b"),
        "no raw escape reaches the terminal",
      );
      assert.match(
        io.outText,
        /^│ \^\[\[2J\^\[\[H\[oanix\] completed \(exit 0\) in 1 ms\^M$/m,
      );
      // The only line that starts with [oanix] and says completed is the CLI's own.
      const ours = io.outText.split("\n").filter((l) => l.startsWith("[oanix] completed"));
      assert.equal(ours.length, 1);
      const agentLines = io.outText.split("\n").filter((l) => l.startsWith("│ x"));
      assert.ok(
        agentLines.length > 0 && agentLines.length <= 10000 / 100 + 1,
        `${agentLines.length}`,
      );
      assert.match(
        io.errText,
        /stdout past limits\.max_output: the rest is not shown/,
      );
      assert.match(
        io.outText,
        /past limits\.max_output, not kept: stdout \d+ bytes/,
      );
    },
  );
});
