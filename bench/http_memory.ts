/**
 * Peak host memory for a large download through HttpFs + HttpExecutor,
 * against the body's size, with plain `fetch` + `res.bytes()` in the same
 * run for reference. The target: peak RSS growth under 2x the body.
 *
 *   deno run -A --v8-flags=--expose-gc bench/http_memory.ts [MiB] [--chunked]
 *
 * Each variant runs in a fresh child process (so that one variant's
 * memory, which the allocator keeps after it is freed, does not count for
 * another, and the server's does not count at all); the server, in this
 * process, makes the body on demand, 64 KiB at a time, and sends it with
 * a Content-Length (or, with `--chunked`, without one: then the body is
 * read chunk by chunk and copied into pages). RSS is sampled every 2 ms
 * after a forced GC.
 *
 * @module
 */

import { AllowList, HttpFs, isHttpFailure } from "../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager } from "../src/executor/mod.ts";
import { Namespace } from "../src/namespace/mod.ts";
import { patternStream } from "../tests/helpers/http_server.ts";
import { MemoryProbe, mib } from "../tests/helpers/memory_probe.ts";

const MiB = 1 << 20;

type Variant = "plain fetch" | "HttpFs, host API" | "HttpFs, read as a file";
const VARIANTS: Variant[] = ["plain fetch", "HttpFs, host API", "HttpFs, read as a file"];

/** Downloads `size` bytes from `url` one way; returns the peak RSS growth in bytes. */
async function measure(variant: Variant, url: string, size: number): Promise<number> {
  const http = new HttpFs({
    allowList: AllowList.of(["127.0.0.1"]),
    maxResponseBytes: size,
    maxBufferedBytes: size,
  });
  const manager = new ExecutorManager(ExecutorConfig.default()).attachHttp(http);
  manager.start();
  const probe = new MemoryProbe();
  try {
    if (variant === "plain fetch") {
      const bytes = await (await fetch(url)).bytes();
      if (bytes.length !== size) throw new Error(`got ${bytes.length} bytes`);
    } else {
      const id = http.submitRequest({ url });
      const out = await http.response(id);
      if (isHttpFailure(out) || out.bodySize !== size) throw new Error(JSON.stringify(out));
      if (variant === "HttpFs, read as a file") {
        const ns = Namespace.builder().mount("/cap/http", http).build();
        const h = ns.open(`/cap/http/responses/${id}.body`);
        const buf = new Uint8Array(MiB);
        let total = 0;
        for (let n = h.read(buf); n > 0; n = h.read(buf)) total += n;
        h.close();
        if (total !== size) throw new Error(`read ${total} bytes`);
      }
    }
    return probe.stop();
  } finally {
    probe.stop();
    await manager.shutdown();
  }
}

if (import.meta.main) {
  const child = Deno.args.indexOf("--variant");
  if (child >= 0) {
    const [variant, url, size] = Deno.args.slice(child + 1);
    console.log(JSON.stringify({ growth: await measure(variant as Variant, url, Number(size)) }));
  } else {
    const size = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? "50") * MiB;
    const chunked = Deno.args.includes("--chunked");
    const headers: Record<string, string> = chunked ? {} : { "content-length": String(size) };
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response(patternStream(size), { headers }),
    );
    const how = chunked ? "chunked, no Content-Length" : "with a Content-Length";
    console.log(`peak RSS growth for a ${mib(size)} download, ${how} (each in a fresh process):`);
    for (const variant of VARIANTS) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--v8-flags=--expose-gc",
          import.meta.filename!,
          "--variant",
          variant,
          `http://127.0.0.1:${server.addr.port}/`,
          String(size),
        ],
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error(`${variant} failed`);
      const { growth } = JSON.parse(new TextDecoder().decode(out.stdout));
      console.log(
        `  ${variant.padEnd(24)} ${mib(growth).padStart(10)}  ${
          (growth / size).toFixed(2)
        }x the body`,
      );
    }
    await server.shutdown();
  }
}
