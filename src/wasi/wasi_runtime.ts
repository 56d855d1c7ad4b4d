/**
 * WasiRuntime: runs WASI command modules in a namespace, through Deno's
 * WebAssembly API and JSPI. Nothing is copied: the guest's file calls go
 * straight to the mounted services.
 *
 * @module
 */

import type { FileService } from "../fs/types.ts";
import { WasiContext, type WasiRunOptions } from "./context.ts";
import { WasiAbortError, WasiExit, WasiTrapError } from "./errors.ts";
import { checkCommandModule, compileNoted, moduleHasStart, trapName } from "./module_check.ts";
import { createWasiImports } from "./preview1.ts";

const decoder = new TextDecoder();

/**
 * What a finished run gives back.
 *
 * @example
 * ```ts
 * import type { WasiRunResult } from "@oanix/oanix";
 * const show = (r: WasiRunResult) => `${r.exitCode}: ${r.stdoutText}`;
 * ```
 */
export interface WasiRunResult {
  /** The code passed to `proc_exit`, or 0 when `_start` returned. */
  exitCode: number;
  /** Everything the guest wrote to stdout (up to `maxCaptureBytes`). */
  stdout: Uint8Array;
  /** Everything the guest wrote to stderr (up to `maxCaptureBytes`). */
  stderr: Uint8Array;
  /** stdout as UTF-8 text. */
  readonly stdoutText: string;
  /** stderr as UTF-8 text. */
  readonly stderrText: string;
  /** True when more output was written than `maxCaptureBytes` kept. */
  truncated: boolean;
}

/**
 * Options of a {@linkcode WasiRuntime}.
 *
 * @example
 * ```ts
 * import { WasiRuntime } from "@oanix/oanix";
 * const rt = new WasiRuntime({ cacheSize: 4, defaults: { maxFds: 64 } });
 * ```
 */
export interface WasiRuntimeOptions {
  /** How many compiled modules to keep (least recently used go first). Default 16. */
  cacheSize?: number;
  /** Options merged under every run's own. */
  defaults?: WasiRunOptions;
}

/**
 * A wasm module given as bytes or already compiled.
 *
 * @example
 * ```ts
 * import type { WasmSource } from "@oanix/oanix";
 * const src: WasmSource = await Deno.readFile("examples/hello-wasi/hello.wasm");
 * ```
 */
export type WasmSource = Uint8Array | ArrayBuffer | WebAssembly.Module;

type Jspi = {
  Suspending?: unknown;
  promising?: (f: unknown) => (...args: unknown[]) => Promise<unknown>;
};

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Instantiates `mod` and runs its `_start`; resolves with the exit code.
 * `proc_exit` may come from the start section (during instantiation),
 * where the guest cannot suspend yet, or from `_start`.
 */
async function runToExit(
  ctx: WasiContext,
  mod: WebAssembly.Module,
  promising: NonNullable<Jspi["promising"]>,
): Promise<number> {
  try {
    const instance = await WebAssembly.instantiate(
      mod,
      createWasiImports(ctx) as WebAssembly.Imports,
    );
    ctx.attach(instance.exports.memory as WebAssembly.Memory);
    await promising(instance.exports._start)();
    return 0;
  } catch (e) {
    if (e instanceof WasiExit) return e.code;
    throw e;
  }
}

/**
 * Runs WASI command modules against a namespace. Compiled modules are
 * cached by the SHA-256 of their bytes, so running the same program in
 * many environments compiles it once.
 *
 * A guest is stopped by `timeoutMs` at its first host call after the
 * deadline, and by `signal` within a time slice (see `stop.ts`). A guest
 * that spins without calling the host cannot be stopped from the same
 * thread: only the process-level runner (which runs the guest in a child
 * process and kills it) can stop that.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace, readText, WasiRuntime } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const rt = new WasiRuntime();
 * const wasm = await Deno.readFile("examples/hello-wasi/hello.wasm");
 * const r = await rt.run(ns, wasm, { args: ["hello", "world"], env: { USER: "agent" } });
 * console.log(r.exitCode, r.stdoutText);
 * console.log(readText(ns, "/tmp/output.txt"));
 * ```
 */
export class WasiRuntime {
  #cache = new Map<string, Promise<WebAssembly.Module>>();
  #cacheSize: number;
  #defaults: WasiRunOptions;

  /**
   * A runtime with its own compile cache.
   * @param options the cache size and default run options
   */
  constructor(options: WasiRuntimeOptions = {}) {
    this.#cacheSize = options.cacheSize ?? 16;
    this.#defaults = options.defaults ?? {};
  }

  /**
   * Compiles `bytes`, or returns the module compiled before from the same
   * bytes (keyed by SHA-256).
   *
   * @example
   * ```ts
   * import { WasiRuntime } from "@oanix/oanix";
   * const rt = new WasiRuntime();
   * const bytes = await Deno.readFile("examples/hello-wasi/hello.wasm");
   * console.log((await rt.compile(bytes)) === (await rt.compile(bytes))); // true
   * ```
   */
  async compile(bytes: Uint8Array | ArrayBuffer): Promise<WebAssembly.Module> {
    if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
      throw new TypeError("compile: expected wasm bytes (Uint8Array or ArrayBuffer)");
    }
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    // crypto.subtle exists only in secure contexts (a page over plain http
    // from a LAN address has none): there, compile without the cache.
    if (globalThis.crypto?.subtle === undefined) return await compileNoted(view);
    const key = hex(await crypto.subtle.digest("SHA-256", view as Uint8Array<ArrayBuffer>));
    let entry = this.#cache.get(key);
    if (entry !== undefined) {
      this.#cache.delete(key);
      this.#cache.set(key, entry);
      return entry;
    }
    entry = compileNoted(view);
    this.#cache.set(key, entry);
    let module: WebAssembly.Module;
    try {
      module = await entry;
    } catch (e) {
      if (this.#cache.get(key) === entry) this.#cache.delete(key);
      throw e;
    }
    // Evict the least recently used, once the new module is known to be good.
    for (const old of this.#cache.keys()) {
      if (this.#cache.size <= this.#cacheSize) break;
      if (old !== key) this.#cache.delete(old);
    }
    return module;
  }

  /** The number of compiled modules held. */
  get cached(): number {
    return this.#cache.size;
  }

  /**
   * Runs a WASI command module in `namespace` and resolves with its exit
   * code and output. A trap rejects with a {@linkcode WasiTrapError}
   * (exit code 134); a stop with a {@linkcode WasiAbortError}; a module
   * that is no WASI command with a {@linkcode WasiModuleError}.
   */
  async run(
    namespace: FileService,
    module: WasmSource,
    options: WasiRunOptions = {},
  ): Promise<WasiRunResult> {
    const jspi = WebAssembly as unknown as Jspi;
    if (typeof jspi.promising !== "function" || jspi.Suspending === undefined) {
      throw new Error("WasiRuntime needs JSPI (WebAssembly.Suspending and WebAssembly.promising)");
    }
    const mod = module instanceof WebAssembly.Module ? module : await this.compile(module);
    checkCommandModule(mod);
    const ctx = new WasiContext(namespace, { ...this.#defaults, ...options });
    // A start section runs outside WebAssembly.promising, where no import may
    // suspend: such a module (or one whose bytes were never seen) is not sliced.
    if (moduleHasStart(mod) !== false) ctx.stops.withoutSlices();
    const captured = () => ({ stdout: ctx.stdout.bytes(), stderr: ctx.stderr.bytes() });
    try {
      if (ctx.stopped !== undefined) throw ctx.stopped;
      const exitCode = await runToExit(ctx, mod, jspi.promising);
      const out = captured();
      return {
        exitCode,
        ...out,
        truncated: ctx.stdout.truncated || ctx.stderr.truncated,
        get stdoutText() {
          return decoder.decode(out.stdout);
        },
        get stderrText() {
          return decoder.decode(out.stderr);
        },
      };
    } catch (e) {
      if (e instanceof WasiAbortError) {
        Object.assign(e, captured());
        throw e;
      }
      const trap = trapName(e);
      if (trap !== undefined) throw new WasiTrapError(trap, captured(), e);
      throw e;
    } finally {
      ctx.close();
    }
  }
}

let shared: WasiRuntime | undefined;

/**
 * Runs a WASI command module in `namespace` with a shared default
 * {@linkcode WasiRuntime} (and its compile cache).
 *
 * @example
 * ```ts
 * import { MemFs, Namespace, runWasi } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const wasm = await Deno.readFile("examples/hello-wasi/hello.wasm");
 * const { exitCode, stdoutText } = await runWasi(ns, wasm, { args: ["hello"] });
 * console.log(exitCode, stdoutText);
 * ```
 */
export function runWasi(
  namespace: FileService,
  module: WasmSource,
  options?: WasiRunOptions,
): Promise<WasiRunResult> {
  shared ??= new WasiRuntime();
  return shared.run(namespace, module, options);
}
