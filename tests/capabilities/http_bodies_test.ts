/**
 * HttpFs bodies as files (no executor, no I/O): uploads written in
 * /uploads/ and named by a request, response bodies in
 * /responses/{id}.body, the inline threshold, and the size limits.
 */
import assert from "@std/assert";
import {
  type HttpFailure,
  HttpFs,
  type HttpResponse,
  isHttpFailure,
  readJsonWhenReady,
  readWhenReady,
  submitJson,
} from "../../src/capabilities/mod.ts";
import { readFile, readText, writeFile } from "../../src/fs/mod.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

const enc = new TextEncoder();

function upload(http: HttpFs, name: string, bytes: Uint8Array): void {
  writeFile(http, `/uploads/${name}`, bytes);
}

Deno.test("an upload is written like a file, then a request takes it over as its body", async () => {
  const http = new HttpFs();
  const h = http.open("/uploads/doc.bin", { write: true, create: true });
  h.write(enc.encode("hello world"));
  h.pwrite(enc.encode("W"), 6);
  h.truncate(9);
  h.close();
  assert.deepEqual(http.readdir("/uploads"), [{ name: "doc.bin", kind: "file" }]);
  assert.equal(readText(http, "/uploads/doc.bin"), "hello Wor");
  const { id } = submitJson(http, "/request", {
    method: "PUT",
    url: "https://example.com/doc",
    body_file: "doc.bin",
  }) as { id: string };
  assert.deepEqual(http.readdir("/uploads"), [], "taken over");
  const pending = JSON.parse(readText(http, `/pending/${id}.json`));
  assert.equal(pending.body_file, "doc.bin");
  assert.equal(pending.body_size, 9);
  assert.equal(pending.body, undefined);
  const body = http.requestBody(id) as Blob;
  assert.ok(body instanceof Blob);
  assert.equal(await body.text(), "hello Wor");
  assert.equal(http.status().bufferedBytes, 9);
  http.failRequest(id, "offline");
  assert.equal(http.status().bufferedBytes, 0, "a finished request frees its body");
});

Deno.test("uploads are refused with a clear reason when they cannot be sent", () => {
  const http = new HttpFs({ maxRequestBytes: 16, maxBufferedBytes: 24 });
  const req = (fields: Record<string, unknown>) =>
    submitJson(http, "/request", { method: "POST", url: "https://example.com/", ...fields });
  throwsFs(() => req({ body_file: "none" }), "EINVAL", /no upload none in \/uploads/);
  const w = http.open("/uploads/open", { write: true, create: true });
  throwsFs(() => req({ body_file: "open" }), "EINVAL", /still open for writing/);
  throwsFs(() => http.remove("/uploads/open"), "EBUSY");
  throwsFs(() => w.write(new Uint8Array(17)), "EFBIG", /request body too large \(limit 16 bytes\)/);
  w.write(new Uint8Array(16));
  w.close();
  throwsFs(() => req({ body_file: "open", body: "x" }), "EINVAL", /not both/);
  throwsFs(() => req({ body_file: "open", body_encoding: "base64" }), "EINVAL", /inline body only/);
  throwsFs(
    () => submitJson(http, "/request", { url: "https://example.com/", body_file: "open" }),
    "EINVAL",
    /GET request cannot have a body/,
  );
  throwsFs(
    () => upload(http, "two", new Uint8Array(16)),
    "ENOSPC",
    /maxBufferedBytes \(24 bytes\)/,
  );
  throwsFs(() => http.open("/uploads/.hidden", { write: true, create: true }), "EINVAL");
  throwsFs(() => http.open("/uploads/absent", { read: true }), "ENOENT");
  http.remove("/uploads/open");
  assert.deepEqual(http.status().bufferedBytes, 0, "removing an upload frees it");
});

Deno.test("a request the allow-list refuses leaves its upload in place", () => {
  const http = new HttpFs();
  upload(http, "u", enc.encode("data"));
  const { id } = submitJson(http, "/request", {
    method: "PUT",
    url: "http://10.0.0.1/",
    body_file: "u",
  }) as { id: string };
  assert.equal((http.getResponse(id) as HttpFailure).errorKind, "forbidden");
  assert.deepEqual(http.readdir("/uploads").map((e) => e.name), ["u"]);
});

Deno.test("every response body is a file; a small one is inline in the JSON too", async () => {
  const http = new HttpFs({ maxInlineBytes: 8 });
  const small = http.submitRequest({ url: "https://example.com/s" });
  const large = http.submitRequest({ url: "https://example.com/l" });
  const early = http.open(`/responses/${large}.body`, { read: true });
  throwsFs(() => early.read(new Uint8Array(4)), "EAGAIN");
  const ready = early.whenReadable!();
  http.completeRequest({ requestId: small, status: 200, body: "tiny" });
  http.completeRequest({
    requestId: large,
    status: 200,
    bodyBytes: enc.encode("larger than eight"),
  });
  await ready;
  const four = new Uint8Array(4);
  assert.equal(early.pread(four, 8), 4);
  assert.equal(new TextDecoder().decode(four), "han ");
  early.close();

  const s = await readJsonWhenReady(http, `/responses/${small}.json`) as Record<string, unknown>;
  assert.deepEqual([s.body, s.body_encoding, s.body_size, s.body_file], [
    "tiny",
    "utf8",
    4,
    `${small}.body`,
  ]);
  const l = await readJsonWhenReady(http, `/responses/${large}.json`) as Record<string, unknown>;
  assert.equal(l.body, undefined, "too large to inline");
  assert.equal(l.body_encoding, undefined);
  assert.equal(l.body_size, 17);
  assert.equal(readText(http, `/responses/${large}.body`), "larger than eight");
  assert.equal(http.stat(`/responses/${large}.body`).size, 17);
  const host = await http.response(large) as HttpResponse;
  assert.equal(host.body, undefined);
  assert.equal(new TextDecoder().decode(http.responseBody(large)!.toBytes()), "larger than eight");
  throwsFs(() => http.open(`/responses/${large}.body`, { write: true }), "EACCES");
  throwsFs(() => http.remove(`/responses/${large}.body`), "EPERM");
  http.remove(`/responses/${large}.json`);
  throwsFs(() => http.stat(`/responses/${large}.body`), "ENOENT");
});

Deno.test("binary bodies are inline as base64; a failure has no body file", async () => {
  const http = new HttpFs();
  const bin = http.submitRequest({ url: "https://example.com/b" });
  http.completeRequest({ requestId: bin, status: 200, bodyBytes: new Uint8Array([0, 255, 1]) });
  const r = await readJsonWhenReady(http, `/responses/${bin}.json`) as Record<string, unknown>;
  assert.deepEqual([r.body, r.body_encoding], ["AP8B", "base64"]);
  assert.deepEqual(
    await readWhenReady(http, `/responses/${bin}.body`),
    new Uint8Array([0, 255, 1]),
  );

  const failing = http.submitRequest({ url: "https://example.com/f" });
  const early = http.open(`/responses/${failing}.body`);
  http.failRequest(failing, "connection refused");
  throwsFs(() => early.read(new Uint8Array(1)), "EIO", /connection refused/);
  early.close();
  throwsFs(() => http.open(`/responses/${failing}.body`), "ENOENT");
  assert.deepEqual(http.readdir("/responses").map((e) => e.name), [
    `${bin}.body`,
    `${bin}.json`,
    `${failing}.json`,
  ]);
});

Deno.test("the size limits refuse what would not fit, with the limit in the reason", () => {
  const http = new HttpFs({ maxRequestBytes: 4, maxResponseBytes: 4 });
  throwsFs(
    () =>
      submitJson(http, "/request", { method: "POST", url: "https://example.com/", body: "12345" }),
    "EINVAL",
    /request body too large: 5 bytes \(limit 4 bytes\)/,
  );
  const h = http.open("/request", { write: true });
  throwsFs(
    () => h.write(new Uint8Array(2 * 1024 * 1024)),
    "EFBIG",
    /write a large body to \/uploads/,
  );
  h.close();
  const id = http.submitRequest({ url: "https://example.com/" });
  http.completeRequest({ requestId: id, status: 200, body: "12345" });
  const f = http.getResponse(id) as HttpFailure;
  assert.ok(isHttpFailure(f));
  assert.equal(f.errorKind, "tooLarge");
  assert.equal(f.error, "response too large (limit 4 bytes)");
  assert.throws(() => new HttpFs({ maxResponseBytes: 0 }), /maxResponseBytes must be an integer/);
  assert.deepEqual(new HttpFs().limits, {
    maxRequestBytes: 64 * 1024 * 1024,
    maxResponseBytes: 64 * 1024 * 1024,
    maxInlineBytes: 1024 * 1024,
    maxBufferedBytes: 256 * 1024 * 1024,
  });
});

Deno.test("writeFile and readFile work on uploads and bodies like on any file", async () => {
  const http = new HttpFs();
  const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
  writeFile(http, "/uploads/rand", bytes);
  assert.deepEqual(readFile(http, "/uploads/rand"), bytes);
  const id = http.submitRequest({ method: "PUT", url: "https://example.com/", bodyFile: "rand" });
  assert.deepEqual(await (http.requestBody(id) as Blob).bytes(), bytes);
  http.completeRequest({ requestId: id, status: 200, bodyBytes: bytes });
  assert.deepEqual(readFile(http, `/responses/${id}.body`), bytes);
});
