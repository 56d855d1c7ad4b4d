/**
 * A tiny NIP-90 data vending machine for tests, written against the relay
 * protocol directly (plain WebSocket + nostr-tools): it answers kind 5050
 * requests with feedback (7000, "processing") and a result (6050).
 */
import { finalizeEvent, generateSecretKey, type NostrEvent } from "nostr-tools/pure";

export interface TestDvm {
  pubkey: string;
  /** Requests answered so far. */
  answered: () => number;
  close(): Promise<void>;
}

export async function startDvm(
  relayUrl: string,
  answer: (input: string) => string,
): Promise<TestDvm> {
  const key = generateSecretKey();
  const ws = new WebSocket(relayUrl);
  const closed = new Promise<void>((r) => ws.addEventListener("close", () => r(), { once: true }));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error("DVM could not connect")), { once: true });
  });
  let answered = 0;
  const publish = (t: { kind: number; content: string; tags: string[][] }) => {
    const ev = finalizeEvent({ ...t, created_at: Math.floor(Date.now() / 1000) }, key);
    ws.send(JSON.stringify(["EVENT", ev]));
  };
  ws.onmessage = (e) => {
    const msg = JSON.parse(String(e.data));
    if (msg[0] !== "EVENT" || msg[1] !== "dvm") return;
    const req = msg[2] as NostrEvent;
    const input = req.tags.find((t) => t[0] === "i")?.[1] ?? "";
    const refs = [["e", req.id], ["p", req.pubkey]];
    publish({ kind: 7000, content: "", tags: [["status", "processing"], ...refs] });
    publish({
      kind: req.kind + 1000,
      content: answer(input),
      tags: [["request", JSON.stringify(req)], ["i", input, "text"], ...refs],
    });
    answered++;
  };
  ws.send(
    JSON.stringify(["REQ", "dvm", { kinds: [5050], since: Math.floor(Date.now() / 1000) - 5 }]),
  );
  return {
    pubkey: finalizeEvent({ kind: 0, content: "", tags: [], created_at: 0 }, key).pubkey,
    answered: () => answered,
    close: async () => {
      ws.close();
      await closed;
    },
  };
}
