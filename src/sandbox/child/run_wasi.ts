/**
 * Running a WASI program over the child's namespace (in the full
 * environment: the plain one, which runs module agents, never loads the
 * WASI runtime).
 *
 * Not part of the public API.
 *
 * @module
 */

import { WasiRuntime } from "../../wasi/wasi_runtime.ts";
import type { ChildMessage } from "../runner/run_protocol.ts";
import type { ChildStart } from "./child_protocol.ts";
import type { BuiltNamespace } from "./namespace_core.ts";
import { outputDecoder, ProgramTimeout, stdinBytes } from "./run_program.ts";

/**
 * Runs the WASI program of `start` over `built` until it ends; resolves
 * with its exit code. Its output goes to /logs when mounted, else to the
 * runner. Throws {@linkcode ProgramTimeout} when `deadline` ended it.
 */
export async function runWasi(
  start: ChildStart,
  built: BuiltNamespace,
  send: (msg: ChildMessage) => void,
  deadline: AbortSignal,
): Promise<number> {
  const program = start.boot.manifest.program!;
  const timeoutSecs = start.boot.manifest.limits.timeoutSecs;
  const decode = outputDecoder();
  const bytes = await Deno.readFile(program.path);
  const forward = (stream: "stdout" | "stderr") => (chunk: Uint8Array) =>
    send({ type: "output", stream, text: decode(stream, chunk) });
  const stdin = stdinBytes(start);
  const result = await new WasiRuntime().run(built.namespace, bytes, {
    args: [program.path.split("/").pop()!, ...program.args],
    env: program.env,
    ...(stdin === undefined ? {} : { stdin }),
    timeoutMs: timeoutSecs * 1000,
    ...(built.logs ? {} : { onStdout: forward("stdout"), onStderr: forward("stderr") }),
  });
  if (deadline.aborted) throw new ProgramTimeout();
  return result.exitCode;
}
