/**
 * HTTP record and replay: a run against a real server on 127.0.0.1 is
 * recorded into a transcript on disk; the server is shut down; the same
 * requests replayed from the transcript get byte-identical response files,
 * and the replay's own transcript is byte-identical to the recording.
 */
import assert from "@std/assert";
import {
  AllowList,
  type HttpFailure,
  HttpFs,
  type HttpRequestInit,
} from "../../../src/capabilities/mod.ts";
import {
  DirectoryTranscriptSink,
  ExecutorConfig,
  ExecutorManager,
  loadTranscript,
  RetryPolicy,
  Transcript,
  TranscriptRecorder,
} from "../../../src/executor/mod.ts";
import { readFile } from "../../../src/fs/mod.ts";
import { closedPort, patternBytes, startHttpServer } from "../../helpers/http_server.ts";
import { withTempDir } from "../../helpers/temp_dir.ts";
import {
  CREATED,
  entriesOf,
  LogRecords,
  recordingManager,
  transcriptText,
} from "../../helpers/transcripts.ts";

const TOKEN = "tok-0b9e44c1-very-secret";
const HOST_KEY = "Bearer host-held-key-5d2a";
const CONFIG = ExecutorConfig.builder().httpRetry(RetryPolicy.none()).build();
const dec = new TextDecoder();

/** What the agent reads: each response file, byte for byte. */
type Seen = { json: string; body?: Uint8Array }[];

/** Submits `requests` one after the other and reads what the agent would read. */
async function run(http: HttpFs, requests: HttpRequestInit[]): Promise<Seen> {
  const seen: Seen = [];
  for (const r of requests) {
    const id = http.submitRequest(r);
    await http.response(id);
    const json = dec.decode(readFile(http, `/responses/${id}.json`));
    const failed = "error" in JSON.parse(json);
    seen.push(failed ? { json } : { json, body: readFile(http, `/responses/${id}.body`) });
  }
  return seen;
}

function requestsFor(origin: string, dead: string): HttpRequestInit[] {
  return [
    {
      url: `${origin}/echo?key={{secret:API_TOKEN}}`,
      headers: { "X-Token": "{{secret:API_TOKEN}}" },
    },
    { method: "POST", url: `${origin}/echo`, body: "first body" },
    { method: "POST", url: `${origin}/echo`, body: "second body" },
    { url: `${origin}/large?bytes=5000` },
    { url: `${origin}/status/404` },
    { url: `${origin}/slow?ms=3000`, timeoutMs: 50 },
    { url: `${dead}/nothing-here` },
    { url: `${origin}/echo?key={{secret:API_TOKEN}}`, headers: { "X-Token": "again" } },
  ];
}

const allow = () => AllowList.of(["127.0.0.1"]);
const hostOptions = {
  secrets: { API_TOKEN: { value: TOKEN, hosts: ["127.0.0.1"] } },
  credentials: { "127.0.0.1": { Authorization: HOST_KEY } },
};

Deno.test("a recorded HTTP run replays byte for byte with the server gone", async () => {
  await withTempDir(async (dir) => {
    const server = startHttpServer();
    const dead = `http://127.0.0.1:${closedPort()}`;
    const requests = requestsFor(server.origin, dead);
    // Record.
    const recorder = new TranscriptRecorder(await DirectoryTranscriptSink.create(dir), {
      created: CREATED,
      inlineBytes: 1024,
    });
    const http = new HttpFs({ allowList: allow() });
    const manager = new ExecutorManager(CONFIG, { record: recorder }).attachHttp(http, hostOptions);
    manager.start();
    const recorded = await run(http, requests);
    await manager.shutdown();
    await recorder.close();
    await server.close();
    // The server saw the secret and the host's key; the transcript holds neither.
    assert.equal(server.seenHeaders[0].get("x-token"), TOKEN);
    assert.equal(server.seenHeaders[0].get("authorization"), HOST_KEY);
    const text = await Deno.readTextFile(`${dir}/cap.jsonl`);
    assert.ok(!text.includes(TOKEN) && !text.includes("host-held-key"), text);
    assert.ok(text.includes("{{secret:API_TOKEN}}"));
    for await (const f of Deno.readDir(`${dir}/cap-bodies`)) {
      const bytes = dec.decode(await Deno.readFile(`${dir}/cap-bodies/${f.name}`));
      assert.ok(!bytes.includes(TOKEN));
    }
    // What was recorded: every outcome, the large body in a body file.
    const entries = entriesOf(text);
    assert.equal(entries.length, requests.length);
    assert.deepEqual(entries.map((e) => (e.failure as HttpFailure | undefined)?.errorKind), [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "timeout",
      "network",
      undefined,
    ]);
    const large = entries[3].response as { body: { size: number; sha256: string } };
    assert.equal(large.body.size, 5000);
    assert.deepEqual(
      await Deno.readFile(`${dir}/cap-bodies/${large.body.sha256}`),
      patternBytes(5000),
    );

    // Replay twice, with nothing listening.
    const transcript = await loadTranscript(`${dir}/cap.jsonl`);
    const replays: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { manager, sink, recorder } = recordingManager(CONFIG, {
        replay: transcript,
        inlineBytes: 1024,
      });
      const http = new HttpFs({ allowList: allow() });
      manager.attachHttp(http, hostOptions).start();
      const replayed = await run(http, requests);
      await manager.shutdown();
      await recorder.close();
      assert.deepEqual(replayed, recorded, "the agent reads the same bytes");
      replays.push(sink.text());
    }
    assert.equal(replays[0], replays[1], "two replays record the same transcript");
    assert.equal(replays[0], text, "and, requests being sequential, the recording's");
  });
});

Deno.test("a request not in the transcript fails with notInTranscript, is logged, and is not recorded", async () => {
  const url = "http://127.0.0.1:9/data";
  const transcript = Transcript.parse(transcriptText([{
    kind: "http",
    method: "GET",
    url,
    headers: {},
    body: { size: 0, sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    response: {
      status: 200,
      statusText: "OK",
      headers: { "content-type": "text/plain" },
      body: { size: 6, text: "stored" },
      url,
      redirects: 0,
      attempts: 1,
      durationMs: 7,
      completedAt: 1748779200123,
    },
  }]));
  const logs = new LogRecords();
  const { manager, sink, recorder } = recordingManager(CONFIG, { replay: transcript, logs });
  const http = new HttpFs({ allowList: allow() });
  manager.attachHttp(http).start();
  const first = await http.response(http.submitRequest({ url }));
  const again = await http.response(http.submitRequest({ url }));
  const post = await http.response(http.submitRequest({ method: "POST", url, body: "x" }));
  await manager.shutdown();
  await recorder.close();
  assert.equal((first as { body: string }).body, "stored");
  assert.equal((first as { completedAt: number }).completedAt, 1748779200123);
  for (const [miss, what] of [[again, `GET ${url}`], [post, `POST ${url}`]] as const) {
    const f = miss as HttpFailure;
    assert.equal(f.errorKind, "notInTranscript");
    assert.match(f.error, new RegExp(`^not in transcript: ${what} \\(body sha256 [0-9a-f]{12}, `));
    assert.equal(f.completedAt, Date.parse(CREATED), "a miss is dated by the transcript");
  }
  assert.match((again as HttpFailure).error, /2nd time\)$/);
  assert.deepEqual(logs.messages(), [
    "replay: HTTP request not in transcript",
    "replay: HTTP request not in transcript",
  ]);
  assert.equal(logs.records[0].data?.occurrence, 2);
  assert.equal(entriesOf(sink.text()).length, 1, "only the answer from the transcript");
});

Deno.test("a replay never resolves or connects: an allow-listed host that does not exist answers", async () => {
  const url = "https://api.replay.invalid/v1/items?page=2";
  const transcript = Transcript.parse(transcriptText([{
    kind: "http",
    method: "GET",
    url,
    headers: {},
    body: { size: 0, sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    failure: {
      error: "connection reset",
      errorKind: "network",
      attempts: 4,
      durationMs: 900,
      completedAt: 1748779200999,
    },
  }]));
  const resolve = () => Promise.reject(new Error("the replay asked DNS"));
  const manager = new ExecutorManager(CONFIG, { replay: transcript, resolve });
  const http = new HttpFs({ allowList: AllowList.of(["api.replay.invalid"]) });
  manager.attachHttp(http).start();
  const out = await http.response(http.submitRequest({ url })) as HttpFailure;
  await manager.shutdown();
  assert.deepEqual(
    { ...out },
    {
      requestId: "req-1",
      error: "connection reset",
      errorKind: "network",
      attempts: 4,
      durationMs: 900,
      completedAt: 1748779200999,
    },
  );
});

Deno.test("an upload is matched by its body's digest", async () => {
  const server = startHttpServer();
  const upload = patternBytes(300_000);
  const put = (http: HttpFs, bytes: Uint8Array) => {
    const f = http.open("/uploads/blob", { write: true, create: true, truncate: true });
    f.write(bytes);
    f.close();
    return http.submitRequest({
      method: "PUT",
      url: `${server.origin}/echo-bin`,
      bodyFile: "blob",
    });
  };
  const { manager, sink, recorder } = recordingManager(CONFIG);
  const http = new HttpFs({ allowList: allow() });
  manager.attachHttp(http).start();
  await http.response(put(http, upload));
  await manager.shutdown();
  await recorder.close();
  await server.close();
  const entry = entriesOf(sink.text())[0] as { body: { size: number; sha256: string } };
  assert.equal(entry.body.size, 300_000);

  const transcript = sink.transcript();
  const replay = new ExecutorManager(CONFIG, { replay: transcript });
  const http2 = new HttpFs({ allowList: allow() });
  replay.attachHttp(http2).start();
  const same = await http2.response(put(http2, upload));
  const changed = upload.slice();
  changed[150_000] ^= 1;
  const other = await http2.response(put(http2, changed)) as HttpFailure;
  await replay.shutdown();
  assert.equal((same as { bodySize: number }).bodySize, 300_000);
  assert.deepEqual(http2.responseBody(same.requestId)!.toBytes(), upload);
  assert.equal(other.errorKind, "notInTranscript");
});

Deno.test("a replayed body passes through the HttpFs limits like a live one", async () => {
  const url = "http://127.0.0.1:9/big";
  const transcript = Transcript.parse(transcriptText([{
    kind: "http",
    method: "GET",
    url,
    headers: {},
    body: { size: 0, sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    response: {
      status: 200,
      statusText: "OK",
      headers: {},
      body: { size: 10, text: "0123456789" },
      url,
      redirects: 0,
      attempts: 1,
      durationMs: 1,
      completedAt: 5,
    },
  }]));
  const manager = new ExecutorManager(CONFIG, { replay: transcript });
  const http = new HttpFs({ allowList: allow(), maxResponseBytes: 4 });
  manager.attachHttp(http).start();
  const out = await http.response(http.submitRequest({ url })) as HttpFailure;
  await manager.shutdown();
  assert.equal(out.errorKind, "tooLarge");
  assert.equal(out.completedAt, 5);
});
