/**
 * Reading a transcript: every way it can be wrong (truncated, corrupt, an
 * unknown version...) is a TranscriptError naming the line and the fault.
 */
import assert from "@std/assert";
import { Transcript, TranscriptError } from "../../../src/executor/mod.ts";
import { CREATED, transcriptText } from "../../helpers/transcripts.ts";

const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const HTTP = {
  kind: "http",
  method: "GET",
  url: "https://example.com/",
  headers: {},
  body: { size: 0, sha256: EMPTY },
  response: {
    status: 200,
    statusText: "OK",
    headers: {},
    body: { size: 2, text: "ok" },
    url: "https://example.com/",
    redirects: 0,
    attempts: 1,
    durationMs: 3,
    completedAt: 0,
  },
};

function fails(text: string, line: number, reason: RegExp): void {
  assert.throws(
    () => Transcript.parse(text),
    (e: unknown) => {
      if (!(e instanceof TranscriptError)) throw new Error(`a TranscriptError, got ${e}`);
      assert.equal(e.line, line, e.message);
      assert.match(e.message, reason);
      return true;
    },
  );
}

function withLine(n: number, change: (line: string) => string): string {
  const lines = transcriptText([HTTP, { kind: "clock", of: "nostr", ms: 5 }]).split("\n");
  lines[n - 1] = change(lines[n - 1]);
  return lines.join("\n");
}

Deno.test("a well-formed transcript is read entry by entry", () => {
  const t = Transcript.parse(transcriptText([
    HTTP,
    { kind: "ws", conn: 1, event: "connect", url: "wss://x.example/" },
    { kind: "ws", conn: 1, event: "open" },
    { kind: "ws", conn: 1, event: "receive", frame: { binary: true, size: 3, base64: "AQID" } },
    { kind: "ws", conn: 1, event: "close", code: 1000, reason: "", opened: true, timedOut: false },
    { kind: "dns", host: "x.example", addresses: ["93.184.216.34"] },
    { kind: "clock", of: "nostr", ms: 5 },
    { kind: "identity", pubkey: "ab".repeat(32) },
  ]));
  assert.equal(t.header.created, CREATED);
  assert.equal(t.createdMs, Date.parse(CREATED));
  assert.deepEqual(t.entries.map((e) => e.kind), [
    "http",
    "ws",
    "ws",
    "ws",
    "ws",
    "dns",
    "clock",
    "identity",
  ]);
  assert.equal(t.lineOf(0), 2);
  assert.ok(t.finished);
});

Deno.test("truncated: a last line without its newline, or no end line", () => {
  const full = transcriptText([HTTP]);
  fails(full.slice(0, -20), 3, /line 3: the line is cut off .*truncated/);
  fails(transcriptText([HTTP], { end: false }), 2, /unfinished: no end line/);
  fails("", 0, /empty/);
  fails('{"format":"oanix-cap', 1, /cut off/);
  // Unless the caller accepts an unfinished recording: read up to its last whole line.
  const cut = Transcript.parse(full.slice(0, -20), { allowUnfinished: true });
  assert.equal(cut.entries.length, 1);
  assert.equal(cut.finished, false);
});

Deno.test("an unknown version or another format is refused at line 1", () => {
  const header = { format: "oanix-cap-transcript", version: 2, created: CREATED };
  fails(
    transcriptText([], { header }),
    1,
    /version 2 is not supported \(this build reads version 1\)/,
  );
  fails(
    transcriptText([], { header: { ...header, format: "har", version: 1 } }),
    1,
    /not a transcript: "format" is "har"/,
  );
  fails(
    transcriptText([], { header: { ...header, version: 1, created: "yesterday" } }),
    1,
    /"created" is not a date/,
  );
  fails(
    transcriptText([], { header: { ...header, version: 1, extra: 1 } }),
    1,
    /unknown field "extra"/,
  );
  fails("not json\n", 1, /the header is not JSON/);
});

Deno.test("corrupt lines name what is wrong", () => {
  fails(withLine(2, (l) => l.slice(0, 30)), 2, /line 2: not JSON/);
  fails(withLine(2, () => "[1,2]"), 2, /must be a JSON object/);
  fails(withLine(2, () => ""), 2, /the line is empty/);
  fails(
    withLine(3, (l) => l.replace('"seq":2', '"seq":7')),
    3,
    /"seq" is 7, expected 2 \(a line is missing or out of order\)/,
  );
  fails(withLine(2, (l) => l.replace('"kind":"http"', '"kind":"ftp"')), 2, /unknown kind "ftp"/);
  fails(
    withLine(2, (l) => l.replace('"status":200', '"status":99')),
    2,
    /in "response": field "status" must be between 100 and 599/,
  );
  fails(
    withLine(2, (l) => l.replace('"size":2,"text":"ok"', '"size":3,"text":"ok"')),
    2,
    /"size" is 3 but the text holds 2 bytes/,
  );
  fails(
    withLine(2, (l) => l.replace('"text":"ok"', '"base64":"%%"')),
    2,
    /the base64 does not decode/,
  );
  fails(
    withLine(2, (l) => l.replace(`"sha256":"${EMPTY}"`, '"sha256":"XYZ"')),
    2,
    /field "sha256" must be 64 lower-case hex digits/,
  );
  fails(
    withLine(2, (l) => l.replace(/,"response":.*\}$/, "}")),
    2,
    /exactly one of "response" or "failure"/,
  );
  fails(withLine(3, (l) => l.replace('"ms":5', '"ms":"5"')), 3, /field "ms" must be an integer/);
  fails(
    withLine(4, (l) => l.replace('"kind":"end"', '"kind":"end","x":1')),
    4,
    /unknown field "x" in the end line/,
  );
  fails(transcriptText([HTTP]) + '{"seq":3,"kind":"end"}\n', 4, /a line after the end line/);
});

Deno.test("socket events must follow their connection's connect and stop at its close", () => {
  const connect = { kind: "ws", conn: 1, event: "connect", url: "wss://x.example/" };
  const close = {
    kind: "ws",
    conn: 1,
    event: "close",
    code: 1000,
    reason: "",
    opened: true,
    timedOut: false,
  };
  fails(
    transcriptText([{ kind: "ws", conn: 1, event: "open" }]),
    2,
    /ws connection 1: "open" before its connect/,
  );
  fails(transcriptText([connect, connect]), 3, /ws connection 1 connects twice/);
  fails(
    transcriptText([connect, close, { kind: "ws", conn: 1, event: "open" }]),
    4,
    /ws connection 1: "open" after its close/,
  );
  fails(transcriptText([{ ...connect, event: "wave" }]), 2, /unknown socket event "wave"/);
  fails(
    transcriptText([connect, {
      kind: "ws",
      conn: 1,
      event: "send",
      frame: { size: 1, text: "x" },
    }]),
    3,
    /in "frame": missing field "binary"/,
  );
});
