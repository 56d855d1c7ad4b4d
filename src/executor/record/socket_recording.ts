/**
 * The socket half of a recording: a {@linkcode SocketFactory} whose
 * sockets write every event into a transcript (connect, open, each frame
 * sent and received, the close we asked for, the close), in the order
 * they happen.
 *
 * @module
 */

import type { SocketFactory, SocketHandlers, TransportSocket } from "../managed_socket.ts";
import type { SocketEvent, SocketKind } from "./transcript_format.ts";
import type { TranscriptRecorder } from "./transcript_recorder.ts";

/**
 * A socket event without the `kind` and `conn` its {@linkcode SocketLog}
 * adds.
 *
 * @example
 * ```ts
 * import type { SocketEventBody } from "./socket_recording.ts";
 * const b: SocketEventBody = { event: "closeRequest", code: 1000, reason: "closed" };
 * ```
 */
export type SocketEventBody<E = SocketEvent> = E extends SocketEvent ? Omit<E, "kind" | "conn">
  : never;

/**
 * Writes the events of one socket (`conn`) of `kind`; the same writer
 * serves a recording and a replay's own recording.
 *
 * @example
 * ```ts
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * import { SocketLog } from "./socket_recording.ts";
 * const recorder = new TranscriptRecorder(new MemoryTranscriptSink());
 * const log = new SocketLog(recorder, "ws");
 * log.write({ event: "connect", url: "wss://feed.example.com/" });
 * log.write({ event: "open" });
 * ```
 */
export class SocketLog {
  readonly #recorder: TranscriptRecorder;
  readonly #kind: SocketKind;
  readonly #conn: number;

  /**
   * Numbers a new socket.
   *
   * @param recorder where its events go
   * @param kind "ws" or "nostr"
   */
  constructor(recorder: TranscriptRecorder, kind: SocketKind) {
    this.#recorder = recorder;
    this.#kind = kind;
    this.#conn = recorder.nextConnection();
  }

  /** Writes one event. */
  write(body: SocketEventBody): void {
    this.#recorder.write({ kind: this.#kind, conn: this.#conn, ...body } as SocketEvent);
  }

  /** Writes a frame sent or received. */
  frame(event: "send" | "receive", data: string | Uint8Array): void {
    this.write({ event, frame: this.#recorder.frame(data) });
  }

  /** Writes the close, as the handlers hear it. */
  close(c: Parameters<SocketHandlers["onClose"]>[0]): void {
    const body: SocketEventBody = {
      event: "close",
      code: c.code,
      reason: c.reason,
      opened: c.opened,
      timedOut: c.timedOut,
    };
    if (c.error !== undefined) body.error = c.error;
    this.write(body);
  }
}

/**
 * Sockets from `inner` that record their events into `recorder`. What we
 * send is recorded as `ours(data)` makes it (Nostr leaves our signatures
 * out: see nostr_frames.ts).
 *
 * @example
 * ```ts
 * import { liveSockets } from "../managed_socket.ts";
 * import { recordSockets } from "./socket_recording.ts";
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const recorder = new TranscriptRecorder(new MemoryTranscriptSink());
 * const sockets = recordSockets("ws", recorder, liveSockets);
 * // new WsConnector(ws, config, { sockets })
 * ```
 */
export function recordSockets(
  kind: SocketKind,
  recorder: TranscriptRecorder,
  inner: SocketFactory,
  ours: (data: string | Uint8Array) => string | Uint8Array = (d) => d,
): SocketFactory {
  return (url, connectTimeoutMs, handlers) => {
    const log = new SocketLog(recorder, kind);
    log.write({ event: "connect", url });
    let closeAsked = false;
    let closed = false;
    const socket = inner(url, connectTimeoutMs, {
      onOpen: () => {
        log.write({ event: "open" });
        handlers.onOpen();
      },
      onMessage: (data) => {
        log.frame("receive", data);
        handlers.onMessage(data);
      },
      onClose: (c) => {
        closed = true;
        log.close(c);
        handlers.onClose(c);
      },
    });
    const recorded: TransportSocket = {
      get closed() {
        return socket.closed;
      },
      get isOpen() {
        return socket.isOpen;
      },
      send(data) {
        const sent = socket.send(data);
        if (sent) log.frame("send", ours(data));
        return sent;
      },
      close(code = 1000, reason = "") {
        if (!closeAsked && !closed) {
          closeAsked = true;
          log.write({ event: "closeRequest", code, reason });
        }
        socket.close(code, reason);
      },
    };
    return recorded;
  };
}
