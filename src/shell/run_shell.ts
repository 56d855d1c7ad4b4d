// deno-lint-ignore-file no-import-prefix -- full specifiers: the package works without our import map (docs/decisions.md)
/**
 * Running a bash script inside a namespace, with just-bash: the script
 * sees the namespace and nothing else.
 *
 * @module
 */

import { Bash } from "npm:just-bash@3.4.2";
import type { FileService } from "../fs/types.ts";
import { describeValue } from "../services/json_value.ts";
import { capHttpFetch } from "./cap_http_fetch.ts";
import { streamTopLevelOutput } from "./output_streams.ts";
import { type OutputSink, ShellDevicesFs } from "./shell_devices_fs.ts";
import { shellCommandNames, unavailableCommands } from "./shell_commands.ts";
import { executionLimitsOf } from "./shell_limits.ts";
import {
  type CheckedShellOptions,
  checkShellOptions,
  type ShellOptions,
  type ShellResult,
} from "./shell_options.ts";

const HTTP_ROOT = "/cap/http";
const encoder = new TextEncoder();
/** What just-bash says when `maxOutputSize` stops a run. */
const OUTPUT_LIMIT = /output size (limit )?exceeded/;
/** What just-bash says when `maxExecutionTimeMs` stops a run. */
const DEADLINE = /execution deadline/;

/** One output stream: kept for the result and passed on as it comes. */
class Stream {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #listener: ((chunk: Uint8Array) => void) | undefined;

  constructor(listener: ((chunk: Uint8Array) => void) | undefined) {
    this.#listener = listener;
  }

  readonly write: OutputSink = (chunk) => {
    const copy = chunk.slice();
    this.#chunks.push(copy);
    this.#size += copy.length;
    try {
      this.#listener?.(copy);
    } catch { /* a failing listener loses its chunk, not the run */ }
  };

  text(): string {
    const all = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all);
  }
}

function hasHttp(fs: FileService): boolean {
  try {
    return fs.stat(`${HTTP_ROOT}/request`).kind === "file";
  } catch {
    return false;
  }
}

/** `'it'\''s'`: a word the shell reads back as exactly `s`. */
function quoted(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function withArgs(script: string, args: string[]): string {
  // On the script's first line, so $LINENO and error lines stay as written.
  return args.length === 0 ? script : `set -- ${args.map(quoted).join(" ")}; ${script}`;
}

function makeBash(fs: ShellDevicesFs, o: CheckedShellOptions, signal: AbortSignal): Bash {
  const http = hasHttp(fs.namespace)
    ? { fetch: capHttpFetch(fs.namespace, HTTP_ROOT, signal) }
    : {};
  const bash = new Bash({
    fs,
    cwd: o.cwd,
    env: { HOME: o.cwd },
    commands: shellCommandNames(),
    customCommands: unavailableCommands(),
    executionLimitProfile: "hardened",
    executionLimits: executionLimitsOf(o.limits),
    // It patches process-wide globals while a script runs; see docs/shell.md.
    defenseInDepth: false,
    ...http,
  });
  bash.registerTransformPlugin(streamTopLevelOutput());
  return bash;
}

/**
 * Runs a bash `script` with `namespace` as its whole file system, through
 * [just-bash](https://github.com/vercel-labs/just-bash) (a bash
 * interpreter in TypeScript with about 80 commands). Every read, write,
 * listing and rename goes through the namespace: read-only mounts refuse,
 * CowFs keeps the changes, capability files work
 * (`echo '{"id":"r1","url":"..."}' > /cap/http/request; cat
 * /cap/http/responses/r1.json` waits for the response), `/etc/passwd` is
 * whatever the namespace has there. No host file, process, network or
 * environment variable is reachable: `curl` exists only with `/cap/http`
 * mounted and goes through it.
 *
 * The limits (commands, loop iterations, output bytes, time) are
 * just-bash's own; see {@linkcode ShellLimits} for the defaults. A script
 * that hits one ends with exit code 126 (124 for time), the reason on
 * stderr, and the output up to there.
 *
 * A redirection (`>`, `>>`) to a file the namespace refuses ends the
 * top-level command it is part of with status 1 and the refusal on stderr
 * (the rest of an `a > f || b` list is skipped), and the script goes on.
 * Commands that write files themselves (`cp`, `tee`, `sed -i`, `mkdir`,
 * ...) fail exactly as in bash.
 *
 * @param namespace what the script sees (a Namespace, or any FileService)
 * @param script the bash source
 * @param options see {@linkcode ShellOptions}
 * @returns how the run ended; see {@linkcode ShellResult}
 * @throws {TypeError} for a bad argument, naming it.
 * @throws {FsError} when `cwd` is missing or not a directory.
 * @throws the signal's reason when `options.signal` aborts.
 *
 * @example
 * ```ts
 * import { MapFs, MemFs, Namespace } from "@oanix/oanix";
 * import { runShell } from "./run_shell.ts";
 * const ns = Namespace.builder()
 *   .mount("/workspace", MapFs.fromObject({ "/notes.txt": "b\na\nb\n" }))
 *   .mount("/tmp", new MemFs())
 *   .build();
 * const r = await runShell(ns, "sort -u notes.txt > /tmp/out; cat /tmp/out; cat /etc/passwd");
 * console.log(r.exitCode, r.stdout, r.stderr);
 * // 1 "a\nb\n" "cat: /etc/passwd: No such file or directory\n"
 * ```
 */
export async function runShell(
  namespace: FileService,
  script: string,
  options: ShellOptions = {},
): Promise<ShellResult> {
  if (
    namespace === null || typeof namespace !== "object" || typeof namespace.open !== "function"
  ) {
    throw new TypeError(
      `runShell: expected a FileService or Namespace, got ${describeValue(namespace)}`,
    );
  }
  if (typeof script !== "string") {
    throw new TypeError(`runShell: script must be a string, got ${describeValue(script)}`);
  }
  const o = checkShellOptions(namespace, options);
  o.signal?.throwIfAborted();
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(new DOMException(`timed out after ${o.limits.timeoutMs} ms`, "TimeoutError"));
  }, o.limits.timeoutMs);
  const signal = o.signal === undefined
    ? deadline.signal
    : AbortSignal.any([o.signal, deadline.signal]);
  const stdout = new Stream(o.onStdout);
  const stderr = new Stream(o.onStderr);
  const fs = new ShellDevicesFs(namespace, { stdout: stdout.write, stderr: stderr.write }, {
    signal,
  });
  let exitCode: number;
  try {
    const r = await makeBash(fs, o, signal).exec(withArgs(script, o.args), {
      cwd: o.cwd,
      env: { ...o.env, PWD: o.cwd },
      signal,
      rawScript: true,
      ...(o.stdin === undefined ? {} : { stdin: o.stdin }),
    });
    // What no top-level command printed: the interpreter's own messages.
    if (r.stdout !== "") stdout.write(encoder.encode(r.stdout));
    if (r.stderr !== "") stderr.write(encoder.encode(r.stderr));
    exitCode = r.exitCode;
  } catch (e) {
    exitCode = failedRun(e, deadline.signal, o.signal, stderr);
  } finally {
    clearTimeout(timer);
  }
  o.signal?.throwIfAborted();
  const errText = stderr.text();
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: errText,
    truncated: exitCode === 126 && OUTPUT_LIMIT.test(errText),
    timedOut: deadline.signal.aborted || (exitCode === 124 && DEADLINE.test(errText)),
  };
}

/**
 * The exit code of a run whose `exec` threw: the caller's abort is
 * rethrown, the deadline is 124; anything else is a fault, rethrown.
 * (A refusal by the namespace does not get here: each top-level command
 * runs in a group, and a group turns errors into a failed command.)
 */
function failedRun(
  e: unknown,
  deadline: AbortSignal,
  caller: AbortSignal | undefined,
  stderr: Stream,
): number {
  caller?.throwIfAborted();
  if (!deadline.aborted) throw e;
  stderr.write(encoder.encode(`bash: ${(deadline.reason as Error).message}\n`));
  return 124;
}
