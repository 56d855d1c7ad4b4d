/** HttpFs as a state machine with a file protocol (no executor, no I/O). */
import assert from "@std/assert";
import { readText } from "../../src/fs/mod.ts";
import {
  AllowList,
  HttpFs,
  type HttpResponse,
  readJsonWhenReady,
  submitJson,
} from "../../src/capabilities/mod.ts";
import { readTextFromHandle } from "../../src/fs/file_io.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

const enc = new TextEncoder();

function write(http: HttpFs, text: string): string {
  const h = http.open("/request", { read: true, write: true });
  try {
    h.write(enc.encode(text));
    return readTextFromHandle(h);
  } finally {
    h.close();
  }
}

Deno.test("writing /request and reading the same handle returns the new id", () => {
  const http = new HttpFs();
  assert.equal(write(http, '{"url":"https://example.com/a"}'), '{"id":"req-1"}');
  assert.equal(
    write(http, '{"url":"https://example.com/b","method":"post","body":"x"}'),
    '{"id":"req-2"}',
  );
  assert.deepEqual(http.pendingIds(), ["req-1", "req-2"]);
  assert.equal(http.pendingRequest("req-2")?.method, "POST");
});

Deno.test("a writer may name its own id; a used id is refused", () => {
  const http = new HttpFs();
  assert.deepEqual(submitJson(http, "/request", { id: "mine", url: "https://example.com/" }), {
    id: "mine",
  });
  throwsFs(
    () => submitJson(http, "/request", { id: "mine", url: "https://example.com/" }),
    "EINVAL",
    /already used/,
  );
  throwsFs(
    () => submitJson(http, "/request", { id: "../x", url: "https://example.com/" }),
    "EINVAL",
    /must match/,
  );
});

Deno.test("malformed requests are EINVAL with a readable reason and leave no trace", () => {
  const http = new HttpFs();
  const cases: [string, RegExp][] = [
    ["{oops", /malformed JSON/],
    ["[1,2]", /must be a JSON object/],
    ['{"method":"GET"}', /missing field "url"/],
    ['{"url":"https://e.com","colour":"red"}', /unknown field "colour"/],
    ['{"url":"https://e.com","headers":5}', /"headers" must be an object/],
    ['{"url":"https://e.com","headers":{"a":1}}', /"headers.a" must be a string/],
    ['{"url":"https://e.com","timeoutMs":"5"}', /"timeoutMs" must be an integer/],
    ['{"url":"https://e.com","method":"BREW"}', /"method" must be one of/],
    ['{"url":"not a url"}', /absolute URL/],
    ['{"url":"file:///etc/passwd"}', /http: or https:/],
    ['{"url":"https://e.com","body":"x"}', /GET request cannot have a body/],
    [
      '{"url":"https://e.com","method":"PUT","body":"@@","bodyEncoding":"base64"}',
      /not valid base64/,
    ],
  ];
  for (const [text, reason] of cases) throwsFs(() => write(http, text), "EINVAL", reason);
  assert.deepEqual(http.status(), {
    queued: 0,
    inFlight: 0,
    completed: 0,
    failed: 0,
    bufferedBytes: 0,
  });
  assert.deepEqual(http.readdir("/pending"), []);
});

Deno.test("a response file opened early reads EAGAIN until the response arrives", async () => {
  const http = new HttpFs();
  const id = http.submitRequest({ url: "https://example.com/" });
  const h = http.open(`/responses/${id}.json`, { read: true });
  throwsFs(() => h.read(new Uint8Array(64)), "EAGAIN");
  const ready = h.whenReadable!();
  const req = http.takePending()!;
  http.completeRequest({ requestId: req.id, status: 201, statusText: "Created", body: "made" });
  await ready;
  const r = JSON.parse(readTextFromHandle(h)) as HttpResponse;
  h.close();
  assert.equal(r.status, 201);
  assert.equal(r.body, "made");
  throwsFs(() => http.open("/responses/req-99.json"), "ENOENT");
});

Deno.test("whenReadable can be cancelled with a signal", async () => {
  const http = new HttpFs();
  const id = http.submitRequest({ url: "https://example.com/" });
  const h = http.open(`/responses/${id}.json`);
  const ac = new AbortController();
  const waiting = h.whenReadable!(ac.signal);
  ac.abort(new Error("gave up"));
  await assert.rejects(waiting, /gave up/);
  h.close();
});

Deno.test("the pending file shows the request and its state until it finishes", async () => {
  const http = new HttpFs();
  const id = http.submitRequest({ url: "https://example.com/", headers: { Accept: "text/plain" } });
  const view = () => JSON.parse(readText(http, `/pending/${id}.json`));
  assert.equal(view().state, "queued");
  assert.equal(view().headers.Accept, "text/plain");
  http.takePending(id);
  assert.equal(view().state, "inFlight");
  http.failRequest(id, "connection refused");
  throwsFs(() => view(), "ENOENT");
  const f = await readJsonWhenReady(http, `/responses/${id}.json`) as {
    error: string;
    error_kind: string;
  };
  assert.equal(f.error, "connection refused");
  assert.equal(f.error_kind, "network");
});

Deno.test("a request the allow-list refuses gets a failure at once, naming the rule", () => {
  const http = new HttpFs({ allowList: AllowList.of(["api.example.com"]) });
  const { id } = submitJson(http, "/request", { url: "https://evil.test/steal" }) as { id: string };
  const f = JSON.parse(readText(http, `/responses/${id}.json`));
  assert.equal(f.error_kind, "forbidden");
  assert.equal(f.rule, "host");
  assert.match(f.error, /evil\.test is not in the allow-list/);
  assert.deepEqual(http.pendingIds(), [], "nothing for an executor to do");
});

Deno.test("onSubmit wakes listeners for queued requests only", () => {
  const http = new HttpFs({ allowList: AllowList.of(["example.com"]) });
  const woken: string[] = [];
  const off = http.onSubmit((id) => woken.push(id));
  http.submitRequest({ url: "https://example.com/" });
  http.submitRequest({ url: "https://other.test/" });
  off();
  http.submitRequest({ url: "https://example.com/" });
  assert.deepEqual(woken, ["req-1"]);
});

Deno.test("stat and readdir work on every path", () => {
  const http = new HttpFs();
  const id = http.submitRequest({ url: "https://example.com/" });
  assert.deepEqual(http.readdir("/").map((e) => e.name), [
    "pending",
    "request",
    "responses",
    "status",
    "uploads",
  ]);
  assert.deepEqual(http.readdir("/pending"), [{ name: `${id}.json`, kind: "file" }]);
  assert.deepEqual(http.readdir("/responses"), []);
  for (const p of ["/", "/pending", "/responses", "/uploads"]) {
    assert.equal(http.stat(p).kind, "dir");
  }
  for (const p of ["/request", "/status", `/pending/${id}.json`, `/responses/${id}.json`]) {
    assert.equal(http.stat(p).kind, "file", p);
  }
  http.completeRequest({ requestId: id, status: 200, body: "hello" });
  assert.deepEqual(http.readdir("/responses"), [
    { name: `${id}.body`, kind: "file" },
    { name: `${id}.json`, kind: "file" },
  ]);
  assert.ok(http.stat(`/responses/${id}.json`).size > 0);
  assert.equal(http.stat(`/responses/${id}.body`).size, 5);
  throwsFs(() => http.readdir("/status"), "ENOTDIR");
  throwsFs(() => http.stat("/nope"), "ENOENT");
  throwsFs(() => http.open("/status", { write: true }), "EACCES");
  throwsFs(() => http.mkdir("/x"), "EPERM");
});

Deno.test("a finished response can be removed; an unfinished one cannot", () => {
  const http = new HttpFs();
  const a = http.submitRequest({ url: "https://example.com/" });
  throwsFs(() => http.remove(`/responses/${a}.json`), "EBUSY");
  http.completeRequest({ requestId: a, status: 204 });
  http.remove(`/responses/${a}.json`);
  throwsFs(() => http.stat(`/responses/${a}.json`), "ENOENT");
  assert.equal(http.status().completed, 0);
});

Deno.test("host API misuse gives a clear error naming the field or id", async () => {
  const http = new HttpFs();
  assert.throws(
    () => http.submitRequest({} as never),
    /HttpFs\.submitRequest: missing field "url"/,
  );
  assert.throws(
    () => http.completeRequest({ requestId: "req-9", status: 200 }),
    /unknown request id req-9/,
  );
  const id = http.submitRequest({ url: "https://example.com/" });
  assert.throws(
    () => http.completeRequest({ requestId: id, status: 42 }),
    /"status" must be an integer/,
  );
  http.completeRequest({ requestId: id, status: 200 });
  assert.throws(() => http.failRequest(id, "late"), /already finished/);
  assert.equal((await http.response(id) as HttpResponse).status, 200, "the first outcome stands");
  await assert.rejects(http.response("req-404"), /unknown request id/);
});

Deno.test("response files use the seed's field names; agents may write either spelling", async () => {
  const http = new HttpFs();
  const { id } = submitJson(http, "/request", {
    url: "https://example.com/",
    method: "POST",
    body: "AP8=",
    body_encoding: "base64",
    timeout_ms: 500,
  }) as { id: string };
  const pending = JSON.parse(readText(http, `/pending/${id}.json`));
  assert.equal(pending.body_encoding, "base64");
  assert.equal(pending.timeout_ms, 500);
  http.takePending(id);
  http.completeRequest({ requestId: id, status: 201, statusText: "Created", durationMs: 150 });
  const r = await readJsonWhenReady(http, `/responses/${id}.json`) as Record<string, unknown>;
  for (
    const key of [
      "request_id",
      "status",
      "status_text",
      "headers",
      "body",
      "duration_ms",
      "completed_at",
    ]
  ) {
    assert.ok(key in r, `${key} in ${JSON.stringify(r)}`);
  }
  assert.equal(r.request_id, id);
  assert.equal(r.duration_ms, 150);
  throwsFs(
    () =>
      submitJson(http, "/request", {
        url: "https://e.com",
        bodyEncoding: "utf8",
        body_encoding: "utf8",
      }),
    "EINVAL",
  );
});

Deno.test("a response file with text beyond ASCII stats and reads as its UTF-8 bytes", async () => {
  const http = new HttpFs();
  const id = submitJson(http, "/request", { url: "https://example.com/ü" }) as { id: string };
  http.takePending(id.id);
  http.completeRequest({
    requestId: id.id,
    status: 200,
    statusText: "Gut",
    headers: { "x-name": "Jürgen \u{1F600}" },
    body: "grüße",
  });
  const path = `/responses/${id.id}.json`;
  const expected = JSON.stringify(await readJsonWhenReady(http, path));
  const bytes = enc.encode(expected);
  assert.equal(http.stat(path).size, bytes.length, "stat counts bytes, not characters");
  for (let i = 0; i < 2; i++) {
    const h = http.open(path, { read: true });
    assert.equal(h.stat().size, bytes.length);
    const buf = new Uint8Array(bytes.length + 8);
    assert.equal(h.pread(buf, 0), bytes.length);
    assert.deepEqual(buf.subarray(0, bytes.length), bytes, "the same bytes at every open");
    assert.equal(h.pread(buf, 5), bytes.length - 5);
    assert.deepEqual(buf.subarray(0, bytes.length - 5), bytes.subarray(5));
    h.close();
  }
  const parsed = JSON.parse(readText(http, path));
  assert.equal(parsed.headers["x-name"], "Jürgen \u{1F600}");
  assert.equal(parsed.body, "grüße");
});
