/**
 * The Scheduler's WASI hook, wired to the WASI runtime: each wasi job runs
 * its module against its environment's namespace. Modules are compiled
 * once per content hash and instantiated per job.
 *
 * @module
 */

import { WasiRuntime } from "../wasi/wasi_runtime.ts";
import type { WasiModuleSource } from "./job_spec.ts";
import type { WasiRunner } from "./job_types.ts";

/** Reads a module given as a path or URL; passes bytes and modules through. */
async function moduleBytes(src: WasiModuleSource): Promise<Uint8Array | WebAssembly.Module> {
  if (typeof src === "string" || src instanceof URL) return await Deno.readFile(src);
  return src;
}

function programName(src: WasiModuleSource): string {
  if (typeof src === "string") return src.split("/").pop() || "program.wasm";
  if (src instanceof URL) return src.pathname.split("/").pop() || "program.wasm";
  return "program.wasm";
}

/**
 * A {@linkcode WasiRunner} over a WasiRuntime (a fresh one by default).
 * The guest gets argv `[name, ...args]`, the job's environment variables,
 * and the job's signal, so timeouts and cancels stop it at its next host
 * call.
 *
 * @example
 * ```ts
 * import { Scheduler, wasiJobRunner, WasiRuntime } from "@oanix/oanix";
 * const scheduler = new Scheduler({ wasiRunner: wasiJobRunner(new WasiRuntime()) });
 * ```
 */
export function wasiJobRunner(runtime: WasiRuntime = new WasiRuntime()): WasiRunner {
  return async (env, job, signal) => {
    const kind = job.spec.kind;
    if (kind.type !== "wasi") throw new TypeError(`job ${job.id} is not a wasi job`);
    const bytes = await moduleBytes(kind.module);
    const module = bytes instanceof WebAssembly.Module ? bytes : await runtime.compile(bytes);
    const result = await runtime.run(env.namespace, module, {
      args: [programName(kind.module), ...kind.args],
      env: { ...job.spec.envVars },
      signal,
    });
    return { exitCode: result.exitCode };
  };
}
