/**
 * HttpExecutor against a real server on 127.0.0.1: every submitted request
 * ends in exactly one response or failure.
 */
import assert from "@std/assert";
import {
  AllowList,
  decodeBase64,
  type HttpFailure,
  HttpFs,
  type HttpOutcome,
  type HttpResponse,
  isHttpFailure,
} from "../../src/capabilities/mod.ts";
import {
  ExecutorConfig,
  ExecutorManager,
  type HostCredentials,
  type Resolver,
  RetryPolicy,
} from "../../src/executor/mod.ts";
import {
  closedPort,
  patternBytes,
  startHttpServer,
  startResetServer,
  type TestHttpServer,
} from "../helpers/http_server.ts";

const FAST_RETRY = RetryPolicy.exponential(3, 5, 50);

interface Rig {
  server: TestHttpServer;
  http: HttpFs;
  manager: ExecutorManager;
}

async function withRig(
  opts: {
    allow?: AllowList;
    config?: ExecutorConfig;
    credentials?: HostCredentials;
    resolve?: Resolver;
  },
  fn: (rig: Rig) => Promise<void>,
): Promise<void> {
  const server = startHttpServer();
  const http = new HttpFs({ allowList: opts.allow ?? AllowList.of(["127.0.0.1"]) });
  const config = opts.config ?? ExecutorConfig.builder().httpRetry(FAST_RETRY).build();
  const manager = new ExecutorManager(config, { resolve: opts.resolve });
  manager.attachHttp(http, { credentials: opts.credentials });
  manager.start();
  try {
    await fn({ server, http, manager });
  } finally {
    await manager.shutdown();
    await server.close();
  }
}

function ok(o: HttpOutcome): HttpResponse {
  assert.ok(!isHttpFailure(o), `expected a response, got failure: ${JSON.stringify(o)}`);
  return o as HttpResponse;
}

function failed(o: HttpOutcome): HttpFailure {
  assert.ok(isHttpFailure(o), `expected a failure, got ${JSON.stringify(o)}`);
  return o as HttpFailure;
}

Deno.test("a GET to an allowed host completes with status, headers, body, duration and attempts", async () => {
  await withRig({}, async ({ server, http }) => {
    const id = http.submitRequest({
      url: `${server.origin}/echo?x=1`,
      headers: { "X-Agent": "oanix" },
    });
    const r = ok(await http.response(id));
    assert.equal(r.requestId, id);
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.attempts, 1);
    assert.ok(r.durationMs >= 0);
    const echoed = JSON.parse(r.body!);
    assert.equal(echoed.path, "/echo?x=1");
    assert.equal(echoed.headers["x-agent"], "oanix");
  });
});

Deno.test("every method is sent as written, with its body", async () => {
  await withRig({}, async ({ server, http }) => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
      const id = http.submitRequest({
        method,
        url: `${server.origin}/echo`,
        body: `via ${method}`,
      });
      const echoed = JSON.parse(ok(await http.response(id)).body!);
      assert.equal(echoed.method, method);
      assert.equal(echoed.body, `via ${method}`);
    }
    const head = ok(
      await http.response(http.submitRequest({ method: "HEAD", url: `${server.origin}/ok` })),
    );
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
  });
});

Deno.test("a slow server fails the request with a timeout after the per-request timeoutMs", async () => {
  const config = ExecutorConfig.builder().httpRetry(RetryPolicy.none()).build();
  await withRig({ config }, async ({ server, http }) => {
    const t0 = performance.now();
    const id = http.submitRequest({ url: `${server.origin}/slow?ms=5000`, timeoutMs: 100 });
    const f = failed(await http.response(id));
    assert.equal(f.errorKind, "timeout");
    assert.match(f.error, /timed out after 100 ms/);
    assert.ok(performance.now() - t0 < 2000);
  });
});

Deno.test("the config's httpTimeout applies when a request sets no timeout", async () => {
  const config = ExecutorConfig.builder().httpTimeout(80).httpRetry(RetryPolicy.none()).build();
  await withRig({ config }, async ({ server, http }) => {
    const f = failed(
      await http.response(http.submitRequest({ url: `${server.origin}/slow?ms=5000` })),
    );
    assert.equal(f.errorKind, "timeout");
    assert.match(f.error, /80 ms/);
  });
});

Deno.test("503 twice then 200: the GET is retried and succeeds on the third attempt", async () => {
  await withRig({}, async ({ server, http }) => {
    const r = ok(await http.response(http.submitRequest({ url: `${server.origin}/flaky/a` })));
    assert.equal(r.status, 200);
    assert.equal(r.body, "finally");
    assert.equal(r.attempts, 3);
    assert.equal(server.hits.get("flaky/a"), 3);
  });
});

Deno.test("retries stop at the policy's limit and the last response stands", async () => {
  const config = ExecutorConfig.builder().httpRetry(RetryPolicy.exponential(1, 5, 20)).build();
  await withRig({ config }, async ({ server, http }) => {
    const r = ok(await http.response(http.submitRequest({ url: `${server.origin}/flaky/b` })));
    assert.equal(r.status, 503);
    assert.equal(r.attempts, 2);
    assert.equal(server.hits.get("flaky/b"), 2);
  });
});

Deno.test("408, 429 and 5xx are retried; 404 is not", async () => {
  await withRig({}, async ({ server, http }) => {
    for (const code of [408, 429, 500, 502]) {
      const r = ok(
        await http.response(http.submitRequest({ url: `${server.origin}/status/${code}/k` })),
      );
      assert.equal(r.attempts, 4, `status ${code}`);
      assert.equal(server.hits.get(`status/${code}/k`), 4);
    }
    const r = ok(await http.response(http.submitRequest({ url: `${server.origin}/status/404/k` })));
    assert.equal(r.attempts, 1);
    assert.equal(server.hits.get("status/404/k"), 1);
  });
});

Deno.test("a POST is not retried; a POST with an Idempotency-Key is", async () => {
  await withRig({}, async ({ server, http }) => {
    const plain = ok(
      await http.response(http.submitRequest({
        method: "POST",
        url: `${server.origin}/flaky/post`,
        body: "x",
      })),
    );
    assert.equal(plain.status, 503);
    assert.equal(plain.attempts, 1);
    assert.equal(server.hits.get("flaky/post"), 1);

    const keyed = ok(
      await http.response(http.submitRequest({
        method: "POST",
        url: `${server.origin}/flaky/keyed`,
        headers: { "Idempotency-Key": "k-1" },
        body: "x",
      })),
    );
    assert.equal(keyed.status, 200);
    assert.equal(server.hits.get("flaky/keyed"), 3);
  });
});

Deno.test("Retry-After is honoured up to the policy's maxDelayMs", async () => {
  const config = ExecutorConfig.builder().httpRetry(RetryPolicy.exponential(2, 5, 1500)).build();
  await withRig({ config }, async ({ server, http }) => {
    const t0 = performance.now();
    const r = ok(
      await http.response(http.submitRequest({ url: `${server.origin}/retry-after/a?s=1` })),
    );
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 2);
    assert.ok(performance.now() - t0 >= 950, "waited for Retry-After");

    const capped = ok(
      await http.response(
        http.submitRequest({ url: `${server.origin}/retry-after/b?s=120&status=503` }),
      ),
    );
    assert.equal(capped.status, 503, "a Retry-After over the cap ends the retries");
    assert.equal(capped.attempts, 1);
    assert.equal(capped.headers["retry-after"], "120");
  });
});

Deno.test("a host outside the allow-list fails at submit, naming the rule, with no I/O", async () => {
  await withRig(
    { allow: AllowList.of([{ host: "127.0.0.1", methods: ["GET"] }]) },
    async ({ server, http }) => {
      const id = http.submitRequest({ url: `http://127.0.0.2:${server.port}/echo` });
      const f = failed(http.getResponse(id)!);
      assert.equal(f.errorKind, "forbidden");
      assert.equal(f.rule, "host");
      assert.equal(f.attempts, 0);
      const m = failed(
        await http.response(http.submitRequest({
          method: "DELETE",
          url: `${server.origin}/echo`,
        })),
      );
      assert.equal(m.rule, "method");
      assert.equal(server.hits.get("echo"), undefined, "the server saw nothing");
    },
  );
});

Deno.test("loopback and private addresses are refused unless the allow-list names them", async () => {
  await withRig({ allow: AllowList.any() }, async ({ server, http }) => {
    for (
      const url of [
        `${server.origin}/ok`,
        "http://localhost/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
      ]
    ) {
      const f = failed(await http.response(http.submitRequest({ url })));
      assert.equal(f.rule, "address", url);
    }
    assert.equal(server.hits.get("ok"), undefined);
  });
});

Deno.test("a name that resolves to a private address is refused after DNS", async () => {
  const resolve: Resolver = (host) => Promise.resolve(host === "internal.test" ? ["10.0.0.7"] : []);
  await withRig({ allow: AllowList.of(["internal.test"]), resolve }, async ({ http }) => {
    const f = failed(
      await http.response(http.submitRequest({ url: "http://internal.test/secrets" })),
    );
    assert.equal(f.errorKind, "forbidden");
    assert.equal(f.rule, "address");
    assert.match(f.error, /internal\.test resolves to 10\.0\.0\.7/);
  });
});

Deno.test("a redirect within the allow-list is followed; one outside it is refused", async () => {
  await withRig({}, async ({ server, http }) => {
    const inside = ok(
      await http.response(http.submitRequest({
        url: `${server.origin}/redirect?to=${encodeURIComponent("/echo")}`,
      })),
    );
    assert.equal(inside.status, 200);
    assert.equal(inside.redirects, 1);
    assert.equal(inside.url, `${server.origin}/echo`);

    const outside = failed(
      await http.response(http.submitRequest({
        url: `${server.origin}/redirect?to=${
          encodeURIComponent(`http://127.0.0.2:${server.port}/echo`)
        }`,
      })),
    );
    assert.equal(outside.errorKind, "forbidden");
    assert.equal(outside.rule, "host");
    assert.match(outside.error, /after 1 redirect/);
    assert.equal(server.hits.get("echo"), 1, "only the allowed hop reached the server");
  });
});

Deno.test("an injected credential reaches its host but no file the agent can read, and not another host", async () => {
  const secret = "Bearer s3cret-token-42";
  await withRig({
    allow: AllowList.of(["127.0.0.1", "localhost"]),
    credentials: { "127.0.0.1": { Authorization: secret } },
  }, async ({ server, http }) => {
    const id = http.submitRequest({ url: `${server.origin}/echo` });
    const pendingView = new TextDecoder().decode(readAll(http, `/pending/${id}.json`));
    const r = ok(await http.response(id));
    assert.equal(server.seenHeaders.at(-1)!.get("authorization"), secret, "the server got it");
    const visible = [
      pendingView,
      new TextDecoder().decode(readAll(http, `/responses/${id}.json`)),
      new TextDecoder().decode(readAll(http, "/status")),
    ].join("\n");
    assert.ok(!visible.includes("s3cret"), "the secret is in no agent-readable file");
    assert.match(JSON.parse(r.body!).headers.authorization, /\[REDACTED\]/);

    const hop = ok(
      await http.response(http.submitRequest({
        url: `${server.origin}/redirect?to=${
          encodeURIComponent(`http://localhost:${server.port}/echo`)
        }`,
      })),
    );
    assert.equal(hop.status, 200);
    assert.equal(
      server.seenHeaders.at(-1)!.get("authorization"),
      null,
      "dropped on the other host",
    );
  });
});

Deno.test("binary bodies round-trip exactly as base64, both ways", async () => {
  await withRig({}, async ({ server, http }) => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const id = http.submitRequest({
      method: "PUT",
      url: `${server.origin}/echo-bin`,
      body: bytes.toBase64(),
      bodyEncoding: "base64",
    });
    const r = ok(await http.response(id));
    assert.equal(r.bodyEncoding, "base64");
    assert.deepEqual(decodeBase64(r.body!), bytes);

    const large = ok(
      await http.response(http.submitRequest({ url: `${server.origin}/large?bytes=1048576` })),
    );
    assert.equal(large.bodyEncoding, "base64");
    assert.ok(sameBytes(decodeBase64(large.body!)!, patternBytes(1048576)), "1 MiB intact");
  });
});

Deno.test("a connection reset and a server that is down both end in a network failure, after retries", async () => {
  const reset = startResetServer();
  try {
    await withRig({}, async ({ http }) => {
      const f = failed(await http.response(http.submitRequest({ url: `${reset.origin}/x` })));
      assert.equal(f.errorKind, "network");
      assert.equal(f.attempts, 4);
      assert.equal(reset.connections(), 4, "each attempt reached the server");

      const down = failed(
        await http.response(
          http.submitRequest({ url: `http://127.0.0.1:${closedPort()}/` }),
        ),
      );
      assert.equal(down.errorKind, "network");
      assert.equal(down.attempts, 4);
    });
  } finally {
    await reset.close();
  }
});

Deno.test("shutdown mid-flight fails in-flight and queued requests with 'shutdown'", async () => {
  const config = ExecutorConfig.builder().httpMaxConcurrent(2).build();
  const server = startHttpServer();
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1"]) });
  const manager = new ExecutorManager(config).attachHttp(http);
  manager.start();
  const ids = [1, 2, 3, 4].map(() => http.submitRequest({ url: `${server.origin}/slow?ms=10000` }));
  assert.equal(http.status().inFlight, 2);
  assert.equal(http.status().queued, 2);
  await manager.shutdown();
  for (const id of ids) {
    const f = failed(http.getResponse(id)!);
    assert.equal(f.errorKind, "shutdown");
    assert.equal(f.error, "shutdown");
  }
  await server.close();
});

Deno.test("1,000 requests at concurrency 32 all complete, never more than 32 at once", async () => {
  const config = ExecutorConfig.builder().httpMaxConcurrent(32).build();
  await withRig({ config }, async ({ server, http }) => {
    const ids = Array.from(
      { length: 1000 },
      () => http.submitRequest({ url: `${server.origin}/ok?wait=1` }),
    );
    const outcomes = await Promise.all(ids.map((id) => http.response(id)));
    assert.equal(outcomes.filter((o) => !isHttpFailure(o) && o.status === 200).length, 1000);
    assert.equal(server.hits.get("ok"), 1000);
    assert.ok(server.maxConcurrent() <= 32, `server saw ${server.maxConcurrent()} at once`);
    assert.deepEqual(http.status(), {
      queued: 0,
      inFlight: 0,
      completed: 1000,
      failed: 0,
      bufferedBytes: 1000 * "ok".length,
    });
  });
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function readAll(http: HttpFs, path: string): Uint8Array {
  const h = http.open(path, { read: true });
  try {
    const out: number[] = [];
    const buf = new Uint8Array(65536);
    for (let n = h.read(buf); n > 0; n = h.read(buf)) out.push(...buf.subarray(0, n));
    return new Uint8Array(out);
  } finally {
    h.close();
  }
}
