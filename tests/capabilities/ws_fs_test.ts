/** WsFs as a state machine with a file protocol (no executor, no I/O). */
import assert from "@std/assert";
import { readFile, readText, writeFile, writeText } from "../../src/fs/mod.ts";
import { AllowList, submitJson, WsFs } from "../../src/capabilities/mod.ts";
import { readTextFromHandle } from "../../src/fs/file_io.ts";
import { throwsFs } from "../helpers/fs_assert.ts";

const dec = new TextDecoder();

function open(ws: WsFs, request: unknown): string {
  return (submitJson(ws, "/control", request) as { id: string }).id;
}

Deno.test("writing /control opens a connection and the same handle returns its id", () => {
  const ws = new WsFs();
  assert.equal(open(ws, { url: "wss://relay.example.com" }), "conn-0");
  assert.equal(open(ws, { url: "wss://relay.example.com", id: "mine", reconnect: true }), "mine");
  assert.equal(ws.connection("conn-0")?.state, "connecting");
  assert.equal(ws.connection("mine")?.reconnect, true);
  assert.equal(readText(ws, "/conns/mine/url"), "wss://relay.example.com/");
});

Deno.test('writing {"id": ...} to /control asks for the connection to close', () => {
  const ws = new WsFs();
  const id = open(ws, { url: "wss://relay.example.com" });
  const events: string[] = [];
  ws.onEvent((e) => events.push(`${e.type}:${e.id}`));
  assert.deepEqual(submitJson(ws, "/control", { id }), { id, state: "closing" });
  assert.deepEqual(events, [`close:${id}`]);
  throwsFs(() => submitJson(ws, "/control", { id: "conn-9" }), "ENOENT");
});

Deno.test("malformed control requests are EINVAL with a reason; refused URLs are EACCES", () => {
  const ws = new WsFs({ allowList: AllowList.of(["relay.example.com"]) });
  throwsFs(() => open(ws, {}), "EINVAL", /missing field "url"/);
  throwsFs(() => open(ws, { url: 42 }), "EINVAL", /"url" must be a string/);
  throwsFs(
    () => open(ws, { url: "wss://relay.example.com", reconnect: "yes" }),
    "EINVAL",
    /boolean/,
  );
  throwsFs(() => open(ws, { url: "wss://relay.example.com", extra: 1 }), "EINVAL", /unknown field/);
  throwsFs(() => open(ws, { url: "https://relay.example.com" }), "EINVAL", /scheme/);
  throwsFs(() => open(ws, { url: "wss://evil.test" }), "EACCES", /not in the allow-list/);
  throwsFs(() => writeText(ws, "/control", "{bad"), "EINVAL", /malformed JSON/);
  assert.equal(ws.connections().length, 0);
});

Deno.test("reading in takes the message at the head when the handle first reads, not at open", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  ws.setConnected(id);
  const early = ws.open(`/conns/${id}/in`);
  ws.receiveMessage(id, "first");
  const late = ws.open(`/conns/${id}/in`);
  ws.receiveMessage(id, "second");
  assert.equal(readTextFromHandle(late), "first");
  assert.equal(readTextFromHandle(early), "second");
  early.close();
  late.close();
  assert.equal(ws.connection(id)?.inbox, 0);
});

Deno.test("a stat of in takes no message: the first read does", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  ws.setConnected(id);
  ws.receiveMessage(id, "kept");
  const h = ws.open(`/conns/${id}/in`);
  assert.equal(h.stat().size, 0);
  h.close();
  assert.equal(ws.connection(id)?.inbox, 1);
  assert.equal(readText(ws, `/conns/${id}/in`), "kept");
  assert.equal(ws.connection(id)?.inbox, 0);
});

Deno.test("in reads EAGAIN while nothing is queued, and whenReadable resolves on arrival", async () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  const h = ws.open(`/conns/${id}/in`);
  throwsFs(() => h.read(new Uint8Array(16)), "EAGAIN");
  const ready = h.whenReadable!();
  ws.setConnected(id);
  ws.receiveMessage(id, new Uint8Array([1, 2, 3]));
  await ready;
  const buf = new Uint8Array(16);
  assert.equal(h.read(buf), 3);
  assert.deepEqual(buf.subarray(0, 3), new Uint8Array([1, 2, 3]));
  h.close();
});

Deno.test("once closed and drained, in reads as end of file", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  ws.setConnected(id);
  ws.receiveMessage(id, "last words");
  ws.setClosed(id, 1000, "done");
  assert.equal(readText(ws, `/conns/${id}/in`), "last words");
  assert.equal(readText(ws, `/conns/${id}/in`), "");
  const st = JSON.parse(readText(ws, `/conns/${id}/status`));
  assert.equal(st.state, "closed");
  assert.equal(st.closeCode, 1000);
  assert.equal(st.closeReason, "done");
});

Deno.test("out sends a text message per handle, out.bin a binary one", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  writeText(ws, `/conns/${id}/out`, "hello");
  writeFile(ws, `/conns/${id}/out.bin`, new Uint8Array([0, 255]));
  throwsFs(
    () => writeFile(ws, `/conns/${id}/out`, new Uint8Array([0xff, 0xfe])),
    "EINVAL",
    /out\.bin/,
  );
  const sent = ws.drainOutbox(id);
  assert.equal(sent.length, 2);
  assert.deepEqual([sent[0].binary, dec.decode(sent[0].data)], [false, "hello"]);
  assert.deepEqual([sent[1].binary, [...sent[1].data]], [true, [0, 255]]);
  throwsFs(() => ws.open(`/conns/${id}/out`, { read: true }), "EACCES");
  throwsFs(() => ws.open(`/conns/${id}/in`, { write: true }), "EACCES");
});

Deno.test("the status shows the kind of the next message", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  ws.receiveMessage(id, new Uint8Array([9]));
  const st = JSON.parse(readText(ws, `/conns/${id}/status`));
  assert.equal(st.next, "binary");
  assert.equal(st.inbox, 1);
  assert.deepEqual([...readFile(ws, `/conns/${id}/in`)], [9]);
});

Deno.test("closed connections stop counting toward the limit and old ones are reaped", () => {
  const ws = new WsFs({ maxConnections: 2, retainClosed: 1 });
  const a = open(ws, { url: "wss://relay.example.com" });
  const b = open(ws, { url: "wss://relay.example.com" });
  throwsFs(() => open(ws, { url: "wss://relay.example.com" }), "EMFILE", /maxConnections=2/);
  ws.setClosed(a);
  const c = open(ws, { url: "wss://relay.example.com" });
  ws.setFailed(b, "boom");
  assert.deepEqual(ws.readdir("/conns").map((e) => e.name), [b, c], `${a} was reaped`);
  assert.equal(ws.activeCount(), 1);
  throwsFs(() => ws.stat(`/conns/${a}`), "ENOENT");
});

Deno.test("writing to a closing or finished connection is refused", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  ws.closeConnection(id);
  throwsFs(() => writeText(ws, `/conns/${id}/out`, "late"), "EIO", /closing/);
  assert.throws(() => ws.sendMessage(id, "late"), /connection conn-0 is closing/);
});

Deno.test("stat and readdir work on every path", () => {
  const ws = new WsFs();
  const id = ws.openConnection("wss://relay.example.com");
  assert.deepEqual(ws.readdir("/").map((e) => e.name), ["conns", "control", "status"]);
  assert.deepEqual(ws.readdir("/conns"), [{ name: id, kind: "dir" }]);
  assert.deepEqual(ws.readdir(`/conns/${id}`).map((e) => e.name), [
    "in",
    "out",
    "out.bin",
    "status",
    "url",
  ]);
  for (const p of ["/", "/conns", `/conns/${id}`]) assert.equal(ws.stat(p).kind, "dir", p);
  for (const f of ["in", "out", "out.bin", "status", "url"]) {
    assert.equal(ws.stat(`/conns/${id}/${f}`).kind, "file", f);
  }
  assert.equal(ws.stat(`/conns/${id}/url`).size, "wss://relay.example.com/".length);
  const st = JSON.parse(readText(ws, "/status"));
  assert.deepEqual(st.connections, [{ id, url: "wss://relay.example.com/", state: "connecting" }]);
  throwsFs(() => ws.readdir(`/conns/${id}/in`), "ENOTDIR");
  throwsFs(() => ws.open(`/conns/${id}`), "EISDIR");
  throwsFs(() => ws.stat("/conns/nope/in"), "ENOENT");
  throwsFs(() => ws.remove(`/conns/${id}`), "EPERM");
});

Deno.test("host API misuse names the function and the id", () => {
  const ws = new WsFs();
  assert.throws(
    () => ws.setConnected("conn-7"),
    /WsFs\.setConnected: unknown connection id conn-7/,
  );
  assert.throws(() => ws.openConnection("not a url"), /"url" must be an absolute URL/);
  assert.throws(() => new WsFs({ maxConnections: 0 }), /maxConnections/);
});
