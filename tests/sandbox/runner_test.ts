/**
 * Proof that the walls hold: real child processes, a hostile agent, and
 * the events each attempt leaves.
 */
import assert from "@std/assert";
import { withTempDir } from "../helpers/temp_dir.ts";
import { parseManifest, RunRefusedError, type RunReport, runSandboxed } from "../../mod.ts";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;

const withTemp = withTempDir;

function manifestFor(
  dir: string,
  agent: string,
  extra = "",
  input = "{}",
): string {
  return `task: { id: t, type: test, description: d, input: ${input} }
mounts:
  /task: task
  /logs: logs
  /workspace: { type: workspace, path: ${dir}/ws, mode: cow }
${extra}program: { module: ${fixtures}${agent} }
limits: { timeout: 20, memory: 64 }
`;
}

async function events(
  report: RunReport,
): Promise<Array<Record<string, unknown>>> {
  const text = await Deno.readTextFile(`${report.outDir}/logs/events.jsonl`);
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

function deniedValues(
  evts: Array<Record<string, unknown>>,
  permission: string,
): string[] {
  return evts
    .map((e) => e.data as Record<string, unknown> | undefined)
    .filter((d) => d?.denied === true && d.permission === permission)
    .map((d) => String(d!.value));
}

Deno.test("a hostile agent is walled in: every attempt fails and is a denied event", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.writeTextFile(`${dir}/ws/keep.txt`, "original");
    const other = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response("leak"),
    );
    Deno.env.set("OANIX_TEST_SECRET", "s3cret");
    try {
      const port = (other.addr as Deno.NetAddr).port;
      const input = JSON.stringify({ workspace: `${dir}/ws`, port });
      const run = () =>
        runSandboxed(
          parseManifest(manifestFor(dir, "hostile_agent.ts", "", input), dir),
          {
            outDir: `${dir}/out`,
          },
        );
      const first = await run();
      assert.equal(first.outcome, "completed", first.error);
      const results = first.result as Record<
        string,
        { ok: boolean; error?: string }
      >;
      for (
        const name of [
          "readPasswd",
          "readHome",
          "writeRealWorkspace",
          "fetchOther",
          "readEnv",
        ]
      ) {
        assert.equal(results[name].ok, false, `${name} must fail`);
        assert.equal(results[name].error, "NotCapable", name);
      }
      for (const name of ["spawn", "ffi", "remoteImport"]) {
        assert.equal(results[name].ok, false, `${name} must fail`);
      }
      assert.equal(results.previousStorage.ok, false);
      const evts = await events(first);
      assert.ok(deniedValues(evts, "read").includes("/etc/passwd"));
      assert.ok(deniedValues(evts, "read").includes("/root"));
      assert.ok(deniedValues(evts, "write").includes(`${dir}/ws/pwned.txt`));
      assert.ok(deniedValues(evts, "net").includes(`127.0.0.1:${port}`));
      assert.ok(deniedValues(evts, "env").includes("OANIX_TEST_SECRET"));
      assert.ok(deniedValues(evts, "run").includes("/bin/sh"));
      assert.ok(deniedValues(evts, "ffi").length > 0);
      assert.ok(deniedValues(evts, "import").some((v) => v.includes("esm.sh")));
      // Nothing escaped: the real workspace is untouched.
      assert.deepEqual([...Deno.readDirSync(`${dir}/ws`)].map((e) => e.name), [
        "keep.txt",
      ]);
      assert.ok(
        !first.command.some((a) => /allow-(net|env|run|ffi|sys|all)/.test(a)),
      );
      // A second run cannot see what the first stored.
      const second = await run();
      const again = second.result as Record<string, { ok: boolean }>;
      assert.equal(
        again.previousStorage.ok,
        false,
        "localStorage must not persist across runs",
      );
    } finally {
      Deno.env.delete("OANIX_TEST_SECRET");
      await other.shutdown();
    }
  });
});

Deno.test("a workspace holding a symlink that leads outside is refused at start", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    await Deno.symlink("/etc/passwd", `${dir}/ws/passwd`);
    await assert.rejects(
      () =>
        runSandboxed(parseManifest(manifestFor(dir, "hostile_agent.ts"), dir), {
          outDir: `${dir}/out`,
        }),
      RunRefusedError,
      "passwd → /etc/passwd",
    );
  });
});

Deno.test("an infinite loop is killed at the timeout with exit code 124", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const text = manifestFor(dir, "loop_agent.ts").replace(
      "timeout: 20",
      "timeout: 1.5",
    );
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
    });
    assert.equal(report.outcome, "timeout");
    assert.equal(report.exitCode, 124);
    assert.ok(report.durationMs < 10_000);
    const status = JSON.parse(
      await Deno.readTextFile(`${dir}/out/status.json`),
    );
    assert.equal(status.outcome, "timeout");
  });
});

Deno.test("a memory bomb ends with a clear error and the host survives", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const report = await runSandboxed(
      parseManifest(manifestFor(dir, "memory_bomb_agent.ts"), dir),
      {
        outDir: `${dir}/out`,
      },
    );
    assert.equal(report.outcome, "memory");
    assert.equal(report.exitCode, 137);
    assert.match(report.error ?? "", /memory/);
    // The host carries on: the output folder is complete.
    const status = JSON.parse(
      await Deno.readTextFile(`${dir}/out/status.json`),
    );
    assert.equal(status.outcome, "memory");
    assert.equal(status.exit_code, 137);
  });
});

Deno.test("a WASI guest that spins with no host calls is stopped only by the runner's kill", async () => {
  const { wat } = await import("../wasi/_helpers.ts");
  const spin = await wat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (loop $l (br $l))))`);
  await withTemp(async (dir) => {
    await Deno.writeFile(`${dir}/spin.wasm`, spin);
    const text = `mounts:\n  /tmp: mem\nprogram: { wasi: spin.wasm }\nlimits: { timeout: 1 }\n`;
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
    });
    assert.equal(report.outcome, "timeout");
    assert.equal(report.exitCode, 124);
    assert.ok(report.permissions.grant.read.includes(`${dir}/spin.wasm`));
  });
});

Deno.test("a WASI program's stdout streams live and lands in logs/stdout.log", async () => {
  const hello = new URL("../../examples/hello-wasi/hello.wasm", import.meta.url).pathname;
  const workspace = new URL("../../examples/hello-wasi/workspace", import.meta.url).pathname;
  await withTemp(async (dir) => {
    const text = `mounts:
  /logs: logs
  /tmp: mem
  /workspace: { type: workspace, path: ${workspace}, mode: ro }
program: { wasi: ${hello}, args: [one, two], env: { GREETING: hi } }
`;
    const live: string[] = [];
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
      onOutput: (_s, t) => live.push(t),
    });
    assert.equal(report.outcome, "completed", report.error);
    const stdout = await Deno.readTextFile(`${dir}/out/logs/stdout.log`);
    assert.match(stdout, /one/);
    assert.match(stdout, /GREETING=hi/);
    assert.equal(live.join(""), stdout);
  });
});

Deno.test("a hostile WASI agent cannot leave its namespace, and each refusal is an event", async () => {
  const hostile = new URL("./fixtures/hostile_wasi/hostile.wasm", import.meta.url).pathname;
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const text = `task: { id: t, type: x, description: d }
mounts:
  /task: task
  /logs: logs
  /tmp: mem
  /workspace: { type: workspace, path: ${dir}/ws, mode: ro }
program: { wasi: ${hostile} }
`;
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
    });
    assert.equal(report.outcome, "completed", report.error);
    const stdout = await Deno.readTextFile(`${dir}/out/logs/stdout.log`);
    const errnos = Object.fromEntries(
      stdout.trim().split("\n").map((l) => l.split(" ")),
    );
    const ENOENT = "44",
      EROFS = "69",
      EXDEV = "75",
      ENOTCAPABLE = "76",
      EBUSY = "10";
    assert.deepEqual(errnos, {
      read_etc_passwd: ENOENT, // there is no /etc in its world
      climb_out: ENOTCAPABLE, // .. may not climb above the preopen
      relative_climb: ENOTCAPABLE,
      write_ro_workspace: EROFS,
      overwrite_spec: EROFS,
      create_in_root: EROFS,
      rename_tmp_to_workspace: EXDEV,
      remove_mount_point: EBUSY,
    });
    const denied = (await events(report))
      .map((e) => e.data as Record<string, unknown> | undefined)
      .filter((d) => d?.source === "namespace")
      .map((d) => `${d!.op} ${d!.path} ${d!.code}`);
    for (
      const want of [
        "open /workspace/pwned.txt EROFS",
        "open /task/spec.json EROFS",
        "open /pwned.txt EROFS",
        "rename /tmp/x EXDEV",
        "remove /tmp EBUSY",
      ]
    ) assert.ok(denied.includes(want), `${want} in ${JSON.stringify(denied)}`);
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/ws`)],
      [],
      "nothing reached the real folder",
    );
  });
});

Deno.test("a module agent cannot learn the nonce, so it cannot forge a final message", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const report = await runSandboxed(
      parseManifest(manifestFor(dir, "forging_agent.ts"), dir),
      {
        outDir: `${dir}/out`,
        apply: true,
      },
    );
    // The agent runs in its own worker: patching built-ins there never sees the child's messages.
    assert.equal(report.outcome, "completed", report.error);
    const stdout = await Deno.readTextFile(`${dir}/out/logs/stdout.log`);
    assert.match(
      stdout,
      /@@oanix: \{"type":"final"/,
      "the forged line is only stray output",
    );
    await assert.rejects(
      () => Deno.stat(`${dir}/escaped.txt`),
      Deno.errors.NotFound,
    );
    await assert.rejects(
      () => Deno.stat(`${dir}/escaped2.txt`),
      Deno.errors.NotFound,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/ws`)].map((e) => e.name), [
      "inside.txt",
    ]);
    assert.equal(
      report.applied,
      true,
      "only the agent's real change was applied",
    );
  });
});

Deno.test("a read-write workspace holding a link with .. is refused: the agent could move it", async () => {
  await withTemp(async (dir) => {
    // a/b/l leads to the workspace root now; moved to the root it would lead
    // eight folders above it, and Deno's scoped grant would follow it.
    await Deno.mkdir(`${dir}/ws/a/b`, { recursive: true });
    await Deno.symlink("../..", `${dir}/ws/a/b/l`);
    const rw = manifestFor(dir, "echo_agent.ts").replace(
      "mode: cow",
      "mode: rw",
    );
    await assert.rejects(
      () => runSandboxed(parseManifest(rw, dir), { outDir: `${dir}/out` }),
      RunRefusedError,
      "a/b/l → ../..",
    );
  });
});

function chattyManifest(
  dir: string,
  input: Record<string, unknown>,
  limits = "",
): string {
  return manifestFor(dir, "chatty_agent.ts", "", JSON.stringify(input))
    .replace("memory: 64 }", `memory: 64${limits} }`);
}

Deno.test("stdout text without a final newline does not swallow the final message", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const report = await runSandboxed(
      parseManifest(chattyManifest(dir, { partial: true }), dir),
      {
        outDir: `${dir}/out`,
      },
    );
    assert.equal(report.outcome, "completed", report.error);
    assert.deepEqual(report.result, { done: true });
    assert.equal(
      await Deno.readTextFile(`${dir}/out/logs/stdout.log`),
      "progress 100%",
    );
  });
});

Deno.test("events and permission checks are capped in the parent", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const text = chattyManifest(
      dir,
      { events: 2000, checks: 3000 },
      ", max_output: 20000",
    );
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
    });
    assert.equal(report.outcome, "completed", report.error);
    const status = JSON.parse(
      await Deno.readTextFile(`${dir}/out/status.json`),
    );
    assert.ok(status.truncated.events > 1800, JSON.stringify(status.truncated));
    // Every distinct denied check is kept (up to 10,000), and every one counted.
    const denied = report.checks.filter((c) => c.denied && c.permission === "read");
    assert.equal(
      denied.filter((c) => c.value?.startsWith("/oanix-nonexistent/")).length,
      3000,
    );
    assert.ok(
      denied.reduce((n, c) => n + c.count, 0) >= 3000,
      "every check is counted",
    );
    const events = await Deno.readTextFile(`${dir}/out/logs/events.jsonl`);
    assert.ok(
      events.length < 20000 + 3100 * 400,
      `events.jsonl holds ${events.length} bytes`,
    );
  });
});

Deno.test("an agent has no Cache API, and a run leaves no storage behind", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const report = await runSandboxed(
      parseManifest(chattyManifest(dir, { cache: true }), dir),
      {
        outDir: `${dir}/out`,
      },
    );
    // Storage would land in the host's Deno cache: the agent's worker has none.
    assert.equal(report.outcome, "failed");
    assert.match(report.error ?? "", /caches is not defined/);
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
    }).output();
    const denoDir = JSON.parse(new TextDecoder().decode(info.stdout))
      .denoDir as string;
    const origin = `http://oanix-run-${report.runId.toLowerCase()}.invalid`;
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(origin),
    );
    const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    await assert.rejects(
      () => Deno.stat(`${denoDir}/location_data/web_cache/${hash}`),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("an agent that never finishes is stopped at the timeout", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const text = manifestFor(dir, "stuck_agent.ts").replace(
      "timeout: 20",
      "timeout: 1",
    );
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
    });
    assert.equal(report.outcome, "timeout");
    assert.equal(report.exitCode, 124);
  });
});

Deno.test("a character a WASI program writes in two pieces arrives whole", async () => {
  const { wat } = await import("../wasi/_helpers.ts");
  // Writes "é" (C3 A9) as two one-byte fd_write calls to stdout.
  const split = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write"
      (func $write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\\c3\\a9")
    (data (i32.const 8) "\\00\\00\\00\\00\\01\\00\\00\\00")
    (data (i32.const 16) "\\01\\00\\00\\00\\01\\00\\00\\00")
    (func (export "_start")
      (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32)))
      (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 32)))))`);
  await withTemp(async (dir) => {
    await Deno.writeFile(`${dir}/split.wasm`, split);
    for (const logs of ["", "  /logs: logs\n"]) {
      const text = `mounts:\n  /tmp: mem\n${logs}program: { wasi: split.wasm }\n`;
      const report = await runSandboxed(parseManifest(text, dir), {
        outDir: `${dir}/out`,
      });
      assert.equal(report.outcome, "completed", report.error);
      assert.equal(
        await Deno.readTextFile(`${dir}/out/logs/stdout.log`),
        "é",
        logs,
      );
    }
  });
});

Deno.test("a module agent reaches the network only through /cap/http, never with fetch", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("pong"),
  );
  try {
    const port = (server.addr as Deno.NetAddr).port;
    await withTemp(async (dir) => {
      await Deno.mkdir(`${dir}/ws`);
      const url = `http://127.0.0.1:${port}/ping`;
      const text = manifestFor(
        dir,
        "http_agent.ts",
        `  /cap/http: { type: http, allow: ["127.0.0.1:${port}"] }\n`,
        JSON.stringify({ url }),
      );
      const report = await runSandboxed(parseManifest(text, dir), {
        outDir: `${dir}/out`,
      });
      assert.equal(report.outcome, "completed", report.error);
      assert.deepEqual(report.result, {
        direct: "NotCapable",
        status: 200,
        body: "pong",
      });
      assert.ok(
        report.permissions.grant.net.includes(`127.0.0.1:${port}`),
        "the child holds net",
      );
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("a module agent reads and writes files larger than one RPC answer", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/ws`);
    const big = new Uint8Array(5 * 1024 * 1024 + 7).map((_, i) => i % 251);
    await Deno.writeFile(`${dir}/ws/big.bin`, big);
    const text = manifestFor(dir, "big_file_agent.ts", "  /tmp: mem\n").replace(
      "memory: 64",
      "memory: 256",
    );
    const report = await runSandboxed(parseManifest(text, dir), {
      outDir: `${dir}/out`,
    });
    assert.equal(report.outcome, "completed", report.error);
    assert.deepEqual(report.result, {
      length: big.length,
      same: true,
      last: big.at(-1),
    });
  });
});
