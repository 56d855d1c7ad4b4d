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
