/**
 * Runs a WASI command module in a namespace built from the command line.
 *
 *   deno task run-wasi FILE.wasm [--dir HOST[::GUEST]]... [--mount /PATH=SOURCE]...
 *                                [--env KEY=VALUE] [--stdin FILE] [--timeout MS] [-- ARGS...]
 *
 * `--dir ./data::/data` works as in wasmtime: the host folder ./data is
 * mounted (a WorkspaceFs, contained: the guest cannot leave it) at /data
 * and preopened under that name; `--dir ./data` uses the folder's own path
 * as the guest name. With any `--dir`, the guest is handed exactly those
 * folders; without, it gets the namespace root "/".
 *
 * `--mount /PATH=./dir` mounts a real directory in the namespace (`:ro`
 * read-only), `--mount /tmp=:memory:` an empty MemFs. With neither `--dir`
 * nor `--mount`, /tmp is an empty MemFs. Prints the exit code, stdout and
 * stderr, and exits with the guest's code.
 *
 * Examples:
 *
 *   deno task run-wasi examples/hello-wasi/hello.wasm \
 *     --mount /workspace=./examples/hello-wasi/workspace --mount /tmp=:memory: -- one two
 *   deno task run-wasi examples/hello-wasi/hello.wasm \
 *     --dir ./examples/hello-wasi/workspace::/workspace --dir "$(mktemp -d)::/tmp"
 *
 * @module
 */

import { type FileService, MemFs, WorkspaceFs } from "../src/fs/mod.ts";
import { Namespace } from "../src/namespace/mod.ts";
import {
  parsePreopen,
  WasiAbortError,
  WasiModuleError,
  type WasiPreopen,
  WasiRuntime,
  WasiTrapError,
} from "../src/wasi/mod.ts";

/** What the command line asks for. */
export interface Cli {
  /** The module to run. */
  wasm: string;
  /** Namespace mounts: [path, source], source a host folder (`:ro`) or `:memory:`. */
  mounts: Array<[string, string]>;
  /** Host folders to preopen: [host folder, guest name]. */
  dirs: Array<[string, string]>;
  /** The guest's environment. */
  env: Record<string, string>;
  /** A host file to use as stdin. */
  stdin?: string;
  /** Stop the guest after this many milliseconds. */
  timeoutMs?: number;
  /** argv after the program name. */
  args: string[];
  /** `--help` was asked for. */
  help?: boolean;
}

const USAGE = "usage: run_wasi FILE.wasm [--dir HOST[::GUEST]]... " +
  "[--mount /PATH=./dir[:ro] | /PATH=:memory:]... " +
  "[--env K=V]... [--stdin FILE] [--timeout MS] [-- ARGS...]";

/**
 * Reads the command line.
 *
 * @throws {Error} with the usage for anything it cannot read.
 */
export function parseCli(argv: string[]): Cli {
  const cli: Cli = { wasm: "", mounts: [], dirs: [], env: {}, args: [] };
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
    } else if (a === "--dir") {
      const spec = value();
      const sep = spec.indexOf("::");
      const host = sep === -1 ? spec : spec.slice(0, sep);
      if (host === "") throw new Error(`bad --dir ${spec}: expected HOST[::GUEST]\n${USAGE}`);
      const guest = sep === -1 ? host : spec.slice(sep + 2);
      cli.dirs.push([host, parsePreopen(guest).name]);
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
      const v = value();
      cli.timeoutMs = Number(v);
      if (!(cli.timeoutMs >= 0)) throw new Error(`bad --timeout ${v}: expected milliseconds`);
    } else if (a === "--help" || a === "-h") {
      return { ...cli, help: true };
    } else if (cli.wasm === "") {
      cli.wasm = a;
    } else {
      throw new Error(`unexpected argument ${a} (program arguments go after --)\n${USAGE}`);
    }
  }
  if (cli.wasm === "") throw new Error(USAGE);
  if (cli.mounts.length === 0 && cli.dirs.length === 0) cli.mounts.push(["/tmp", ":memory:"]);
  return cli;
}

function service(source: string): FileService {
  if (source === ":memory:") return new MemFs();
  if (source.endsWith(":ro")) return WorkspaceFs.readonly(source.slice(0, -3));
  return new WorkspaceFs(source);
}

/**
 * The namespace and preopens the command line describes: every `--dir`
 * folder is mounted at its guest name and preopened under it.
 */
export function buildNamespace(cli: Cli): { ns: Namespace; preopens?: WasiPreopen[] } {
  const builder = Namespace.builder();
  for (const [host, guest] of cli.dirs) builder.mount(guest, new WorkspaceFs(host));
  for (const [path, source] of cli.mounts) builder.mount(path, service(source));
  const preopens = cli.dirs.length === 0
    ? undefined
    : cli.dirs.map(([, guest]) => ({ path: guest, name: guest }));
  return { ns: builder.build(), preopens };
}

async function main(): Promise<number> {
  const cli = parseCli(Deno.args);
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const { ns, preopens } = buildNamespace(cli);
  const name = cli.wasm.split("/").pop()!.replace(/\.wasm$/, "");
  try {
    const r = await new WasiRuntime().run(ns, await Deno.readFile(cli.wasm), {
      args: [name, ...cli.args],
      env: cli.env,
      stdin: cli.stdin === undefined ? undefined : await Deno.readFile(cli.stdin),
      timeoutMs: cli.timeoutMs,
      preopens,
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
