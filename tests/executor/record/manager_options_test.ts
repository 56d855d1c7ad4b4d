/** ExecutorManager's record and replay options: what it refuses, and its clocks. */
import assert from "@std/assert";
import {
  ExecutorManager,
  MemoryTranscriptSink,
  Transcript,
  TranscriptRecorder,
} from "../../../src/executor/mod.ts";
import { CREATED, LogRecords, transcriptText } from "../../helpers/transcripts.ts";

const transcript = Transcript.parse(transcriptText([
  { kind: "clock", of: "nostr", ms: 1000 },
  { kind: "clock", of: "nostr", ms: 2000 },
]));

Deno.test("record and replay options are checked", () => {
  assert.throws(
    () => new ExecutorManager(undefined, { record: {} as never }),
    /options.record must be a TranscriptRecorder/,
  );
  assert.throws(
    () => new ExecutorManager(undefined, { replay: "cap.jsonl" as never }),
    /options.replay must be a Transcript/,
  );
  const fresh = new TranscriptRecorder(new MemoryTranscriptSink(), {
    created: "2030-01-01",
  });
  assert.throws(
    () => new ExecutorManager(undefined, { record: fresh, replay: transcript }),
    /make the recorder with \{ created: transcript.header.created \}/,
  );
  const same = new TranscriptRecorder(new MemoryTranscriptSink(), {
    created: CREATED,
  });
  new ExecutorManager(undefined, { record: same, replay: transcript });
});

Deno.test("a replay's clock gives the recorded readings, then the last one again, with a warning", async () => {
  const logs = new LogRecords();
  const sink = new MemoryTranscriptSink();
  const record = new TranscriptRecorder(sink, { created: CREATED });
  const clock = new ExecutorManager(undefined, {
    replay: transcript,
    record,
    onLog: logs.onLog,
  })
    .clock("nostr");
  assert.deepEqual([clock(), clock(), clock()], [1000, 2000, 2000]);
  assert.deepEqual(logs.messages(), [
    "replay: clock reading not in transcript",
  ]);
  await record.close();
  assert.equal(
    sink.text(),
    transcriptText([
      { kind: "clock", of: "nostr", ms: 1000 },
      { kind: "clock", of: "nostr", ms: 2000 },
    ]),
    "the replay records the readings it gave from the transcript, and no other",
  );
  const other = new ExecutorManager(undefined, { replay: transcript }).clock(
    "other",
  );
  assert.equal(
    other(),
    Date.parse(CREATED),
    "a clock never recorded gives the transcript's date",
  );
});

Deno.test("without record or replay the clock is the wall clock", () => {
  const before = Date.now();
  const now = new ExecutorManager().clock("nostr")();
  assert.ok(now >= before && now <= Date.now());
});
