/**
 * A scripted stand-in for an OpenAI-compatible chat-completions endpoint,
 * on 127.0.0.1: it plays the model's side of the changelog task in
 * env.yaml from what the agent's tools actually returned (it finds the
 * TODO with grep, reads the file, replaces the exact line it read,
 * finishes), so the agent's loop, tools and sandbox all run for real. It
 * checks the request like a real endpoint would: POST, JSON, a bearer key.
 *
 * @module
 */

interface Message {
  role: string;
  content: string | null;
  tool_calls?: { function: { name: string } }[];
}

/** A running fake model. */
export interface FakeModel {
  /** The chat-completions URL. */
  url: string;
  /** `127.0.0.1:PORT`, for the manifest's allow-list. */
  host: string;
  /** The Authorization header of every request, in order. */
  authorizations: string[];
  /** The body of every request, as sent. */
  bodies: string[];
  /** Stops it. */
  close(): Promise<void>;
}

const TODO = "TODO: write the changelog";
const ENTRY = "- 0.1.0: the first release; it prints its greeting";

function toolCall(name: string, args: Record<string, unknown>, turn: number) {
  return {
    role: "assistant",
    content: null,
    tool_calls: [{
      id: `call_${turn}`,
      type: "function",
      function: { name, arguments: JSON.stringify(args) },
    }],
  };
}

/** The model's next message, from the conversation so far. */
function nextMessage(messages: Message[]): Record<string, unknown> {
  const results = messages.filter((m) => m.role === "tool").map((m) => m.content ?? "");
  const last = results.at(-1) ?? "";
  const turn = results.length;
  if (turn === 0) return toolCall("bash", { command: `grep -rn "${TODO}" .` }, turn);
  if (turn === 1) {
    // grep says `docs/notes.md:4:- TODO: ...`: read that file.
    const hit = last.split("\n").find((l) => l.includes(TODO));
    if (hit === undefined) return { role: "assistant", content: `grep found no TODO: ${last}` };
    return toolCall("read", { path: hit.split(":")[0] }, turn);
  }
  if (turn === 2) {
    const line = last.split("\n").find((l) => l.includes(TODO));
    const grep = results[0].split("\n").find((l) => l.includes(TODO))!;
    if (line === undefined) return { role: "assistant", content: `the file has no TODO: ${last}` };
    return toolCall(
      "edit",
      { path: grep.split(":")[0], old_string: line, new_string: ENTRY },
      turn,
    );
  }
  if (turn === 3 && last.startsWith("edited ")) {
    return toolCall("finish", { summary: `Replaced the changelog TODO with "${ENTRY}".` }, turn);
  }
  return { role: "assistant", content: `stopping: the last tool said ${last}` };
}

/**
 * Starts the fake model on 127.0.0.1 (port 0: any free one).
 *
 * @example
 * ```ts ignore
 * const model = startFakeModel();
 * console.log(model.url);
 * await model.close();
 * ```
 */
export function startFakeModel(): FakeModel {
  const authorizations: string[] = [];
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.method !== "POST") return new Response("method not allowed", { status: 405 });
    authorizations.push(req.headers.get("authorization") ?? "");
    const body = await req.text();
    bodies.push(body);
    if (!/^Bearer \S+$/.test(authorizations.at(-1)!)) {
      return Response.json({ error: { message: "no API key" } }, { status: 401 });
    }
    const { messages } = JSON.parse(body) as { messages: Message[] };
    return Response.json({
      id: `chatcmpl-${bodies.length}`,
      object: "chat.completion",
      choices: [{ index: 0, message: nextMessage(messages), finish_reason: "stop" }],
    });
  });
  const host = `127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return {
    url: `http://${host}/v1/chat/completions`,
    host,
    authorizations,
    bodies,
    close: () => server.shutdown(),
  };
}
