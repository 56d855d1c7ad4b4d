/**
 * The host's side of a serving session: tool calls sent to the child, each
 * waiting for its reply by id; all still waiting are rejected when the
 * child ends.
 *
 * @module
 */

import { describeValue } from "../../services/json_value.ts";
import type { HostMessage } from "./run_protocol.ts";
import type { SessionOptions, ToolChannel } from "./run_types.ts";

/** A tool's answer, as the child sent it. */
type Answer = { text: string; isError: boolean };

/**
 * Checks a session's options.
 *
 * @throws {TypeError} naming the bad field.
 *
 * @example
 * ```ts
 * import { checkSession } from "./tool_calls.ts";
 * checkSession({ timeoutSecs: 60, onReady: () => {} });
 * ```
 */
export function checkSession(session: SessionOptions): void {
  if (session === null || typeof session !== "object") {
    throw new TypeError(`session must be an object, got ${describeValue(session)}`);
  }
  const t = session.timeoutSecs;
  if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) {
    throw new TypeError(`session.timeoutSecs must be a positive number, got ${describeValue(t)}`);
  }
  if (typeof session.onReady !== "function") {
    throw new TypeError(
      `session.onReady must be a function, got ${describeValue(session.onReady)}`,
    );
  }
}

/**
 * The calls in flight, by id.
 *
 * @example
 * ```ts
 * import { CallTable } from "./tool_calls.ts";
 * const calls = new CallTable();
 * const tools = calls.channel((msg) => {
 *   if (msg.type === "call") calls.answer(msg.id, { text: "ok", isError: false });
 * });
 * console.log((await tools.call("list", {})).text); // "ok"
 * calls.close();
 * ```
 */
export class CallTable {
  #waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #closed = false;

  /** The channel a session's caller uses; `send` writes to the child. */
  channel(send: (msg: HostMessage) => void): ToolChannel {
    let ended = false;
    return {
      call: (tool, args) => {
        if (this.#closed || ended) {
          return Promise.reject(new Error("the session has ended"));
        }
        if (typeof tool !== "string" || tool === "") {
          return Promise.reject(new TypeError(`tool must be a name, got ${describeValue(tool)}`));
        }
        const id = this.#nextId++;
        return new Promise<Answer>((resolve, reject) => {
          this.#waiting.set(id, { resolve, reject });
          send({ type: "call", id, tool, args: args ?? {} });
        });
      },
      end: () => {
        if (ended || this.#closed) return;
        ended = true;
        send({ type: "end" });
      },
    };
  }

  /** The child's reply to call `id`. */
  answer(id: number, answer: Answer): void {
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return;
    this.#waiting.delete(id);
    waiting.resolve({ text: answer.text, isError: answer.isError });
  }

  /** The child ended: every call still waiting is rejected. */
  close(): void {
    this.#closed = true;
    for (const { reject } of this.#waiting.values()) {
      reject(new Error("the environment ended before answering"));
    }
    this.#waiting.clear();
  }
}
