/**
 * TranscriptRecorder: lines in the order places were taken, numbered with
 * no gap; large bodies stored once by digest; a write failure stops the
 * recording without stopping the run; a bad option is refused.
 */
import assert from "@std/assert";
import {
  MemoryTranscriptSink,
  Transcript,
  TranscriptRecorder,
  type TranscriptSink,
} from "../../../src/executor/mod.ts";
import { CREATED, LogRecords } from "../../helpers/transcripts.ts";

function seqs(sink: MemoryTranscriptSink): unknown[] {
  return sink.lines().slice(1).map((
    l,
  ) => [JSON.parse(l).seq, JSON.parse(l).of ?? JSON.parse(l).kind]);
}

Deno.test("lines keep the order their places were taken; a cancelled place leaves no gap", async () => {
  const sink = new MemoryTranscriptSink();
  const r = new TranscriptRecorder(sink, { created: CREATED });
  const first = r.reserve();
  const gone = r.reserve();
  r.write({ kind: "clock", of: "c", ms: 3 });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(sink.lines().length, 1, "only the header: the clock waits behind the open places");
  gone.cancel();
  first.fill({ kind: "clock", of: "a", ms: 1 });
  first.fill({ kind: "clock", of: "again", ms: 9 }); // a place is filled once
  await r.close();
  assert.deepEqual(seqs(sink), [[1, "a"], [2, "c"], [3, "end"]]);
  assert.equal(r.written, 2);
  assert.ok(sink.closed);
  assert.equal(JSON.parse(sink.lines()[0]).created, CREATED);
  Transcript.parse(sink.text()); // and it reads back
});

Deno.test("close waits for the places still open, and returns the same promise each time", async () => {
  const sink = new MemoryTranscriptSink();
  const r = new TranscriptRecorder(sink);
  const slot = r.reserve();
  const closing = r.close();
  assert.equal(r.close(), closing);
  setTimeout(() => slot.fill({ kind: "clock", of: "late", ms: 1 }), 5);
  await closing;
  assert.deepEqual(seqs(sink), [[1, "late"], [2, "end"]]);
  const logs = new LogRecords();
  const after = new TranscriptRecorder(new MemoryTranscriptSink(), { onLog: logs.onLog });
  await after.close();
  after.write({ kind: "clock", of: "x", ms: 0 });
  assert.deepEqual(logs.messages(), ["transcript: an exchange after the end was not recorded"]);
});

Deno.test("large bodies go to body files, once per digest; small ones stay inline", async () => {
  const sink = new MemoryTranscriptSink();
  const r = new TranscriptRecorder(sink, { inlineBytes: 4 });
  const big = new TextEncoder().encode("more than four");
  const p1 = r.payload([big.subarray(0, 5), big.subarray(5)], big.length);
  const p2 = r.payload([big], big.length);
  assert.deepEqual(p1, p2);
  assert.deepEqual(r.payload([new Uint8Array([104, 105])], 2), { size: 2, text: "hi" });
  assert.deepEqual(r.payload([new Uint8Array([0xff])], 1), { size: 1, base64: "/w==" });
  assert.deepEqual(r.payload([new Uint8Array([104, 105])], 2, false), { size: 2, base64: "aGk=" });
  assert.deepEqual(r.frame("hey"), { binary: false, size: 3, text: "hey" });
  await r.close();
  const sha = (p1 as { sha256: string }).sha256;
  assert.deepEqual([...sink.bodies().keys()], [sha]);
  assert.deepEqual(sink.bodies().get(sha), big);
});

Deno.test("a failed write stops the recording, is logged, and makes close reject; the caller goes on", async () => {
  const lines: string[] = [];
  let n = 0;
  const sink: TranscriptSink = {
    writeLine: (line) => {
      if (++n === 3) return Promise.reject(new Error("disk full"));
      lines.push(line);
    },
    writeBody: () => {},
  };
  const logs = new LogRecords();
  const r = new TranscriptRecorder(sink, { onLog: logs.onLog });
  for (let i = 0; i < 4; i++) r.write({ kind: "clock", of: "c", ms: i });
  await assert.rejects(() => r.close(), /transcript: could not write: disk full/);
  assert.equal(lines.length, 2, "the header and the first entry; nothing after the failure");
  assert.equal(r.failed?.message, "disk full");
  assert.deepEqual(logs.messages(), ["transcript: a write failed; the recording stopped"]);
  assert.throws(() => Transcript.parse(lines.join("\n") + "\n"), /unfinished/);
});

Deno.test("bad options are refused", () => {
  const sink = new MemoryTranscriptSink();
  assert.throws(() => new TranscriptRecorder({} as never), /sink must be a TranscriptSink/);
  assert.throws(() => new TranscriptRecorder(sink, { created: "soon" }), /created is not a date/);
  assert.throws(
    () => new TranscriptRecorder(sink, { inlineBytes: -1 }),
    /inlineBytes must be an integer >= 0/,
  );
});

Deno.test("a recorded clock writes each reading", async () => {
  const sink = new MemoryTranscriptSink();
  const r = new TranscriptRecorder(sink);
  let t = 1000;
  const clock = r.clock("nostr", () => t++);
  assert.deepEqual([clock(), clock()], [1000, 1001]);
  await r.close();
  assert.deepEqual(sink.lines().slice(1, 3).map((l) => JSON.parse(l).ms), [1000, 1001]);
});
