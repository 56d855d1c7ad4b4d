/**
 * Transcripts on disk: cap.jsonl with cap-bodies/ beside it. A body file
 * that is missing or of the wrong size is found at load, naming the line
 * that needs it; one whose bytes are corrupt fails the replayed request
 * that reads it, with an error in the log.
 */
import assert from "@std/assert";
import { AllowList, type HttpFailure, HttpFs } from "../../../src/capabilities/mod.ts";
import {
  DirectoryTranscriptSink,
  ExecutorManager,
  loadTranscript,
  MemoryTranscriptSink,
  saveTranscript,
  TranscriptError,
  TranscriptRecorder,
} from "../../../src/executor/mod.ts";
import { withTempDir } from "../../helpers/temp_dir.ts";
import { CREATED, LogRecords } from "../../helpers/transcripts.ts";

const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const URL_ = "https://api.example.com/big";
const BIG = new TextEncoder().encode("a body that is too large to inline");

/** Records one exchange with a body file into `dir`; returns the body's digest. */
async function recordOne(dir: string): Promise<string> {
  const recorder = new TranscriptRecorder(await DirectoryTranscriptSink.create(dir), {
    created: CREATED,
    inlineBytes: 8,
  });
  recorder.write({ kind: "clock", of: "x", ms: 1 });
  const body = recorder.payload([BIG], BIG.length) as { size: number; sha256: string };
  recorder.write({
    kind: "http",
    method: "GET",
    url: URL_,
    headers: {},
    body: { size: 0, sha256: EMPTY },
    response: {
      status: 200,
      statusText: "OK",
      headers: {},
      body,
      url: URL_,
      redirects: 0,
      attempts: 1,
      durationMs: 1,
      completedAt: 1,
    },
  });
  await recorder.close();
  return body.sha256;
}

async function replayOne(dir: string, logs?: LogRecords) {
  const manager = new ExecutorManager(undefined, {
    replay: await loadTranscript(`${dir}/cap.jsonl`),
    onLog: logs?.onLog,
  });
  const http = new HttpFs({ allowList: AllowList.of(["api.example.com"]) });
  manager.attachHttp(http).start();
  const id = http.submitRequest({ url: URL_ });
  const out = await http.response(id);
  await manager.shutdown();
  return { out, body: http.responseBody(id)?.toBytes() };
}

Deno.test("a transcript on disk replays its body files", async () => {
  await withTempDir(async (dir) => {
    const sha = await recordOne(dir);
    assert.deepEqual(await Deno.readFile(`${dir}/cap-bodies/${sha}`), BIG);
    const { body } = await replayOne(dir);
    assert.deepEqual(body, BIG);
  });
});

Deno.test("a missing or short body file is an error at load, naming the line", async () => {
  await withTempDir(async (dir) => {
    const sha = await recordOne(dir);
    await Deno.writeFile(`${dir}/cap-bodies/${sha}`, BIG.subarray(1));
    await assert.rejects(
      () => loadTranscript(`${dir}/cap.jsonl`),
      TranscriptError,
      `cap.jsonl line 3: the body file cap-bodies/${sha} has ${
        BIG.length - 1
      } bytes, expected ${BIG.length}`,
    );
    await Deno.remove(`${dir}/cap-bodies/${sha}`);
    await assert.rejects(
      () => loadTranscript(`${dir}/cap.jsonl`),
      TranscriptError,
      `cap.jsonl line 3: the body file cap-bodies/${sha} is missing`,
    );
  });
});

Deno.test("a corrupt body file fails the request that needs it, and is logged", async () => {
  await withTempDir(async (dir) => {
    const sha = await recordOne(dir);
    const bad = BIG.slice();
    bad[0] ^= 1;
    await Deno.writeFile(`${dir}/cap-bodies/${sha}`, bad);
    const logs = new LogRecords();
    const { out } = await replayOne(dir, logs);
    const f = out as HttpFailure;
    assert.equal(f.errorKind, "notInTranscript");
    assert.match(
      f.error,
      new RegExp(`^not in transcript: cap-bodies/${sha} is corrupt: its bytes hash to`),
    );
    assert.deepEqual(logs.messages(), ["replay: a recorded answer could not be served"]);
    assert.equal(logs.records[0].level, "error");
  });
});

Deno.test("a transcript cut off on disk is refused, or read up to its last whole line on request", async () => {
  await withTempDir(async (dir) => {
    await recordOne(dir);
    const text = await Deno.readTextFile(`${dir}/cap.jsonl`);
    await Deno.writeTextFile(`${dir}/cap.jsonl`, text.slice(0, text.length - 40));
    await assert.rejects(
      () => loadTranscript(`${dir}/cap.jsonl`),
      TranscriptError,
      "line 3: the line is cut off",
    );
    const partial = await loadTranscript(`${dir}/cap.jsonl`, { allowUnfinished: true });
    assert.equal(partial.entries.length, 1);
  });
});

Deno.test("a transcript kept in memory can be saved to a folder and loaded back", async () => {
  await withTempDir(async (dir) => {
    const sink = new MemoryTranscriptSink();
    const recorder = new TranscriptRecorder(sink, { inlineBytes: 2 });
    const p = recorder.payload([BIG], BIG.length) as { sha256: string };
    recorder.write({ kind: "ws", conn: 1, event: "connect", url: "wss://x.example/" });
    recorder.write({
      kind: "ws",
      conn: 1,
      event: "receive",
      frame: { binary: true, ...p, size: BIG.length },
    });
    await recorder.close();
    await saveTranscript(sink, dir);
    assert.equal(await Deno.readTextFile(`${dir}/cap.jsonl`), sink.text());
    const t = await loadTranscript(`${dir}/cap.jsonl`);
    assert.deepEqual(await t.bytes({ size: BIG.length, sha256: p.sha256 }), BIG);
  });
});
