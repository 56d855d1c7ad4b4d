/**
 * What the runtime must know about a module before it runs it: that it is
 * a WASI command it can run, whether it has a start section, and how to
 * name a trap.
 *
 * @module
 */

import { PREVIEW1_FUNCTIONS } from "./constants.ts";
import { WasiModuleError } from "./errors.ts";

/**
 * Refuses a module that is not a WASI command this runtime can run: no
 * `_start` (or a reactor), no exported memory, or foreign imports.
 *
 * @throws {WasiModuleError} naming what is wrong.
 *
 * @example
 * ```ts
 * import { checkCommandModule } from "./module_check.ts";
 * const bytes = await Deno.readFile("examples/hello-wasi/hello.wasm");
 * checkCommandModule(await WebAssembly.compile(bytes)); // passes
 * ```
 */
export function checkCommandModule(module: WebAssembly.Module): void {
  const exports = WebAssembly.Module.exports(module);
  const start = exports.find((e) => e.name === "_start");
  if (start === undefined || start.kind !== "function") {
    const reactor = exports.some((e) => e.name === "_initialize");
    throw new WasiModuleError(
      reactor
        ? "it has no _start: it is a WASI reactor (it exports _initialize), not a command"
        : "it exports no _start function, so it is not a WASI command",
    );
  }
  if (!exports.some((e) => e.name === "memory" && e.kind === "memory")) {
    throw new WasiModuleError('it exports no memory named "memory"');
  }
  const known = new Set<string>(PREVIEW1_FUNCTIONS);
  const missing = WebAssembly.Module.imports(module)
    .filter((i) => i.module !== "wasi_snapshot_preview1" || !known.has(i.name))
    .map((i) => `${i.module}.${i.name}`);
  if (missing.length > 0) {
    throw new WasiModuleError(
      `it imports what this runtime does not provide: ${missing.join(", ")}`,
    );
  }
}

const START_SECTION = 8;

/**
 * True when the wasm binary `bytes` has a start section: a function the
 * engine runs during instantiation, before `_start`, outside
 * `WebAssembly.promising` (so none of its imports may suspend). Malformed
 * bytes answer false (compiling them fails anyway).
 *
 * @example
 * ```ts
 * import { hasStartSection } from "./module_check.ts";
 * const bytes = await Deno.readFile("examples/hello-wasi/hello.wasm");
 * console.log(hasStartSection(bytes)); // false
 * ```
 */
export function hasStartSection(bytes: Uint8Array): boolean {
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (at >= bytes.length) return false;
      const b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    if (id === START_SECTION) return true;
    at += size;
  }
  return false;
}

const startSections = new WeakMap<WebAssembly.Module, boolean>();

/**
 * Compiles `bytes` and remembers whether the module has a start section
 * (see {@linkcode moduleHasStart}).
 *
 * @example
 * ```ts
 * import { compileNoted, moduleHasStart } from "./module_check.ts";
 * const m = await compileNoted(await Deno.readFile("examples/hello-wasi/hello.wasm"));
 * console.log(moduleHasStart(m)); // false
 * ```
 */
export async function compileNoted(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  startSections.set(module, hasStartSection(bytes));
  return module;
}

/**
 * Whether a module compiled by {@linkcode compileNoted} has a start
 * section; undefined for a module compiled elsewhere (its bytes are gone).
 *
 * @example
 * ```ts
 * import { moduleHasStart } from "./module_check.ts";
 * const m = await WebAssembly.compile(await Deno.readFile("examples/hello-wasi/hello.wasm"));
 * console.log(moduleHasStart(m)); // undefined
 * ```
 */
export function moduleHasStart(module: WebAssembly.Module): boolean | undefined {
  return startSections.get(module);
}

/**
 * Names the trap in an engine error, or undefined when it is no trap.
 *
 * @example
 * ```ts
 * import { trapName } from "./module_check.ts";
 * console.log(trapName(new WebAssembly.RuntimeError("unreachable"))); // "unreachable"
 * console.log(trapName(new TypeError("x"))); // undefined
 * ```
 */
export function trapName(e: unknown): string | undefined {
  if (e instanceof WebAssembly.RuntimeError) return e.message || "unknown trap";
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "stack overflow";
  return undefined;
}
