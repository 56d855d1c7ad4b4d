/**
 * `oanix mcp env.yaml`: the environment served to an MCP client over
 * stdio. Tested with the SDK's own client against the real CLI and its
 * sandboxed child: the tools work in the namespace and nowhere else; every
 * refusal is a tool error the client reads; when the client leaves, the
 * session is collected like a run (output folder, changes.diff, --apply).
 */
import assert from "@std/assert";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { withTempDir } from "../helpers/temp_dir.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

type Content = { type: string; text?: string }[];

/** An MCP client on `oanix mcp` run as an installed tool would be (no config, no lock). */
async function connect(dir: string, manifest: string, flags: string[] = []) {
  await Deno.writeTextFile(`${dir}/env.yaml`, manifest);
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: [
      "run",
      "-A",
      "--no-lock",
      CLI,
      "mcp",
      `${dir}/env.yaml`,
      "--out",
      `${dir}/out`,
      ...flags,
    ],
    cwd: dir,
    stderr: "pipe",
  });
  let stderr = "";
  const client = new Client({ name: "oanix-test", version: "1.0.0" });
  const reading = (async () => {
    for await (const chunk of transport.stderr as AsyncIterable<Uint8Array>) {
      stderr += new TextDecoder().decode(chunk);
    }
  })();
  await client.connect(transport);
  const pid = transport.pid!;
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const r = await client.callTool({ name, arguments: args });
    return { text: (r.content as Content).map((c) => c.text ?? "").join(""), isError: !!r.isError };
  };
  /** Disconnects, and waits for the server to end: its stderr, all of it. */
  const close = async () => {
    await client.close();
    await reading;
    await waitGone(pid);
    return stderr;
  };
  return { client, call, close };
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      Deno.kill(pid, "SIGCONT");
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the server ${pid} did not end`);
}

async function project(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/project/src`, { recursive: true });
  await Deno.mkdir(`${dir}/data`);
  await Deno.writeTextFile(`${dir}/project/src/add.ts`, "export const add = (a, b) => a - b;\n");
  await Deno.writeTextFile(`${dir}/project/notes.md`, "TODO: fix add\nTODO: tests\n");
  await Deno.writeTextFile(`${dir}/data/facts.txt`, "read-only facts\n");
}

function manifest(dir: string, host: string): string {
  return `task: { id: fix-add, type: fix, description: make add add, input: { file: src/add.ts } }
mounts:
  /task: task
  /tmp: mem
  /workspace: { type: workspace, path: ${dir}/project, mode: cow }
  /data: { type: workspace, path: ${dir}/data, mode: ro }
  /cap/http: { type: http, allow: ["${host}"] }
limits: { timeout: 20 }
`;
}

function serve(body: string) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(body),
  );
  return { server, host: `127.0.0.1:${(server.addr as Deno.NetAddr).port}` };
}

Deno.test("an MCP client works in the environment: tools, resources, the result, the diff", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    const allowed = serve("hello from the allowed host");
    const other = serve("never reached");
    const mcp = await connect(dir, manifest(dir, allowed.host));
    try {
      const { tools } = await mcp.client.listTools();
      assert.deepEqual(tools.map((t: { name: string }) => t.name), [
        "read",
        "write",
        "edit",
        "list",
        "glob",
        "grep",
        "bash",
        "task",
        "set_result",
        "http_request",
      ]);
      assert.match((await mcp.call("task")).text, /"id": "fix-add"/);
      assert.deepEqual(
        await mcp.call("edit", { path: "src/add.ts", old_string: "a - b", new_string: "a + b" }),
        { text: "replaced 1 occurrence in /workspace/src/add.ts", isError: false },
      );
      assert.deepEqual(await mcp.call("read", { path: "/workspace/src/add.ts" }), {
        text: "     1\texport const add = (a, b) => a + b;",
        isError: false,
      });
      assert.deepEqual(await mcp.call("bash", { command: "grep -rn TODO . | sort" }), {
        text: "notes.md:1:TODO: fix add\nnotes.md:2:TODO: tests\n",
        isError: false,
      });
      assert.deepEqual(await mcp.call("grep", { pattern: "todo", ignore_case: true }), {
        text: "/workspace/notes.md:1:TODO: fix add\n/workspace/notes.md:2:TODO: tests",
        isError: false,
      });
      assert.deepEqual(await mcp.call("glob", { pattern: "**/*.ts" }), {
        text: "/workspace/src/add.ts",
        isError: false,
      });
      const fetched = await mcp.call("http_request", { url: `http://${allowed.host}/hi` });
      assert.equal(fetched.isError, false, fetched.text);
      assert.match(fetched.text, /^HTTP 200 OK\n[^]*\n\nhello from the allowed host$/);
      assert.deepEqual(await mcp.call("set_result", { result: { fixed: "src/add.ts" } }), {
        text: "result set; the task ends completed when the session does",
        isError: false,
      });

      const { resources } = await mcp.client.listResources();
      assert.ok(resources.some((r: { uri: string }) => r.uri === "oanix:///workspace/src/add.ts"));
      assert.ok(
        !resources.some((r: { uri: string }) => r.uri.startsWith("oanix:///cap/")),
        "capability files are not resources",
      );
      const read = await mcp.client.readResource({ uri: "oanix:///data/facts.txt" });
      assert.equal((read.contents[0] as { text: string }).text, "read-only facts\n");
    } finally {
      const stderr = await mcp.close();
      await allowed.server.shutdown();
      await other.server.shutdown();
      assert.match(
        stderr,
        /\[oanix\] session completed in \d+ ms\n\[oanix\] 1 workspace change\(s\)\n/,
      );
    }
    assert.match(
      await Deno.readTextFile(`${dir}/out/changes.diff`),
      /\+export const add = \(a, b\) => a \+ b;/,
    );
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/out/result.json`)), {
      fixed: "src/add.ts",
    });
    assert.equal(
      await Deno.readTextFile(`${dir}/project/src/add.ts`),
      "export const add = (a, b) => a - b;\n",
      "without --apply the project is untouched",
    );
  });
});

Deno.test("refusals are tool errors the client reads, and the session goes on", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    await Deno.writeTextFile(`${dir}/secret.txt`, "host secret\n");
    const allowed = serve("ok");
    const other = serve("never reached");
    const mcp = await connect(dir, manifest(dir, allowed.host));
    try {
      const refusals: [string, Record<string, unknown>, RegExp][] = [
        ["read", { path: "/etc/passwd" }, /^ENOENT: no such file or directory: \/etc\/passwd/],
        ["read", { path: "../../../etc/passwd" }, /^ENOENT: .*\/etc\/passwd/],
        ["read", { path: `${dir}/secret.txt` }, /^ENOENT/],
        ["write", { path: "/data/new.txt", content: "x" }, /^EROFS: read-only file system/],
        ["edit", { path: "/data/facts.txt", old_string: "read", new_string: "x" }, /^EROFS/],
        ["write", { path: "/task/spec.json", content: "{}" }, /^EROFS/],
        ["bash", { command: "echo x > /data/y" }, /EROFS[^]*\[exit code 1\]$/],
        [
          "bash",
          { command: `cat ${dir}/secret.txt` },
          /No such file or directory[^]*\[exit code 1\]/,
        ],
        ["http_request", { url: `http://${other.host}/` }, /^http_request: forbidden/],
        ["edit", { path: "src/add.ts", old_string: "nowhere", new_string: "x" }, /does not occur/],
        ["grep", { pattern: "(" }, /^grep: not a regular expression/],
        ["read", {}, /^read: path is required$/],
        ["read", { path: "a", bogus: 1 }, /^read: unknown argument bogus$/],
        ["teleport", {}, /^no such tool: teleport$/],
      ];
      for (const [tool, args, expected] of refusals) {
        const r = await mcp.call(tool, args);
        assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${r.text}`);
        assert.match(r.text, expected, `${tool} ${JSON.stringify(args)}`);
        assert.doesNotMatch(r.text, /host secret/);
      }
      assert.equal(
        (await mcp.call("list", { path: "/" })).text,
        "cap/\ndata/\ntask/\ntmp/\nworkspace/",
      );
    } finally {
      const stderr = await mcp.close();
      await allowed.server.shutdown();
      await other.server.shutdown();
      assert.match(stderr, /\[oanix\] session completed/);
    }
  });
});

Deno.test("--apply writes a completed session's changes; set_result failed fails the run", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    const { server, host } = serve("ok");
    const mcp = await connect(dir, manifest(dir, host), ["--apply"]);
    await mcp.call("write", {
      path: "src/sub.ts",
      content: "export const sub = (a, b) => a - b;\n",
    });
    const stderr = await mcp.close();
    assert.match(stderr, /1 workspace change\(s\), applied/);
    assert.equal(
      await Deno.readTextFile(`${dir}/project/src/sub.ts`),
      "export const sub = (a, b) => a - b;\n",
    );

    await Deno.remove(`${dir}/out`, { recursive: true });
    const failing = await connect(dir, manifest(dir, host));
    await failing.call("set_result", { result: null, status: "failed", error: "cannot fix it" });
    assert.match(await failing.close(), /session failed in \d+ ms: cannot fix it/);
    const status = JSON.parse(await Deno.readTextFile(`${dir}/out/status.json`));
    assert.equal(status.outcome, "failed");
    assert.equal(status.task.status, "failed");
    await server.shutdown();
  });
});

Deno.test("a session ends at --timeout: the client is disconnected and the run collected", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    const { server, host } = serve("ok");
    const mcp = await connect(dir, manifest(dir, host), ["--timeout", "3"]);
    const gone = new Promise<void>((resolve) => mcp.client.onclose = resolve);
    await mcp.call("write", { path: "late.txt", content: "written before the end\n" });
    await gone;
    assert.match(
      await mcp.close(),
      /session timeout in \d+ ms: the session's time \(3 s\) ran out/,
    );
    assert.match(await Deno.readTextFile(`${dir}/out/changes.diff`), /written before the end/);
    await server.shutdown();
  });
});

Deno.test("oanix mcp refuses a manifest with a program, and bad flags, before serving", async () => {
  await withTempDir(async (dir) => {
    await project(dir);
    await Deno.writeTextFile(`${dir}/agent.ts`, "export default () => {};\n");
    await Deno.writeTextFile(
      `${dir}/env.yaml`,
      `mounts:\n  /workspace: { type: workspace, path: ./project, mode: cow }\nprogram: { module: agent.ts }\n`,
    );
    const run = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-lock", CLI, "mcp", ...args],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    };
    const withProgram = await run("env.yaml");
    assert.equal(withProgram.code, 2);
    assert.equal(withProgram.stdout, "", "stdout carries only MCP messages");
    assert.match(withProgram.stderr, /program: a served environment runs no program/);
    const badTimeout = await run("env.yaml", "--timeout", "soon");
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--timeout needs a number of seconds above 0, got soon/);
    const runOnly = await run("env.yaml", "--record");
    assert.equal(runOnly.code, 2);
    assert.match(runOnly.stderr, /oanix mcp does not take --record/);
  });
});
