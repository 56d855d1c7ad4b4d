// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * Streaming a shell run's output as it goes. just-bash gathers a script's
 * output and hands it over at the end, and a run that times out or is
 * cancelled loses all of it. So each top-level command is run as
 * `{ COMMAND } >>OUT 2>>ERR`, where OUT and ERR are two device files the
 * shell serves outside the namespace (see `ShellDevicesFs`): what a
 * command prints reaches the caller when that command ends, and stays
 * reached whatever happens next.
 *
 * @module
 */

import type { ScriptNode, StatementNode, TransformPlugin } from "npm:just-bash@3.4.2";

/**
 * Where each top-level command's standard output and error are appended.
 *
 * @example
 * ```ts
 * import { STREAM_PATHS } from "./output_streams.ts";
 * console.log(STREAM_PATHS.stdout); // "/dev/oanix-shell/stdout"
 * ```
 */
export const STREAM_PATHS: Readonly<{ stdout: string; stderr: string }> = Object.freeze({
  stdout: "/dev/oanix-shell/stdout",
  stderr: "/dev/oanix-shell/stderr",
});

function word(text: string) {
  return { type: "Word" as const, parts: [{ type: "Literal" as const, value: text }] };
}

/** `{ STATEMENT } >>OUT 2>>ERR`, in the background if the statement was. */
function wrapped(statement: StatementNode): StatementNode {
  const group = {
    type: "Group",
    body: [{ ...statement, background: false }],
    redirections: [
      { type: "Redirection", fd: null, operator: ">>", target: word(STREAM_PATHS.stdout) },
      { type: "Redirection", fd: 2, operator: ">>", target: word(STREAM_PATHS.stderr) },
    ],
  };
  return {
    type: "Statement",
    pipelines: [{ type: "Pipeline", commands: [group], negated: false }],
    operators: [],
    background: statement.background,
    ...(statement.line === undefined ? {} : { line: statement.line }),
  } as unknown as StatementNode;
}

/**
 * A just-bash transform plugin that appends every top-level command's
 * output to {@linkcode STREAM_PATHS}. A group is not a subshell, so
 * variables, functions, `cd` and `$?` carry on from one command to the
 * next as written; an error inside one (a refused redirection) ends that
 * top-level command with status 1 and the script goes on.
 *
 * @example
 * ```ts
 * import { Bash } from "npm:just-bash@3.4.2";
 * import { MemFs } from "@oanix/oanix";
 * import { streamTopLevelOutput } from "./output_streams.ts";
 * import { ShellDevicesFs } from "./shell_devices_fs.ts";
 * const out: string[] = [];
 * const fs = new ShellDevicesFs(new MemFs(), {
 *   stdout: (c) => out.push(new TextDecoder().decode(c)),
 *   stderr: () => {},
 * });
 * const bash = new Bash({ fs, cwd: "/", defenseInDepth: false });
 * bash.registerTransformPlugin(streamTopLevelOutput());
 * await bash.exec("echo one\necho two");
 * console.log(out); // ["one\n", "two\n"]
 * ```
 */
export function streamTopLevelOutput(): TransformPlugin {
  return {
    name: "oanix-stream-output",
    transform: ({ ast }) => ({
      ast: { ...ast, statements: ast.statements.map(wrapped) } as ScriptNode,
    }),
  };
}
