/**
 * The CLI's help texts: one for the whole command, one per subcommand.
 *
 * @module
 */

import type { Command } from "./args.ts";

const RUN = `Usage: oanix run <env.yaml> [options]

Run the manifest's program in a sandboxed child that holds only the Deno
permissions its mounts imply. Streams the agent's output, kills the child at
limits.timeout, and writes result.json, status.json, logs/stdout.log,
logs/stderr.log, logs/events.jsonl, changes.json and changes.diff to the
output folder.

Options:
  --var NAME=VALUE  Fill the manifest's {{NAME}} placeholders (repeatable)
  --out DIR         Output folder (default: out/<run id>, in the current folder)
  --apply           After a completed run, commit a cow workspace's changes
                    to its real folder
  --record          Record every capability exchange into the output's cap.jsonl
  --replay FILE     Serve the capabilities from a recorded cap.jsonl, with no
                    network at all
  --snapshot        Save the mounts' final state as snapshot.tar in the output
  --restore FILE    Start from a saved snapshot.tar (its files, over the same
                    folders) instead of the folders alone
  --json            Print the run report as JSON on stdout
  --quiet           No progress line (the agent's output still shows)
  -h, --help        Show this help

Exit codes: 0 completed, 1 failed, 2 bad manifest or usage, 124 timeout
`;

const EXPLAIN = `Usage: oanix explain <env.yaml> [--var NAME=VALUE]... [--json]

Print the namespace table, the permission grant and the deno run command
line the child would get, without running anything. Takes run's --record,
--replay, --snapshot and --restore to explain such a run.
`;

const CHECK = `Usage: oanix check <env.yaml> [--var NAME=VALUE]... [--json]

Check the manifest and everything it names on the host, as run does before
it starts: fields, folders, symlinks, the program and its imports, stdin and
key files. Lists every problem with its field and line; exits 2 if any.
`;

const BENCH = `Usage: oanix bench <bench.yaml> [options]

Run every task × agent × repeat of a benchmark, each as its own sandboxed
run, judged by its task's checker. Writes results.jsonl (a line per trial),
a trial folder each, and report.html; prints a summary table. Running it
again resumes: recorded trials are kept, the others run.

Options:
  --out DIR          Output folder (default: out/bench/<name>)
  --filter TEXT      Only trials whose task/agent/repeat contains TEXT, or
                     matches /REGEX/
  --repeats N        Override the benchmark's repeats
  --concurrency N    Override the benchmark's concurrency
  --queue URL        Enqueue the trials on redis://HOST:PORT/NAME instead, for
                     workers (oanix worker) to run; follow them and write the
                     same results here
  --store DIR        With --queue: the folder shared with the workers
                     (default: oanix-store)
  --json             Print the summary as JSON on stdout
  --quiet            No progress
  -h, --help         Show this help

Exit codes: 0 every trial recorded, 2 bad benchmark or usage, 130 stopped
`;

const MCP = `Usage: oanix mcp <env.yaml> [options]

Serve the manifest's environment to an MCP client over stdio (the client is
the agent; the manifest has no program). The environment starts as for run:
the same permission-mapped child, limits and output folder. Tools: read,
write, edit, list, glob, grep, bash (OANIX's shell over the namespace), task
and set_result (with a task mount), http_request (with an http mount); the
files are resources. When the client disconnects, the session ends and the
output folder gets the changes and changes.diff. stdout carries only MCP
messages; diagnostics go to stderr.

Options:
  --var NAME=VALUE  Fill the manifest's {{NAME}} placeholders (repeatable)
  --out DIR         Output folder (default: out/<run id>, in the current folder)
  --apply           When the session ends completed, commit a cow workspace's
                    changes to its real folder
  --timeout SECS    End the session after SECS seconds (default 3600);
                    limits.timeout bounds each tool call
  --quiet           Only the closing summary on stderr
  -h, --help        Show this help

Add it to a client, e.g. Claude Code:
  claude mcp add oanix -- oanix mcp /abs/path/env.yaml
or a client's JSON configuration (Claude Desktop, ...):
  { "mcpServers": { "oanix": { "command": "oanix",
                               "args": ["mcp", "/abs/path/env.yaml"] } } }
`;

const WORKER = `Usage: oanix worker --queue redis://HOST:PORT/NAME [options]

Take jobs (benchmark trials, runs) from a queue and run each sandboxed on
this machine, until stopped (Ctrl-C gives running jobs back to the queue).
Inputs are read from the store, a folder every machine shares; outputs are
written there. A job asking for more than the policy grants is refused.

Options:
  --queue URL        The queue: redis://[USER:PASSWORD@]HOST:PORT/NAME
  --concurrency N    Jobs at once (default 1)
  --store DIR        The shared folder (default: oanix-store)
  --policy FILE      What a job may ask for (YAML: mounts, hosts, secret_env,
                     record, limits); default: no network but replay, no
                     secrets, at most an hour
  --quiet            No line per job
  -h, --help         Show this help
`;

/**
 * The help text of the CLI.
 *
 * @example
 * ```ts
 * import { CLI_HELP } from "@oanix/oanix/cli";
 * console.log(CLI_HELP.split("\n")[0]);
 * ```
 */
export const CLI_HELP = `oanix: run agents in a namespace, in a child process that holds only the
Deno permissions its mounts imply.

Usage:
  oanix run <env.yaml> [--var NAME=VALUE]... [--out DIR] [--apply] [--json] [--quiet]
            [--record] [--replay FILE] [--snapshot] [--restore FILE]
  oanix explain <env.yaml> [--var NAME=VALUE]... [--json]
  oanix check <env.yaml> [--var NAME=VALUE]... [--json]
  oanix bench <bench.yaml> [--out DIR] [--filter TEXT] [--repeats N] [--concurrency N] [--json]
  oanix bench <bench.yaml> --queue redis://HOST:PORT/NAME [--store DIR] [...]
  oanix mcp <env.yaml> [--var NAME=VALUE]... [--out DIR] [--apply] [--timeout SECS]
  oanix worker --queue redis://HOST:PORT/NAME [--concurrency N] [--store DIR] [--policy FILE]
  oanix <command> --help
  oanix --version

Commands:
  run       Run the manifest's program in a sandboxed child
  explain   Print the namespace, the grant and the exact deno run command
  check     Check the manifest and what it names on the host, without running
  bench     Run a benchmark: many agents × many tasks × repeats, scored
  mcp       Serve the environment to an MCP client (Claude Code, ...) over stdio
  worker    Run jobs from a queue (with bench --queue: many machines)

Paths are relative to the current folder; paths inside a manifest are
relative to the manifest's folder.

Exit codes:
  0 completed, 1 failed, 2 bad manifest or usage, 124 timeout
`;

/**
 * The help of each subcommand.
 *
 * @example
 * ```ts
 * import { COMMAND_HELP } from "./help.ts";
 * console.log(COMMAND_HELP.run.split("\n")[0]); // "Usage: oanix run <env.yaml> [options]"
 * ```
 */
export const COMMAND_HELP: Readonly<Record<Command, string>> = {
  run: RUN,
  explain: EXPLAIN,
  check: CHECK,
  bench: BENCH,
  mcp: MCP,
  worker: WORKER,
};
