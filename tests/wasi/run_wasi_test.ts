// The run-wasi example's command line: --dir HOST[::GUEST] as in wasmtime.
import assert from "@std/assert";
import { buildNamespace, parseCli } from "../../examples/run_wasi.ts";

const EXAMPLE = new URL("../../examples/run_wasi.ts", import.meta.url).pathname;
const HELLO = new URL("../../examples/hello-wasi/", import.meta.url).pathname;

Deno.test("--dir HOST::GUEST preopens a host folder under the guest name; --dir HOST under its own", () => {
  const cli = parseCli(["p.wasm", "--dir", "./data::/data", "--dir", "/srv/x", "--", "-v"]);
  assert.deepEqual(cli.dirs, [["./data", "/data"], ["/srv/x", "/srv/x"]]);
  assert.deepEqual(cli.mounts, [], "no default /tmp when folders are given");
  assert.deepEqual(cli.args, ["-v"]);
  assert.deepEqual(parseCli(["p.wasm"]).mounts, [["/tmp", ":memory:"]]);
  assert.equal(parseCli(["p.wasm", "--help"]).help, true);
});

Deno.test("a bad command line is refused with the usage", () => {
  for (
    const argv of [
      [],
      ["p.wasm", "--dir"],
      ["p.wasm", "--dir", "::/x"],
      ["p.wasm", "--dir", "x::"],
      [
        "p.wasm",
        "--mount",
        "tmp",
      ],
      ["p.wasm", "--timeout", "soon"],
      ["p.wasm", "extra"],
    ]
  ) {
    assert.throws(() => parseCli(argv), Error, undefined, argv.join(" "));
  }
});

Deno.test("each --dir is mounted at its guest name and becomes a preopen", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/f.txt`, "x");
    const { ns, preopens } = buildNamespace(parseCli(["p.wasm", "--dir", `${dir}::/`]));
    assert.deepEqual(preopens, [{ path: "/", name: "/" }]);
    assert.deepEqual(ns.readdir("/").map((e) => e.name), ["f.txt"]);
    assert.equal(buildNamespace(parseCli(["p.wasm"])).preopens, undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("deno task run-wasi runs hello-wasi over two --dir folders", async () => {
  const tmp = Deno.makeTempDirSync();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        EXAMPLE,
        `${HELLO}hello.wasm`,
        "--dir",
        `${HELLO}workspace::/workspace`,
        "--dir",
        `${tmp}::/tmp`,
        "--",
        "one",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
    assert.match(text, /exit code: 0/);
    assert.match(text, /Hello from the workspace!/);
    assert.equal(
      Deno.readTextFileSync(`${tmp}/output.txt`),
      "Written by hello-wasi with 2 argument(s)\n",
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
