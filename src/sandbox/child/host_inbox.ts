/**
 * The host's messages to a serving session (tool calls, the end), as they
 * come from the supervisor: a queue read in order, waiting when empty.
 *
 * Not part of the public API.
 *
 * @module
 */

import type { HostMessage } from "../runner/run_protocol.ts";

/** The messages of one session, in arrival order. */
export class HostInbox {
  #queue: HostMessage[] = [];
  #waiting: ((msg: HostMessage | undefined) => void) | undefined;
  #closed = false;

  /** Adds a message (after the end, it is dropped). */
  push(msg: HostMessage): void {
    if (this.#closed) return;
    if (msg.type === "end") this.#closed = true;
    if (this.#waiting) {
      const wake = this.#waiting;
      this.#waiting = undefined;
      wake(msg);
    } else this.#queue.push(msg);
  }

  /** The next message; undefined when `signal` ends the wait. */
  next(signal: AbortSignal): Promise<HostMessage | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.#waiting = undefined;
        resolve(undefined);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting = (msg) => {
        signal.removeEventListener("abort", onAbort);
        resolve(msg);
      };
    });
  }
}
