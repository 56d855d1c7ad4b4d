/**
 * `oanix check` is the real pre-flight: for every manifest that `run`
 * refuses, `check` refuses it too, with the same problems (field and line),
 * and both exit 2 without starting anything.
 */
import assert from "@std/assert";
import { runCli } from "../../cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const echoAgent = new URL("./fixtures/echo_agent.ts", import.meta.url).pathname;

function capture() {
  const io = {
    outText: "",
    errText: "",
    out: (t: string) => void (io.outText += t),
    err: (t: string) => void (io.errText += t),
  };
  return io;
}

interface Case {
  name: string;
  /** Prepares the folder; returns the manifest text. */
  setup: (dir: string) => Promise<string>;
  /** Where the manifest is written, relative to the folder (default env.yaml). */
  manifestAt?: string;
  /** The fields refused, in order, and a word each problem must hold. */
  problems: Array<[field: string, word: RegExp]>;
}

const CASES: Case[] = [
  {
    name: "a missing workspace folder",
    setup: () =>
      Promise.resolve(
        `mounts:\n  /w: { type: workspace, path: ./gone }\nprogram: { module: ${echoAgent} }\n`,
      ),
    problems: [["mounts./w.path", /does not exist/]],
  },
  {
    name: "a workspace holding a symlink that leads outside",
    setup: async (dir) => {
      await Deno.mkdir(`${dir}/ws`);
      await Deno.symlink("/etc/passwd", `${dir}/ws/pw`);
      return `mounts:\n  /w: { type: workspace, path: ./ws, mode: cow }\nprogram: { module: ${echoAgent} }\n`;
    },
    problems: [["mounts./w.path", /symlinks that lead outside/]],
  },
  {
    name: "a missing wasi program",
    setup: () => Promise.resolve("mounts: {}\nprogram: { wasi: ./nope.wasm }\n"),
    problems: [["program.wasi", /no such file/]],
  },
  {
    name: "a wasi program that is not WebAssembly",
    setup: async (dir) => {
      await Deno.writeTextFile(`${dir}/fake.wasm`, "#!/bin/sh\necho hi\n");
      return "mounts: {}\nprogram: { wasi: ./fake.wasm }\n";
    },
    problems: [["program.wasi", /not a WebAssembly module/]],
  },
  {
    name: "a missing module",
    setup: () => Promise.resolve("mounts: {}\nprogram: { module: ./nope.ts }\n"),
    problems: [["program.module", /no such file/]],
  },
  {
    name: "a module that does not parse",
    setup: async (dir) => {
      await Deno.writeTextFile(
        `${dir}/broken.ts`,
        "export default function ( {\n",
      );
      return "mounts: {}\nprogram: { module: ./broken.ts }\n";
    },
    problems: [["program.module", /cannot bundle/]],
  },
  {
    name: "a module that imports a file outside its folder",
    setup: async (dir) => {
      await Deno.mkdir(`${dir}/agent`);
      await Deno.writeTextFile(`${dir}/secret.json`, '{"token":"s3cret"}');
      await Deno.writeTextFile(
        `${dir}/agent/main.ts`,
        'import s from "../secret.json" with { type: "json" };\nexport default () => s;\n',
      );
      return "mounts: {}\nprogram: { module: ./agent/main.ts }\n";
    },
    problems: [["program.module", /outside its folder/]],
  },
  {
    name: "no program at all",
    setup: () => Promise.resolve("mounts:\n  /tmp: mem\n"),
    problems: [["program", /is required/]],
  },
  {
    name: "a missing stdin file",
    setup: async (dir) => {
      await Deno.copyFile(
        new URL("../../examples/hello-wasi/hello.wasm", import.meta.url),
        `${dir}/h.wasm`,
      );
      return "mounts: {}\nprogram: { wasi: ./h.wasm, stdin_file: ./in.txt }\n";
    },
    problems: [["program.stdin_file", /no such file/]],
  },
  {
    name: "a Nostr key file that is missing, and one variable not set",
    setup: () =>
      Promise.resolve(
        `mounts:\n  /a: { type: nostr, relays: ["ws://127.0.0.1:1"], key_file: ./k }\n  /b: { type: nostr, relays: ["ws://127.0.0.1:1"], key_env: OANIX_NO_SUCH_VARIABLE }\nprogram: { module: ${echoAgent} }\n`,
      ),
    problems: [["mounts./a.key_file", /no such file/], [
      "mounts./b.key_env",
      /not set/,
    ]],
  },
  {
    name: "the manifest inside a read-write workspace (the agent could widen its next run)",
    manifestAt: "proj/env.yaml",
    setup: async (dir) => {
      await Deno.mkdir(`${dir}/proj`);
      return `mounts:\n  /w: { type: workspace, path: ., mode: rw }\nprogram: { module: ${echoAgent} }\n`;
    },
    problems: [["", /manifest lies inside the read-write workspace/]],
  },
  {
    name: "a Nostr key file inside a mounted folder (the agent could read it)",
    setup: async (dir) => {
      await Deno.mkdir(`${dir}/ws`);
      await Deno.writeTextFile(`${dir}/ws/nostr.key`, "11".repeat(32));
      return `mounts:\n  /w: { type: workspace, path: ./ws, mode: ro }\n  /n: { type: nostr, relays: ["ws://127.0.0.1:1"], key_file: ./ws/nostr.key }\nprogram: { module: ${echoAgent} }\n`;
    },
    problems: [["mounts./n.key_file", /inside the folder mounted at \/w/]],
  },
  {
    name: "an HTTP secret whose variable is not set, for a host the mount does not allow",
    setup: () =>
      Promise.resolve(
        `mounts:\n  /h:\n    type: http\n    allow: [api.example]\n    secrets: { K: { env: OANIX_NO_SUCH_SECRET, hosts: [other.example] } }\nprogram: { module: ${echoAgent} }\n`,
      ),
    problems: [
      ["mounts./h.secrets.K.env", /not set/],
      ["mounts./h.secrets.K.hosts", /not in the mount's allow list/],
    ],
  },
  {
    name: "several problems at once",
    setup: () =>
      Promise.resolve(
        "mounts:\n  /w: { type: workspace, path: ./gone }\nprogram: { wasi: ./gone.wasm }\n",
      ),
    problems: [["mounts./w.path", /does not exist/], [
      "program.wasi",
      /no such file/,
    ]],
  },
];

for (const c of CASES) {
  Deno.test(`check and run refuse alike: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const file = `${dir}/${c.manifestAt ?? "env.yaml"}`;
      await Deno.writeTextFile(file, await c.setup(dir));
      const results = [];
      for (const command of ["check", "run"]) {
        const io = capture();
        const args = [command, file, "--json"];
        if (command === "run") args.push("--out", `${dir}/out`);
        assert.equal(
          await runCli(args, io),
          2,
          `${command}: ${io.outText}${io.errText}`,
        );
        results.push(JSON.parse(io.outText).error.problems);
      }
      const [checked, ran] = results;
      assert.deepEqual(checked, ran, "check and run report the same problems");
      assert.deepEqual(
        checked.map((p: { field: string }) => p.field),
        c.problems.map(([f]) => f),
      );
      for (const [i, [, word]] of c.problems.entries()) {
        assert.match(checked[i].problem, word);
      }
      for (const p of checked) {
        // Every field present has its line; an absent one (no program), or the whole
        // manifest, has none.
        if (p.field !== "program" && p.field !== "") {
          assert.equal(typeof p.line, "number", `${p.field}: its line`);
        }
      }
      await assert.rejects(
        () => Deno.stat(`${dir}/out`),
        Deno.errors.NotFound,
        "nothing ran",
      );
    });
  });
}

Deno.test("run refuses an output folder inside a read-write workspace", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(
      `${dir}/env.yaml`,
      `mounts:\n  /w: { type: workspace, path: ./ws, mode: rw }\nprogram: { module: ${echoAgent} }\n`,
    );
    const io = capture();
    assert.equal(
      await runCli([
        "run",
        `${dir}/env.yaml`,
        "--out",
        `${dir}/ws/out`,
        "--json",
      ], io),
      2,
    );
    const problems = JSON.parse(io.outText).error.problems;
    assert.deepEqual(problems.map((p: { field: string }) => p.field), ["out"]);
    assert.match(
      problems[0].problem,
      /overlaps the read-write workspace mounts\.\/w/,
    );
    await assert.rejects(
      () => Deno.stat(`${dir}/ws/out`),
      Deno.errors.NotFound,
    );
  });
});
