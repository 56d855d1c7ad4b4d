/**
 * The `oanix` command line.
 *
 * ```sh
 * deno run -A jsr:@oanix/oanix/cli run env.yaml
 * deno task oanix explain examples/demo/env.yaml
 * ```
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

export { CLI_HELP, explainManifest, runCli } from "./src/sandbox/cli/cli.ts";

if (import.meta.main) Deno.exit(await runCli(Deno.args));
