/**
 * ReplaySocket: a socket played from a transcript, with no network. The
 * n-th socket to a URL plays the n-th recorded connection to it.
 *
 * The world's events (open, each frame received, the close) are delivered
 * in their recorded order, each as soon as everything we did before it in
 * the recording has been done again: a frame the server sent after our
 * third frame arrives once we have sent three frames. What we send is
 * compared with what was recorded; frames sent between two of the world's
 * events may come in another order. A frame that is not there closes the
 * socket with a "not in transcript" reason; a socket to a URL with no
 * recorded connection left fails the same way. Both are logged.
 *
 * @module
 */

import type { SocketFactory, SocketHandlers, TransportSocket } from "../managed_socket.ts";
import { frameMatches, inlinePayloadBytes } from "./payload.ts";
import { NOT_IN_TRANSCRIPT, ordinal, type ReplaySession } from "./replay_session.ts";
import { SocketLog } from "./socket_recording.ts";
import type { SocketEvent, SocketKind } from "./transcript_format.ts";
import type { TranscriptRecorder } from "./transcript_recorder.ts";

type CloseInfo = Parameters<SocketHandlers["onClose"]>[0];

const decoder = new TextDecoder();

function isOurs(e: SocketEvent): boolean {
  return e.event === "send" || e.event === "closeRequest";
}

/**
 * Sockets played from `session`; each event replayed is recorded again
 * into `record` when given. `ours(data)` is what a frame we send is
 * compared as (Nostr leaves our signatures out).
 *
 * @example
 * ```ts
 * import { replaySockets } from "./replay_socket.ts";
 * import { ReplaySession } from "./replay_session.ts";
 * import { Transcript } from "./transcript.ts";
 * const t = Transcript.parse(
 *   '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *     '{"seq":1,"kind":"end"}\n',
 * );
 * const sockets = replaySockets("ws", new ReplaySession(t));
 * // new WsConnector(ws, config, { sockets }): no socket is ever opened
 * ```
 */
export function replaySockets(
  kind: SocketKind,
  session: ReplaySession,
  record?: TranscriptRecorder,
  ours: (data: string | Uint8Array) => string | Uint8Array = (d) => d,
): SocketFactory {
  return (url, _connectTimeoutMs, handlers) =>
    new ReplaySocket(kind, url, handlers, session, record, ours);
}

/**
 * One replayed socket (see the module documentation).
 *
 * @example
 * ```ts
 * import { ReplaySocket } from "./replay_socket.ts";
 * import { ReplaySession } from "./replay_session.ts";
 * import { Transcript } from "./transcript.ts";
 * const t = Transcript.parse(
 *   '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *     '{"seq":1,"kind":"end"}\n',
 * );
 * const s = new ReplaySocket("ws", "wss://x.example/", {
 *   onOpen() {},
 *   onMessage() {},
 *   onClose: (c) => console.log(c.error), // "not in transcript: the 1st ws connection to ..."
 * }, new ReplaySession(t));
 * await s.closed;
 * ```
 */
export class ReplaySocket implements TransportSocket {
  /** Resolves once the socket is closed and `onClose` has run. */
  readonly closed: Promise<void>;
  readonly #kind: SocketKind;
  readonly #url: string;
  readonly #handlers: SocketHandlers;
  readonly #session: ReplaySession;
  readonly #ours: (data: string | Uint8Array) => string | Uint8Array;
  readonly #script: SocketEvent[];
  readonly #done: boolean[];
  readonly #log: SocketLog | undefined;
  #resolveClosed!: () => void;
  #pos = 0;
  #open = false;
  #finished = false;
  #closeAsked = false;
  #pumping = false;

  /**
   * Starts playing the next recorded connection of `kind` to `url`.
   *
   * @param kind "ws" or "nostr"
   * @param url the URL
   * @param handlers where its events go
   * @param session the transcript's cursors
   * @param record where the replayed events are recorded again
   * @param ours how a frame we send is compared
   */
  constructor(
    kind: SocketKind,
    url: string,
    handlers: SocketHandlers,
    session: ReplaySession,
    record?: TranscriptRecorder,
    ours: (data: string | Uint8Array) => string | Uint8Array = (d) => d,
  ) {
    this.closed = new Promise<void>((r) => (this.#resolveClosed = r));
    this.#kind = kind;
    this.#url = url;
    this.#handlers = handlers;
    this.#session = session;
    this.#ours = ours;
    const { script, occurrence } = session.socket(kind, url);
    this.#script = script ?? [];
    this.#done = this.#script.map(() => false);
    if (script === undefined) {
      session.log("warn", `replay: ${kind} connection ${NOT_IN_TRANSCRIPT}`, { url, occurrence });
      const error = `${NOT_IN_TRANSCRIPT}: the ${ordinal(occurrence)} ${kind} connection to ${url}`;
      queueMicrotask(() =>
        this.#finish({ code: 1006, reason: "", opened: false, timedOut: false, error })
      );
      return;
    }
    this.#log = record === undefined ? undefined : new SocketLog(record, kind);
    this.#log?.write({ event: "connect", url });
    this.#schedule();
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.#open && !this.#finished;
  }

  /** Sends a frame: it must be the next one recorded (see the module documentation). */
  send(data: string | Uint8Array): boolean {
    if (!this.isOpen) return false;
    const mine = this.#ours(data);
    const i = this.#find((e) => e.event === "send" && frameMatches(e.frame, mine));
    if (i === undefined) {
      const size = typeof mine === "string" ? mine.length : mine.length;
      this.#session.log("warn", `replay: a sent ${this.#kind} frame ${NOT_IN_TRANSCRIPT}`, {
        url: this.#url,
        size,
      });
      const error = `${NOT_IN_TRANSCRIPT}: a frame sent to ${this.#url} differs from the recording`;
      queueMicrotask(() =>
        this.#finish({
          code: 1006,
          reason: NOT_IN_TRANSCRIPT,
          opened: true,
          timedOut: false,
          error,
        })
      );
      this.#open = false;
      return false;
    }
    this.#done[i] = true;
    this.#log?.frame("send", mine);
    this.#schedule();
    return true;
  }

  /** Closes: the recorded close follows when this close was recorded, else one is made up. */
  close(code = 1000, reason = ""): void {
    if (this.#finished || this.#closeAsked) return;
    this.#closeAsked = true;
    const i = this.#find((e) =>
      e.event === "closeRequest" && e.code === code && e.reason === reason
    );
    if (i !== undefined) {
      this.#done[i] = true;
      this.#log?.write({ event: "closeRequest", code, reason });
      this.#schedule();
      return;
    }
    const opened = this.#open;
    queueMicrotask(() =>
      this.#finish({
        code: opened ? code : 1006,
        reason: opened ? reason : "",
        opened,
        timedOut: false,
      })
    );
  }

  /**
   * The first entry of ours not yet done that `match` accepts, looking
   * past the world's events not yet delivered, but never past a world
   * event that waits for an entry of ours still to come.
   */
  #find(match: (e: SocketEvent) => boolean): number | undefined {
    let waiting = false;
    for (let i = this.#pos; i < this.#script.length; i++) {
      if (this.#done[i]) continue;
      const e = this.#script[i];
      if (!isOurs(e)) {
        if (waiting) return undefined;
        continue;
      }
      if (match(e)) return i;
      if (e.event === "closeRequest") return undefined;
      waiting = true;
    }
    return undefined;
  }

  #schedule(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    queueMicrotask(() => void this.#pump());
  }

  /** Delivers the world's events in order, up to the next entry of ours. */
  async #pump(): Promise<void> {
    try {
      while (!this.#finished) {
        while (this.#pos < this.#script.length && this.#done[this.#pos]) this.#pos++;
        if (this.#pos >= this.#script.length) return;
        const e = this.#script[this.#pos];
        if (isOurs(e)) return;
        this.#done[this.#pos++] = true;
        await this.#deliver(e);
      }
    } catch (err) {
      this.#session.log("error", "replay: a recorded socket event could not be delivered", {
        url: this.#url,
        error: (err as Error).message,
      });
      const error = `${NOT_IN_TRANSCRIPT}: ${(err as Error).message}`;
      this.#finish({ code: 1006, reason: "", opened: this.#open, timedOut: false, error });
    } finally {
      this.#pumping = false;
    }
  }

  async #deliver(e: SocketEvent): Promise<void> {
    switch (e.event) {
      case "open":
        this.#open = true;
        this.#log?.write({ event: "open" });
        this.#handlers.onOpen();
        return;
      case "receive": {
        const f = e.frame;
        // Inline frames are delivered at once; a body file is read first.
        let data: string | Uint8Array;
        if (!f.binary && "text" in f) data = f.text;
        else {
          const bytes = "sha256" in f
            ? await this.#session.transcript.bytes(f)
            : inlinePayloadBytes(f)!;
          if (this.#finished) return;
          data = f.binary ? bytes : decoder.decode(bytes);
        }
        this.#log?.frame("receive", data);
        this.#handlers.onMessage(data);
        return;
      }
      case "close": {
        const info: CloseInfo = {
          code: e.code,
          reason: e.reason,
          opened: e.opened,
          timedOut: e.timedOut,
        };
        if (e.error !== undefined) info.error = e.error;
        this.#finish(info, true);
      }
    }
  }

  #finish(info: CloseInfo, recorded = false): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#open = false;
    if (recorded) this.#log?.close(info);
    try {
      this.#handlers.onClose(info);
    } finally {
      this.#resolveClosed();
    }
  }
}
