/**
 * The `oanix` command line.
 *
 * ```sh
 * deno install -g -A -n oanix jsr:@oanix/oanix/cli   # then: oanix run env.yaml
 * deno run -A jsr:@oanix/oanix/cli check env.yaml
 * ```
 *
 * Paths on the command line are relative to the folder the user stands in
 * (under `deno task`, the folder the task was started from).
 *
 * @example
 * ```ts ignore
 * import { runCli } from "@oanix/oanix/cli";
 * Deno.exit(await runCli(["check", "env.yaml"]));
 * ```
 *
 * @module
 */

import { runCli } from "./src/sandbox/cli/cli.ts";

export { runCli } from "./src/sandbox/cli/cli.ts";
export type { CliIo } from "./src/sandbox/cli/cli.ts";
export { CLI_HELP } from "./src/sandbox/cli/help.ts";
export { explainManifest } from "./src/sandbox/cli/explain.ts";

/** Runs the CLI as a program: the user's folder, signals, exit code. */
async function main(): Promise<number> {
  // `deno task oanix` runs in the folder of deno.json; the user's folder is INIT_CWD. (Only
  // then: INIT_CWD is inherited by everything started under any task or npm script.)
  const userDir = Deno.env.get("INIT_CWD");
  if (userDir && Deno.env.get("OANIX_TASK") === "1") Deno.chdir(userDir);
  const stop = new AbortController();
  let exitCode: number | undefined;
  const onSignal = (signal: Deno.Signal, code: number) => () => {
    if (exitCode !== undefined) Deno.exit(code); // a second signal: leave now
    exitCode = code;
    stop.abort(new Error(`stopped by ${signal}`));
  };
  const handlers = [["SIGINT", 130], ["SIGTERM", 143]] as const;
  const listeners = handlers.map(([s, c]) => [s, onSignal(s, c)] as const);
  for (const [s, fn] of listeners) Deno.addSignalListener(s, fn);
  try {
    const code = await runCli(Deno.args, {
      out: (t) => void Deno.stdout.writeSync(new TextEncoder().encode(t)),
      err: (t) => void Deno.stderr.writeSync(new TextEncoder().encode(t)),
      isTerminal: Deno.stderr.isTerminal(),
      signal: stop.signal,
    });
    return exitCode ?? code;
  } finally {
    for (const [s, fn] of listeners) Deno.removeSignalListener(s, fn);
  }
}

if (import.meta.main) Deno.exit(await main());
