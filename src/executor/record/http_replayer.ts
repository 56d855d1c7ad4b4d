/**
 * HttpReplayer: serves an HttpFs from a transcript, with no network at
 * all. It takes each request as it is submitted, in order, and answers it
 * with the exchange recorded for the same method, URL and body digest (the
 * n-th such request, the n-th such exchange); one that is not there fails
 * with `"errorKind": "notInTranscript"`.
 *
 * @module
 */

import type { HttpFs } from "../../capabilities/http/http_fs.ts";
import type { HttpRequest } from "../../capabilities/http/http_types.ts";
import type { HttpTap, HttpTapEnd } from "../http/http_tap.ts";
import { NOT_IN_TRANSCRIPT, ordinal, type ReplaySession } from "./replay_session.ts";
import { bodySha256 } from "./sha256.ts";
import type { HttpExchange } from "./transcript_format.ts";

/**
 * Answers the requests of an HttpFs from a {@linkcode ReplaySession}.
 * Usually made by ExecutorManager.attachHttp when the manager replays.
 *
 * @example
 * ```ts
 * import { HttpFs } from "@oanix/oanix";
 * import { HttpReplayer } from "./http_replayer.ts";
 * import { ReplaySession } from "./replay_session.ts";
 * import { Transcript } from "./transcript.ts";
 * const t = Transcript.parse(
 *   '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *     '{"seq":1,"kind":"end"}\n',
 * );
 * const http = new HttpFs();
 * const replayer = new HttpReplayer(http, new ReplaySession(t));
 * replayer.start();
 * const out = await http.response(http.submitRequest({ url: "https://example.com/" }));
 * console.log("error" in out && out.errorKind); // "notInTranscript"
 * await replayer.shutdown();
 * ```
 */
export class HttpReplayer {
  readonly #http: HttpFs;
  readonly #session: ReplaySession;
  readonly #tap: HttpTap | undefined;
  readonly #redact: (text: string) => string;
  #chain: Promise<void> = Promise.resolve();
  #off: (() => void) | undefined;
  #state: "idle" | "running" | "stopped" = "idle";

  /**
   * Makes a replayer for `http` (not started).
   *
   * @param http the HttpFs to serve (the mounted instance)
   * @param session the transcript's cursors
   * @param tap hears of each request and outcome (to record the replay)
   * @param redact replaces credentials in recorded lines
   */
  constructor(
    http: HttpFs,
    session: ReplaySession,
    tap?: HttpTap,
    redact: (text: string) => string = (t) => t,
  ) {
    this.#http = http;
    this.#session = session;
    this.#tap = tap;
    this.#redact = redact;
  }

  /** Subscribes to submits and takes the queued requests. */
  start(): void {
    if (this.#state !== "idle") throw new Error(`HttpReplayer.start: already ${this.#state}`);
    this.#state = "running";
    this.#off = this.#http.onSubmit(() => this.sweep());
    this.sweep();
  }

  /** Takes every queued request; they are answered one at a time, in order. */
  sweep(): void {
    if (this.#state !== "running") return;
    for (let req = this.#http.takePending(); req; req = this.#http.takePending()) {
      const taken = req;
      const body = this.#http.requestBody(taken.id);
      const end = this.#tap?.begin(taken, body, this.#redact);
      this.#chain = this.#chain.then(() => this.#serve(taken, body, end));
    }
  }

  /** Stops taking requests and waits until the taken ones are answered. */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#off?.();
    for (let req = this.#http.takePending(); req; req = this.#http.takePending()) {
      this.#settle(() => this.#http.failRequest(req!.id, "shutdown", { errorKind: "shutdown" }));
    }
    await this.#chain;
  }

  async #serve(req: HttpRequest, body: Uint8Array | Blob | undefined, end?: HttpTapEnd) {
    try {
      const sha256 = await bodySha256(body);
      const { exchange, occurrence } = this.#session.http(req.method, req.url, sha256);
      if (exchange === undefined) this.#miss(req, sha256, occurrence);
      else await this.#answer(req, exchange);
    } catch (e) {
      this.#session.log("error", "replay: a recorded answer could not be served", {
        id: req.id,
        error: (e as Error).message,
      });
      this.#settle(() =>
        this.#http.failRequest(req.id, `${NOT_IN_TRANSCRIPT}: ${(e as Error).message}`, {
          errorKind: "notInTranscript",
          durationMs: 0,
          completedAt: this.#session.transcript.createdMs,
        })
      );
    } finally {
      end?.(this.#http.getResponse(req.id), this.#http.responseBody(req.id));
    }
  }

  #miss(req: HttpRequest, sha256: string, occurrence: number): void {
    const what = `${req.method} ${req.url} (body sha256 ${sha256.slice(0, 12)}, ` +
      `${ordinal(occurrence)} time)`;
    this.#session.log("warn", `replay: HTTP request ${NOT_IN_TRANSCRIPT}`, {
      id: req.id,
      method: req.method,
      url: req.url,
      bodySha256: sha256,
      occurrence,
    });
    this.#settle(() =>
      this.#http.failRequest(req.id, `${NOT_IN_TRANSCRIPT}: ${what}`, {
        errorKind: "notInTranscript",
        attempts: 0,
        durationMs: 0,
        completedAt: this.#session.transcript.createdMs,
      })
    );
  }

  async #answer(req: HttpRequest, x: HttpExchange): Promise<void> {
    if (x.failure !== undefined) {
      const f = x.failure;
      this.#settle(() =>
        this.#http.failRequest(req.id, f.error, {
          errorKind: f.errorKind,
          rule: f.rule,
          attempts: f.attempts,
          durationMs: f.durationMs,
          completedAt: f.completedAt,
        })
      );
      return;
    }
    const r = x.response!;
    const bytes = await this.#session.transcript.bytes(r.body);
    this.#settle(() =>
      // HttpFs applies its own limits: a body over them fails "tooLarge", as live.
      this.#http.completeRequest({
        requestId: req.id,
        status: r.status,
        statusText: r.statusText,
        headers: r.headers,
        bodyBytes: bytes,
        url: r.url,
        redirects: r.redirects,
        attempts: r.attempts,
        durationMs: r.durationMs,
        completedAt: r.completedAt,
      })
    );
  }

  /** Records an outcome; a request finished meanwhile by the host is left alone. */
  #settle(record: () => void): void {
    try {
      record();
    } catch { /* already finished (by the host): exactly one outcome stands */ }
  }
}
