/**
 * WebSocket record and replay: connections to a real server on 127.0.0.1
 * are recorded; with the server gone, a replay delivers the same frames,
 * states and closes, and a frame or connection that is not in the
 * transcript fails with "not in transcript".
 */
import assert from "@std/assert";
import { AllowList, type WsConnectionInfo, WsFs } from "../../../src/capabilities/mod.ts";
import { ExecutorConfig, RetryPolicy, type Transcript } from "../../../src/executor/mod.ts";
import { startWsServer, type TestWsServer } from "../../helpers/ws_server.ts";
import { until, within } from "../../helpers/wait.ts";
import { entriesOf, LogRecords, recordingManager } from "../../helpers/transcripts.ts";

const CONFIG = ExecutorConfig.builder()
  .wsConnectTimeout(300)
  .wsReconnect(RetryPolicy.exponential(3, 10, 30))
  .build();
const dec = new TextDecoder();

/** What the agent saw of a connection: every message it read, and its final status. */
type Seen = { messages: string[]; info: WsConnectionInfo };

type Script = (ws: WsFs, origin: string, drop: () => Promise<void>) => Promise<Seen[]>;

async function read(ws: WsFs, id: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = await within(3000, `message ${i} on ${id}`, (s) => ws.nextMessage(id, s));
    if (m === undefined) throw new Error(`${id} ended before message ${i}`);
    out.push(`${m.binary ? "bin" : "text"}:${m.binary ? m.data.length : dec.decode(m.data)}`);
  }
  return out;
}

function settled(ws: WsFs, id: string, states: string[]): Promise<void> {
  return until(
    () => states.includes(ws.connection(id)?.state ?? ""),
    (s) => ws.whenChanged(id, s),
    `${id} ${states.join("/")}`,
  );
}

/** Runs `script` recording (server up) or replaying (server down); returns what it saw and the transcript. */
async function session(
  script: Script,
  origin: string,
  options: { replay?: Transcript; drop?: () => Promise<void>; logs?: LogRecords } = {},
) {
  const { manager, sink, recorder } = recordingManager(CONFIG, {
    replay: options.replay,
    inlineBytes: 1024,
    logs: options.logs,
  });
  const ws = new WsFs({ allowList: AllowList.of(["127.0.0.1"]) });
  manager.attachWs(ws).start();
  const seen = await script(ws, origin, options.drop ?? (() => Promise.resolve()));
  await manager.shutdown();
  await recorder.close();
  return { seen, text: sink.text(), transcript: sink.transcript() };
}

/** Records with a live server, then replays twice with it shut down. */
async function recordThenReplay(script: Script) {
  const server: TestWsServer = startWsServer();
  const recorded = await session(script, server.origin, { drop: () => server.dropAll() });
  await server.close();
  const one = await session(script, server.origin, { replay: recorded.transcript });
  const two = await session(script, server.origin, { replay: recorded.transcript });
  // Nothing listens any more: a live socket would fail, and the agent would see it.
  assert.deepEqual(one.seen, recorded.seen, "the agent sees what it saw live");
  assert.deepEqual(two.seen, recorded.seen);
  assert.equal(one.text, two.text, "two replays record the same transcript");
  return recorded;
}

const big = new Uint8Array(4096).map((_, i) => (i * 7) & 0xff);

Deno.test("an echo conversation replays frame for frame, text and binary, small and large", async () => {
  const recorded = await recordThenReplay(async (ws, origin) => {
    const id = ws.openConnection(`${origin}/echo`);
    await settled(ws, id, ["open"]);
    ws.sendMessage(id, "hello");
    ws.sendMessage(id, new Uint8Array([1, 2, 3]));
    ws.sendMessage(id, big);
    const messages = await read(ws, id, 3);
    ws.sendMessage(id, "after the big one");
    messages.push(...await read(ws, id, 1));
    ws.closeConnection(id);
    await settled(ws, id, ["closed"]);
    return [{ messages, info: ws.connection(id)! }];
  });
  assert.deepEqual(recorded.seen[0].messages, [
    "text:hello",
    "bin:3",
    "bin:4096",
    "text:after the big one",
  ]);
  const events = entriesOf(recorded.text).map((e) => e.event);
  assert.deepEqual(events.slice(0, 2), ["connect", "open"]);
  assert.deepEqual(events.slice(-2), ["closeRequest", "close"]);
  const large = entriesOf(recorded.text).find((e) =>
    (e.frame as { sha256?: string } | undefined)?.sha256 !== undefined
  );
  assert.ok(large, "the 4 KiB frame went to a body file");
});

Deno.test("a server close, a dropped connection that reconnects, and a connect timeout replay", async () => {
  await recordThenReplay(async (ws, origin, drop) => {
    const closing = ws.openConnection(`${origin}/close-after?n=2`);
    ws.sendMessage(closing, "one");
    ws.sendMessage(closing, "two");
    await settled(ws, closing, ["closed"]);
    const closedSeen = await read(ws, closing, 2);

    const again = ws.openConnection(`${origin}/echo`, { reconnect: true });
    await settled(ws, again, ["open"]);
    await drop();
    await until(
      () => ws.connection(again)!.reconnects === 1 && ws.connection(again)!.state === "open",
      (s) => ws.whenChanged(again, s),
      "the reconnect",
    );
    ws.sendMessage(again, "after reconnect");
    const againSeen = await read(ws, again, 1);

    const hang = ws.openConnection(`${origin}/hang`);
    await settled(ws, hang, ["failed"]);
    return [
      { messages: closedSeen, info: ws.connection(closing)! },
      { messages: againSeen, info: ws.connection(again)! },
      { messages: [], info: ws.connection(hang)! },
    ];
  });
});

Deno.test("a frame that differs from the recording closes the connection: not in transcript", async () => {
  const server = startWsServer();
  const { transcript } = await session(async (ws, origin) => {
    const id = ws.openConnection(`${origin}/echo`);
    ws.sendMessage(id, "expected");
    await read(ws, id, 1);
    return [];
  }, server.origin);
  await server.close();
  const logs = new LogRecords();
  const { seen } = await session(
    async (ws, origin) => {
      const id = ws.openConnection(`${origin}/echo`);
      await settled(ws, id, ["open"]);
      ws.sendMessage(id, "something else");
      await settled(ws, id, ["closed"]);
      return [{ messages: [], info: ws.connection(id)! }];
    },
    server.origin,
    { replay: transcript, logs },
  );
  assert.equal(seen[0].info.closeCode, 1006);
  assert.equal(seen[0].info.closeReason, "not in transcript");
  assert.equal(seen[0].info.inbox, 0, "the recorded echo is not delivered");
  assert.deepEqual(logs.messages(), ["replay: a sent ws frame not in transcript"]);
});

Deno.test("a connection with no recorded counterpart fails: not in transcript", async () => {
  const server = startWsServer();
  const { transcript } = await session(async (ws, origin) => {
    const id = ws.openConnection(`${origin}/echo`);
    await settled(ws, id, ["open"]);
    return [];
  }, server.origin);
  await server.close();
  const logs = new LogRecords();
  const { seen, text } = await session(
    async (ws, origin) => {
      const first = ws.openConnection(`${origin}/echo`);
      const second = ws.openConnection(`${origin}/echo`);
      const other = ws.openConnection(`${origin}/other`);
      for (const id of [first, second, other]) await settled(ws, id, ["open", "failed"]);
      return [first, second, other].map((id) => ({ messages: [], info: ws.connection(id)! }));
    },
    server.origin,
    { replay: transcript, logs },
  );
  assert.equal(seen[0].info.state, "open");
  assert.equal(
    seen[1].info.error,
    `not in transcript: the 2nd ws connection to ${server.origin}/echo`,
  );
  assert.equal(
    seen[2].info.error,
    `not in transcript: the 1st ws connection to ${server.origin}/other`,
  );
  assert.equal(logs.records.length, 2);
  assert.deepEqual(
    entriesOf(text).map((e) => e.conn),
    [1, 1, 1, 1],
    "only the recorded connection is recorded again (connect, open, closeRequest, close)",
  );
});
