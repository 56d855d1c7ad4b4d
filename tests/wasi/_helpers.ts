/** Shared helpers for the WASI tests. */
import { MapFs, MemFs, Namespace, WasiRuntime } from "./_mod.ts";

const FIXTURES = new URL("../fixtures/wasi/", import.meta.url);

/** One runtime for the tests, so each fixture is compiled once. */
export const runtime: WasiRuntime = new WasiRuntime({ cacheSize: 64 });

const loaded = new Map<string, Uint8Array>();

/** The bytes of tests/fixtures/wasi/NAME.wasm. */
export async function fixture(name: string): Promise<Uint8Array> {
  let bytes = loaded.get(name);
  if (bytes === undefined) {
    bytes = await Deno.readFile(new URL(`${name}.wasm`, FIXTURES));
    loaded.set(name, bytes);
  }
  return bytes;
}

/** A namespace with a read-only /workspace (input.txt) and a MemFs /tmp. */
export function testNamespace(): { ns: Namespace; tmp: MemFs } {
  const tmp = new MemFs();
  const ns = Namespace.builder()
    .mount("/workspace", MapFs.builder().file("/input.txt", "input data\n").build())
    .mount("/tmp", tmp)
    .build();
  return { ns, tmp };
}

/** The "FAIL ..." lines of a fixture's output. */
export function failures(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("FAIL"));
}

/** The "ok NAME" names of a fixture's output. */
export function oks(stdout: string): Set<string> {
  return new Set(stdout.split("\n").filter((l) => l.startsWith("ok ")).map((l) => l.slice(3)));
}

/** Compiles WAT text to wasm bytes with npm:wabt. */
export async function wat(text: string): Promise<Uint8Array> {
  const { default: init } = await import("wabt");
  const wabt = await init();
  const mod = wabt.parseWat("guest.wat", text);
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** Awaits `p`, which must reject with an instance of `cls`; returns the error. */
export async function rejection<T>(p: Promise<unknown>, cls: new (...a: never[]) => T): Promise<T> {
  try {
    await p;
  } catch (e) {
    if (e instanceof cls) return e;
    throw new Error(`expected ${cls.name}, got ${e}`, { cause: e });
  }
  throw new Error(`expected ${cls.name}, but it resolved`);
}

const RESULTS = 60000;

/**
 * A WAT guest module: `body` runs in _start; `(call $rec X)` records an errno
 * (one byte each), and the records are written to stdout at the end.
 */
export function guest(imports: string, body: string, extra = ""): string {
  return `(module
  ${imports}
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (func $rec (param i32)
    (i32.store8 (i32.add (i32.const ${RESULTS}) (global.get $n)) (local.get 0))
    (global.set $n (i32.add (global.get $n) (i32.const 1))))
  ${extra}
  (func (export "_start")
    ${body}
    (i32.store (i32.const 59990) (i32.const ${RESULTS}))
    (i32.store (i32.const 59994) (global.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 59990) (i32.const 1) (i32.const 59980)))))`;
}

/** Declares preview1 import `name` as `$name`: `params` i32s (i64 at `i64At`). */
export const I = (name: string, params: number, results = 1, i64At: number[] = []) => {
  const ps = Array.from({ length: params }, (_, i) => (i64At.includes(i) ? "i64" : "i32")).join(
    " ",
  );
  return `(import "wasi_snapshot_preview1" "${name}" (func $${name} (param ${ps})${
    results ? " (result i32)" : ""
  }))`;
};
