/**
 * Credentials held by the host, against a real server on 127.0.0.1:
 * secrets named by `{{secret:NAME}}` placeholders are filled in on the
 * wire only, after the allow-list check, for their own hosts only, and
 * every other case fails closed before a byte is sent. What the agent
 * sees (files, responses) holds the placeholder, never the secret.
 */
import assert from "@std/assert";
import {
  AllowList,
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
  type HostSecrets,
  RetryPolicy,
} from "../../src/executor/mod.ts";
import { readText } from "../../src/fs/mod.ts";
import { startHttpServer, type TestHttpServer } from "../helpers/http_server.ts";

const TOKEN = "tok-7f3a9c1e-secret";
const SECRETS: HostSecrets = { API_TOKEN: { value: TOKEN, hosts: ["127.0.0.1"] } };

async function withRig(
  opts: { secrets?: HostSecrets; credentials?: HostCredentials },
  fn: (http: HttpFs, server: TestHttpServer) => Promise<void>,
): Promise<void> {
  const server = startHttpServer();
  const http = new HttpFs({ allowList: AllowList.of(["127.0.0.1", "localhost"]) });
  const config = ExecutorConfig.builder().httpRetry(RetryPolicy.none()).build();
  const manager = new ExecutorManager(config).attachHttp(http, opts);
  manager.start();
  try {
    await fn(http, server);
  } finally {
    await manager.shutdown();
    await server.close();
  }
}

function ok(o: HttpOutcome): HttpResponse {
  assert.ok(!isHttpFailure(o), `expected a response, got ${JSON.stringify(o)}`);
  return o as HttpResponse;
}

function refused(o: HttpOutcome, reason: RegExp): HttpFailure {
  assert.ok(isHttpFailure(o), `expected a refusal, got ${JSON.stringify(o).slice(0, 200)}`);
  const f = o as HttpFailure;
  assert.equal(f.errorKind, "forbidden");
  assert.equal(f.rule, "secret");
  assert.match(f.error, reason);
  assert.ok(!f.error.includes(TOKEN));
  return f;
}

Deno.test("a secret is filled in a header, the query and the body for its host, and only the placeholder is seen", async () => {
  await withRig({ secrets: SECRETS }, async (http, server) => {
    const id = http.submitRequest({
      method: "POST",
      url: `${server.origin}/echo?key={{secret:API_TOKEN}}`,
      headers: { Authorization: "Bearer {{secret:API_TOKEN}}" },
      body: '{"token":"{{secret:API_TOKEN}}"}',
    });
    const pending = readText(http, `/pending/${id}.json`);
    const r = ok(await http.response(id));
    // The server got the secret...
    assert.equal(server.seenHeaders.at(-1)!.get("authorization"), `Bearer ${TOKEN}`);
    assert.equal(new URL(server.seenUrls.at(-1)!).searchParams.get("key"), TOKEN);
    assert.equal(server.seenBodies.at(-1), `{"token":"${TOKEN}"}`);
    // ...the agent sees the placeholder: in its request, and in what the server echoed.
    const echoed = JSON.parse(r.body!);
    assert.equal(echoed.headers.authorization, "Bearer {{secret:API_TOKEN}}");
    assert.equal(echoed.path, "/echo?key={{secret:API_TOKEN}}");
    assert.equal(echoed.body, '{"token":"{{secret:API_TOKEN}}"}');
    const files = [pending, readText(http, `/responses/${id}.json`), readText(http, "/status")];
    assert.ok(files.every((f) => !f.includes(TOKEN)), "no file holds the secret");
    assert.match(pending, /Bearer \{\{secret:API_TOKEN\}\}/);
  });
});

Deno.test("a placeholder naming an unknown secret fails closed, with no I/O", async () => {
  await withRig({ secrets: SECRETS }, async (http, server) => {
    for (
      const init of [
        { url: `${server.origin}/echo`, headers: { "X-Key": "{{secret:NOPE}}" } },
        { url: `${server.origin}/echo?k={{secret:NOPE}}` },
        { method: "POST" as const, url: `${server.origin}/echo`, body: "{{secret:NOPE}}" },
        { url: `${server.origin}/echo`, headers: { "X-Key": "{{secret:bad name}}" } },
      ]
    ) {
      refused(await http.response(http.submitRequest(init)), /unknown secret NOPE|malformed/);
    }
    assert.equal(server.seenHeaders.length, 0, "the server saw nothing");
  });
});

Deno.test("without any secrets configured, a placeholder still fails closed", async () => {
  await withRig({}, async (http, server) => {
    const id = http.submitRequest({
      url: `${server.origin}/echo`,
      headers: { Authorization: "Bearer {{secret:API_TOKEN}}" },
    });
    refused(await http.response(id), /unknown secret API_TOKEN/);
    assert.equal(server.seenHeaders.length, 0);
  });
});

Deno.test("a secret is refused for another host, even one the allow-list allows", async () => {
  await withRig({ secrets: SECRETS }, async (http, server) => {
    const other = `http://localhost:${server.port}`;
    const id = http.submitRequest({
      url: `${other}/echo`,
      headers: { "X-Key": "{{secret:API_TOKEN}}" },
    });
    refused(await http.response(id), /secret API_TOKEN is not for host localhost:\d+/);
    assert.equal(server.seenHeaders.length, 0);
  });
});

Deno.test("a redirect that would carry a placeholder to another host fails closed there", async () => {
  await withRig({ secrets: SECRETS }, async (http, server) => {
    const to = encodeURIComponent(`http://localhost:${server.port}/echo`);
    const id = http.submitRequest({
      method: "PUT",
      url: `${server.origin}/redirect?to=${to}&status=307`,
      headers: { "X-Key": "{{secret:API_TOKEN}}" },
      body: "payload",
    });
    const f = refused(await http.response(id), /not for host localhost.*after 1 redirect/);
    assert.equal(f.attempts, 1);
    assert.equal(server.hits.get("echo"), undefined, "the other host saw nothing");
    assert.equal(server.seenHeaders[0].get("x-key"), TOKEN, "the first hop was its own host");
  });
});

Deno.test("a placeholder in the URL's path is refused: only the query is filled", async () => {
  await withRig({ secrets: SECRETS }, async (http, server) => {
    const id = http.submitRequest({ url: `${server.origin}/v1/{{secret:API_TOKEN}}/x` });
    refused(await http.response(id), /only in the query, headers or body/);
    assert.equal(server.seenHeaders.length, 0);
  });
});

Deno.test("a secret echoed in a streamed body is redacted across chunk boundaries", async () => {
  await withRig({ secrets: SECRETS }, async (http, server) => {
    // 600 KiB of text with placeholders here and there: read as a stream, in chunks.
    const line = "0123456789abcdef".repeat(63) + "{{secret:API_TOKEN}}\n";
    const text = line.repeat(Math.ceil(600 * 1024 / line.length));
    const id = http.submitRequest({
      method: "PUT",
      url: `${server.origin}/echo-chunked?chunk=4093`,
      body: text,
    });
    const r = ok(await http.response(id));
    const placeholders = text.split("{{secret:API_TOKEN}}").length - 1;
    assert.equal(server.seenBodies.at(-1)!.split(TOKEN).length - 1, placeholders, "filled");
    assert.equal(r.bodySize, text.length, "each secret became its placeholder again");
    assert.equal(new TextDecoder().decode(http.responseBody(id)!.toBytes()), text);
  });
});

Deno.test("header credentials go to their exact host (and port) only", async () => {
  await withRig({
    credentials: {
      [`127.0.0.1:1`]: { "X-Wrong-Port": "wrong-port-value" },
      "127.0.0.1": { "X-Host": "host-value" },
    },
  }, async (http, server) => {
    ok(await http.response(http.submitRequest({ url: `${server.origin}/echo` })));
    const seen = server.seenHeaders.at(-1)!;
    assert.equal(seen.get("x-host"), "host-value");
    assert.equal(seen.get("x-wrong-port"), null);
    ok(await http.response(http.submitRequest({ url: `http://localhost:${server.port}/echo` })));
    assert.equal(server.seenHeaders.at(-1)!.get("x-host"), null, "not for localhost");
  });
});

Deno.test("bad secrets are refused when the executor is made, naming the problem", () => {
  const http = new HttpFs();
  const attach = (secrets: unknown) =>
    new ExecutorManager().attachHttp(http, { secrets: secrets as HostSecrets });
  assert.throws(
    () => attach({ "bad name": { value: "abcd", hosts: ["a.example"] } }),
    /must match/,
  );
  assert.throws(() => attach({ K: { value: "ab", hosts: ["a.example"] } }), /at least 4/);
  assert.throws(() => attach({ K: { value: "abcd", hosts: [] } }), /at least one host/);
  assert.throws(() => attach({ K: { value: "abcd", hosts: ["*.example"] } }), /not an exact host/);
});
