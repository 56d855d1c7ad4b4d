/**
 * The promise of record and replay, end to end: a deterministic agent
 * that uses only files (/cap/http, /cap/ws, /cap/nostr) runs once against
 * real servers, recorded to cap.jsonl on disk; every server is then shut
 * down, and two replays of the agent from that transcript read
 * byte-identical files and write byte-identical transcripts.
 */
import assert from "@std/assert";
import { readFile, readText, writeText } from "../../../src/fs/mod.ts";
import { Namespace } from "../../../src/namespace/mod.ts";
import {
  AllowList,
  HttpFs,
  NostrFs,
  readJsonWhenReady,
  readWhenReady,
  submitJson,
  WsFs,
} from "../../../src/capabilities/mod.ts";
import {
  DirectoryTranscriptSink,
  ExecutorConfig,
  ExecutorManager,
  loadTranscript,
  RetryPolicy,
  type Transcript,
  TranscriptRecorder,
} from "../../../src/executor/mod.ts";
import { startDvm } from "../../helpers/dvm.ts";
import { startHttpServer } from "../../helpers/http_server.ts";
import { startRelay } from "../../helpers/nostr_relay.ts";
import { startWsServer } from "../../helpers/ws_server.ts";
import { withTempDir } from "../../helpers/temp_dir.ts";
import { CREATED } from "../../helpers/transcripts.ts";

const dec = new TextDecoder();
const KEY = new Uint8Array(32).fill(42);
const CONFIG = ExecutorConfig.builder().httpRetry(RetryPolicy.none())
  .nostrReconnect(RetryPolicy.none()).build();

type Origins = { http: string; ws: string; relay: string };

/** The agent: file operations only, one after the other. Returns every byte it read. */
async function agent(ns: Namespace, o: Origins): Promise<string[]> {
  const read: string[] = [];
  const keep = (bytes: Uint8Array) => read.push(dec.decode(bytes));
  // HTTP: a GET, a POST, and a body large enough for a body file.
  for (
    const request of [
      { url: `${o.http}/echo?agent=1` },
      { method: "POST", url: `${o.http}/echo`, body: "the agent's body" },
      { url: `${o.http}/large?bytes=200000` },
    ]
  ) {
    const { id } = submitJson(ns, "/cap/http/request", request) as { id: string };
    keep(await readWhenReady(ns, `/cap/http/responses/${id}.json`));
    keep(readFile(ns, `/cap/http/responses/${id}.body`));
  }
  // WebSocket: two messages echoed, then closed.
  const { id: conn } = submitJson(ns, "/cap/ws/control", { url: `${o.ws}/echo` }) as {
    id: string;
  };
  writeText(ns, `/cap/ws/conns/${conn}/out`, "first");
  keep(await readWhenReady(ns, `/cap/ws/conns/${conn}/in`));
  writeText(ns, `/cap/ws/conns/${conn}/out`, "second");
  keep(await readWhenReady(ns, `/cap/ws/conns/${conn}/in`));
  submitJson(ns, "/cap/ws/control", { id: conn });
  // Nostr: a note (dated by the NostrFs clock), and a NIP-90 job.
  submitJson(ns, "/cap/nostr/relays", { url: o.relay });
  const { id: note } = submitJson(ns, "/cap/nostr/submit", { kind: 1, content: "hi" }) as {
    id: string;
  };
  const { id: job } = submitJson(ns, "/cap/nostr/request", { kind: 5050, input: "France?" }) as {
    id: string;
  };
  keep(
    new TextEncoder().encode(
      JSON.stringify(await readJsonWhenReady(ns, `/cap/nostr/results/${job}.json`)),
    ),
  );
  keep(
    new TextEncoder().encode(
      readText(ns, `/cap/nostr/outbox/${note}.json`).replace(/"sig":"[0-9a-f]+"/, ""),
    ),
  );
  return read;
}

/** Runs the agent with `options` (record or replay); the transcript goes to `dir`. */
async function runAgent(dir: string, o: Origins, replay?: Transcript): Promise<string[]> {
  const recorder = new TranscriptRecorder(await DirectoryTranscriptSink.create(dir), {
    created: replay?.header.created ?? CREATED,
  });
  const resolve = () => Promise.reject(new Error("no DNS in this test"));
  const manager = new ExecutorManager(CONFIG, { record: recorder, replay, resolve });
  const allow = AllowList.of(["127.0.0.1"]);
  const http = new HttpFs({ allowList: allow });
  const ws = new WsFs({ allowList: allow });
  const nostr = new NostrFs(KEY, { allowList: allow, clock: manager.clock("nostr") });
  manager.attachHttp(http).attachWs(ws).attachNostr(nostr).start();
  const ns = Namespace.builder()
    .mount("/cap/http", http)
    .mount("/cap/ws", ws)
    .mount("/cap/nostr", nostr)
    .build();
  try {
    return await agent(ns, o);
  } finally {
    await manager.shutdown();
    await recorder.close();
  }
}

Deno.test("a deterministic agent replays byte for byte, twice, with every server down", async () => {
  await withTempDir(async (root) => {
    const dirs = ["recorded", "replay-1", "replay-2"].map((d) => `${root}/${d}`);
    for (const d of dirs) await Deno.mkdir(d);
    const httpServer = startHttpServer();
    const wsServer = startWsServer();
    const relay = startRelay();
    const dvm = await startDvm(relay.url, (input) => `answer to ${input}`);
    const origins = { http: httpServer.origin, ws: wsServer.origin, relay: relay.url };
    let recorded: string[];
    try {
      recorded = await runAgent(dirs[0], origins);
    } finally {
      await dvm.close();
      await relay.close();
      await wsServer.close();
      await httpServer.close();
    }
    assert.ok(recorded.some((r) => r.includes('"content":"answer to France?"')));

    const transcript = await loadTranscript(`${dirs[0]}/cap.jsonl`);
    const one = await runAgent(dirs[1], origins, transcript);
    const two = await runAgent(dirs[2], origins, transcript);
    assert.deepEqual(one, recorded, "the agent reads the same bytes as in the recorded run");
    assert.deepEqual(two, recorded);
    const [a, b] = await Promise.all(dirs.slice(1).map((d) => Deno.readFile(`${d}/cap.jsonl`)));
    assert.deepEqual(a, b, "two replays write byte-identical cap.jsonl");
    const bodies = (d: string) => [...Deno.readDirSync(`${d}/cap-bodies`)].map((e) => e.name);
    assert.deepEqual(bodies(dirs[1]), bodies(dirs[0]));
  });
});
