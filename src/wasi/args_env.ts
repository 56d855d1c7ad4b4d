/**
 * `args_get`, `args_sizes_get`, `environ_get` and `environ_sizes_get`.
 *
 * @module
 */

import { ERRNO } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import type { GuestMemory } from "./memory.ts";

function sizes(mem: GuestMemory, list: Uint8Array[], countPtr: number, sizePtr: number): number {
  mem.check(countPtr, 4);
  mem.check(sizePtr, 4);
  let total = 0;
  for (const s of list) total += s.length;
  mem.setU32(countPtr, list.length);
  mem.setU32(sizePtr, total);
  return ERRNO.SUCCESS;
}

function strings(mem: GuestMemory, list: Uint8Array[], ptrs: number, buf: number): number {
  let total = 0;
  for (const s of list) total += s.length;
  mem.check(ptrs, list.length * 4);
  mem.check(buf, total);
  let at = buf;
  for (let i = 0; i < list.length; i++) {
    mem.setU32(ptrs + i * 4, at);
    mem.write(at, list[i]);
    at += list[i].length;
  }
  return ERRNO.SUCCESS;
}

/**
 * The argument and environment imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { argsEnvImports } from "./args_env.ts";
 * const ctx = new WasiContext(new MemFs(), { args: ["prog", "x"] });
 * console.log(Object.keys(argsEnvImports(ctx)).length); // 4
 * ctx.close();
 * ```
 */
export function argsEnvImports(ctx: WasiContext) {
  return {
    args_sizes_get: (countPtr: number, sizePtr: number): number =>
      sizes(ctx.mem, ctx.args, countPtr, sizePtr),
    args_get: (ptrs: number, buf: number): number => strings(ctx.mem, ctx.args, ptrs, buf),
    environ_sizes_get: (countPtr: number, sizePtr: number): number =>
      sizes(ctx.mem, ctx.env, countPtr, sizePtr),
    environ_get: (ptrs: number, buf: number): number => strings(ctx.mem, ctx.env, ptrs, buf),
  };
}
