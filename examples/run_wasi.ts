/**
 * Runs a WASI command module in a namespace built from the command line.
 *
 *   deno task run-wasi FILE.wasm [--mount /PATH=./dir[:ro]] [--mount /PATH=:memory:]
 *                                [--env KEY=VALUE] [--stdin FILE] [--timeout MS] [-- ARGS...]
 *
 * `--mount /workspace=./dir` mounts a real directory (WorkspaceFs, contained:
 * the guest cannot leave it), `:ro` read-only; `--mount /tmp=:memory:` mounts
 * an empty MemFs. Without any `--mount`, /tmp is an empty MemFs. Prints the
 * exit code, stdout and stderr.
 *
 * Example:
 *
 *   deno task run-wasi examples/hello-wasi/hello.wasm \
 *     --mount /workspace=./examples/hello-wasi/workspace --mount /tmp=:memory: -- one two
 *
 * @module
 */

import { type FileService, MemFs, WorkspaceFs } from "../src/fs/mod.ts";
import { Namespace } from "../src/namespace/mod.ts";
import { WasiAbortError, WasiModuleError, WasiRuntime, WasiTrapError } from "../src/wasi/mod.ts";

interface Cli {
  wasm: string;
  mounts: Array<[string, string]>;
  env: Record<string, string>;
  stdin?: string;
  timeoutMs?: number;
  args: string[];
}

const USAGE = "usage: run_wasi FILE.wasm [--mount /PATH=./dir[:ro] | /PATH=:memory:]... " +
  "[--env K=V]... [--stdin FILE] [--timeout MS] [-- ARGS...]";

function parse(argv: string[]): Cli {
  const cli: Cli = { wasm: "", mounts: [], env: {}, args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--") {
      cli.args = argv.slice(i + 1);
      break;
    } else if (a === "--mount") {
      const spec = value();
      const eq = spec.indexOf("=");
      if (eq <= 0) throw new Error(`bad --mount ${spec}: expected /PATH=SOURCE\n${USAGE}`);
      cli.mounts.push([spec.slice(0, eq), spec.slice(eq + 1)]);
    } else if (a === "--env") {
      const kv = value();
      const eq = kv.indexOf("=");
      if (eq <= 0) throw new Error(`bad --env ${kv}: expected KEY=VALUE`);
      cli.env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === "--stdin") {
      cli.stdin = value();
    } else if (a === "--timeout") {
      cli.timeoutMs = Number(value());
    } else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (cli.wasm === "") {
      cli.wasm = a;
    } else {
      throw new Error(`unexpected argument ${a} (program arguments go after --)\n${USAGE}`);
    }
  }
  if (cli.wasm === "") throw new Error(USAGE);
  if (cli.mounts.length === 0) cli.mounts.push(["/tmp", ":memory:"]);
  return cli;
}

function service(source: string): FileService {
  if (source === ":memory:") return new MemFs();
  if (source.endsWith(":ro")) return WorkspaceFs.readonly(source.slice(0, -3));
  return new WorkspaceFs(source);
}

async function main(): Promise<number> {
  const cli = parse(Deno.args);
  const builder = Namespace.builder();
  for (const [path, source] of cli.mounts) builder.mount(path, service(source));
  const ns = builder.build();
  const name = cli.wasm.split("/").pop()!.replace(/\.wasm$/, "");
  try {
    const r = await new WasiRuntime().run(ns, await Deno.readFile(cli.wasm), {
      args: [name, ...cli.args],
      env: cli.env,
      stdin: cli.stdin === undefined ? undefined : await Deno.readFile(cli.stdin),
      timeoutMs: cli.timeoutMs,
    });
    console.log(`exit code: ${r.exitCode}`);
    console.log("--- stdout ---");
    console.log(r.stdoutText);
    console.log("--- stderr ---");
    console.log(r.stderrText);
    return r.exitCode;
  } catch (e) {
    if (e instanceof WasiTrapError || e instanceof WasiAbortError) {
      console.log(`exit code: ${e.exitCode} (${e.message})`);
      console.log("--- stdout ---");
      console.log(e.stdoutText);
      return e.exitCode;
    }
    if (e instanceof WasiModuleError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(2);
  }
}
