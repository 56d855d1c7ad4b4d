/**
 * HttpFs and HttpExecutor at real sizes, against a real server on
 * 127.0.0.1: bodies of 100 MiB both ways through /cap/http, byte-exact,
 * with the host's memory measured; a 1 GiB response cut off at a 10 MiB
 * limit while it streams, the host serving on; a WASI program reading a
 * download like a file.
 */
import assert from "@std/assert";
import {
  AllowList,
  type HttpFailure,
  HttpFs,
  type HttpOutcome,
  type HttpResponse,
  isHttpFailure,
  readJsonWhenReady,
  submitJson,
} from "../../src/capabilities/mod.ts";
import { ExecutorConfig, ExecutorManager, RetryPolicy } from "../../src/executor/mod.ts";
import type { FileHandle } from "../../src/fs/types.ts";
import { Namespace } from "../../src/namespace/mod.ts";
import { WasiRuntime } from "../../src/wasi/mod.ts";
import {
  checkPattern,
  patternBytes,
  startHttpServer,
  type TestHttpServer,
} from "../helpers/http_server.ts";
import { collect, MemoryProbe, mib } from "../helpers/memory_probe.ts";
import { until } from "../helpers/wait.ts";

const MiB = 1 << 20;
const GiB = 1 << 30;

async function withHttp(
  limits: ConstructorParameters<typeof HttpFs>[0],
  fn: (http: HttpFs, ns: Namespace, server: TestHttpServer) => Promise<void>,
): Promise<void> {
  const server = startHttpServer();
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1"]), ...limits });
  const config = ExecutorConfig.builder().httpRetry(RetryPolicy.exponential(2, 5, 20)).build();
  const manager = new ExecutorManager(config).attachHttp(http);
  manager.start();
  const ns = Namespace.builder().mount("/cap/http", http).build();
  try {
    await fn(http, ns, server);
  } finally {
    await manager.shutdown();
    await server.close();
  }
}

/** A handle's content from its position on, in reads of `size` bytes. */
function* reads(h: FileHandle, size = MiB): Generator<Uint8Array> {
  const buf = new Uint8Array(size);
  for (let n = h.read(buf); n > 0; n = h.read(buf)) yield buf.subarray(0, n);
}

function failed(o: HttpOutcome): HttpFailure {
  assert.ok(isHttpFailure(o), `expected a failure, got ${JSON.stringify(o).slice(0, 300)}`);
  return o as HttpFailure;
}

Deno.test("100 MiB goes through /cap/http both ways byte-exact, with host memory bounded", async () => {
  const size = 100 * MiB;
  await withHttp(
    { maxRequestBytes: size, maxResponseBytes: size, maxBufferedBytes: 2 * size },
    async (http, ns, server) => {
      const probe = new MemoryProbe();
      // The agent writes the body like a file, then names it in the request.
      const block = patternBytes(MiB);
      const up = ns.open("/cap/http/uploads/big.bin", { write: true, create: true });
      for (let at = 0; at < size; at += MiB) {
        assert.equal(up.write(block), MiB);
        probe.sample();
      }
      up.close();
      assert.equal(ns.stat("/cap/http/uploads/big.bin").size, size);
      const { id } = submitJson(ns, "/cap/http/request", {
        method: "PUT",
        url: `${server.origin}/echo-bin`,
        body_file: "big.bin",
      }) as { id: string };
      assert.deepEqual(ns.readdir("/cap/http/uploads"), [], "the request took the upload over");

      const out = await readJsonWhenReady(ns, `/cap/http/responses/${id}.json`) as Record<
        string,
        unknown
      >;
      assert.equal(out.status, 200);
      assert.equal(out.body_size, size);
      assert.equal(out.body_file, `${id}.body`);
      assert.ok(!("body" in out), "a body this large is not inlined in the JSON");

      // The agent reads the response body like any file: read, then pread.
      const body = ns.open(`/cap/http/responses/${id}.body`);
      assert.equal(body.stat().size, size);
      const seen = await checkPattern((function* () {
        for (const chunk of reads(body)) {
          probe.sample();
          yield chunk;
        }
      })());
      assert.deepEqual(seen, { bytes: size, firstMismatch: -1 }, "byte-exact");
      const one = new Uint8Array(1);
      assert.equal(body.pread(one, size - 1), 1);
      assert.equal(one[0], ((size - 1) * 31 + 7) & 0xff);
      body.close();

      const growth = probe.stop();
      console.log(`100 MiB up and 100 MiB down: peak RSS growth ${mib(growth)}`);
      // Held at most: the upload's pages and the Blob fetch sends (a copy made at submit, so
      // that the body goes out with a Content-Length), and the response: 3 x size, plus the
      // sockets' buffers. Freed pages stay in the RSS until reused.
      assert.ok(growth < 4 * size, `peak RSS growth ${mib(growth)} for 2 x ${mib(size)}`);
      assert.equal(http.status().bufferedBytes, size, "only the response body is held now");
      ns.remove(`/cap/http/responses/${id}.json`);
      assert.equal(http.status().bufferedBytes, 0, "removing the response frees its body");
    },
  );
});

Deno.test("a 1 GiB response against a 10 MiB limit fails while streaming, and the host keeps serving", async () => {
  const limit = 10 * MiB;
  await withHttp({ maxResponseBytes: limit }, async (http, _ns, server) => {
    const probe = new MemoryProbe();
    const id = http.submitRequest({ url: `${server.origin}/stream?bytes=${GiB}` });
    const f = failed(await http.response(id));
    const growth = probe.stop();
    assert.equal(f.errorKind, "tooLarge");
    assert.equal(f.error, `response too large (limit ${limit} bytes)`);
    assert.equal(f.attempts, 1, "a response too large is not retried");
    await until(() => server.streamsCancelled() === 1, server.nextStreamCancel, "the cancel");
    assert.ok(server.streamed() < 4 * limit, `the server made only ${mib(server.streamed())}`);
    assert.ok(growth < 8 * limit, `peak RSS growth ${mib(growth)}`);
    assert.equal(http.status().bufferedBytes, 0, "the partial body was released");

    // The same process keeps serving.
    const ok = await http.response(http.submitRequest({ url: `${server.origin}/ok` }));
    assert.ok(!isHttpFailure(ok) && ok.status === 200 && ok.body === "ok");
  });
});

Deno.test("a response whose Content-Length is over the limit fails before its body is read", async () => {
  await withHttp({ maxResponseBytes: MiB }, async (http, _ns, server) => {
    const id = http.submitRequest({ url: `${server.origin}/stream?bytes=${GiB}&length=1` });
    const f = failed(await http.response(id));
    assert.equal(f.error, `response too large (limit ${MiB} bytes)`);
    assert.ok(server.streamed() < 8 * MiB, `the server made only ${mib(server.streamed())}`);
  });
});

Deno.test("responses that together pass maxBufferedBytes fail until finished ones are removed", async () => {
  await withHttp(
    { maxResponseBytes: 4 * MiB, maxBufferedBytes: 6 * MiB },
    async (http, ns, server) => {
      const first = http.submitRequest({ url: `${server.origin}/stream?bytes=${4 * MiB}` });
      assert.ok(!isHttpFailure(await http.response(first)));
      const second = failed(
        await http.response(
          http.submitRequest({ url: `${server.origin}/stream?bytes=${4 * MiB}` }),
        ),
      );
      assert.equal(second.errorKind, "tooLarge");
      assert.match(second.error, /maxBufferedBytes \(6291456 bytes\); remove finished responses/);
      ns.remove(`/cap/http/responses/${first}.json`);
      const third = await http.response(
        http.submitRequest({ url: `${server.origin}/stream?bytes=${4 * MiB}` }),
      );
      assert.ok(!isHttpFailure(third) && third.bodySize === 4 * MiB);
    },
  );
});

Deno.test("a WASI program reads a 32 MiB download with read and pread, as a file", async () => {
  const size = 32 * MiB;
  await withHttp({}, async (http, ns, server) => {
    const id = http.submitRequest({ url: `${server.origin}/stream?bytes=${size}` });
    const wasm = await Deno.readFile(new URL("./fixtures/bodysum.wasm", import.meta.url));
    // Started at once: its reads suspend until the response is there.
    const r = await new WasiRuntime().run(ns, wasm, {
      args: ["bodysum", `/cap/http/responses/${id}.body`, String(size - 3)],
    });
    assert.equal(r.exitCode, 0, r.stdoutText);
    let sum = 0;
    for (const b of patternBytes(size)) sum = (Math.imul(sum, 31) + b) >>> 0;
    const last = ((size - 3) * 31 + 7) & 0xff;
    assert.equal(r.stdoutText.trim(), `size ${size} sum ${sum} at ${size - 3} ${last}`);
  });
});

Deno.test("a 5 MiB binary body inline as base64 is accepted (no regular expression over it)", async () => {
  const size = 5 * MiB;
  await withHttp({}, async (http, ns, server) => {
    collect();
    const { id } = submitJson(ns, "/cap/http/request", {
      method: "POST",
      url: `${server.origin}/sink`,
      body: patternBytes(size).toBase64(),
      body_encoding: "base64",
    }) as { id: string };
    const out = await http.response(id);
    assert.ok(!isHttpFailure(out), JSON.stringify(out));
    assert.deepEqual(JSON.parse((out as HttpResponse).body!), { bytes: size, firstMismatch: -1 });
  });
});
