/**
 * The HTTP half of a recording: an {@linkcode HttpTap} that writes each
 * exchange an executor finished into a transcript, in the order the
 * requests were taken.
 *
 * @module
 */

import type { HttpOutcome, HttpRequest } from "../../capabilities/http/http_types.ts";
import { isHttpFailure } from "../../capabilities/http/http_types.ts";
import type { PagedBytes } from "../../capabilities/paged_bytes.ts";
import type { HttpTap } from "../http/http_tap.ts";
import { bodySha256 } from "./sha256.ts";
import type { HttpExchange, RecordedFailure } from "./transcript_format.ts";
import type { TranscriptRecorder } from "./transcript_recorder.ts";

/**
 * Outcomes that are not the outside world's answer, and so are not
 * recorded: a request stopped by the run's shutdown, and a replay's miss.
 *
 * @example
 * ```ts
 * import { UNRECORDED_KINDS } from "./http_recording.ts";
 * console.log(UNRECORDED_KINDS.has("shutdown")); // true
 * ```
 */
export const UNRECORDED_KINDS: ReadonlySet<string> = new Set(["shutdown", "notInTranscript"]);

function exchange(
  recorder: TranscriptRecorder,
  req: HttpRequest,
  body: { size: number; sha256: string },
  outcome: HttpOutcome,
  responseBody: PagedBytes | undefined,
): HttpExchange {
  const x: HttpExchange = {
    kind: "http",
    method: req.method,
    url: req.url,
    headers: { ...req.headers },
    body,
  };
  if (isHttpFailure(outcome)) {
    const f: RecordedFailure = {
      error: outcome.error,
      errorKind: outcome.errorKind,
      attempts: outcome.attempts,
      durationMs: outcome.durationMs,
      completedAt: outcome.completedAt,
    };
    if (outcome.rule !== undefined) f.rule = outcome.rule;
    x.failure = f;
    return x;
  }
  const pieces = responseBody === undefined ? [] : [...responseBody.chunks()];
  x.response = {
    status: outcome.status,
    statusText: outcome.statusText,
    headers: { ...outcome.headers },
    body: recorder.payload(pieces, responseBody?.size ?? 0),
    url: outcome.url,
    redirects: outcome.redirects,
    attempts: outcome.attempts,
    durationMs: outcome.durationMs,
    completedAt: outcome.completedAt,
  };
  return x;
}

/**
 * A tap that records every exchange into `recorder`: the request as the
 * agent wrote it (placeholders, not secrets; no host credential), its
 * body's digest, and the outcome the agent read. Each line goes through
 * the executor's redaction too, as a second wall.
 *
 * @example
 * ```ts
 * import { ExecutorConfig, HttpExecutor, HttpFs } from "@oanix/oanix";
 * import { recordHttp } from "./http_recording.ts";
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const recorder = new TranscriptRecorder(new MemoryTranscriptSink());
 * const exec = new HttpExecutor(new HttpFs(), ExecutorConfig.default(), {
 *   tap: recordHttp(recorder),
 * });
 * ```
 */
export function recordHttp(recorder: TranscriptRecorder): HttpTap {
  return {
    begin(req, body, redact) {
      const slot = recorder.reserve();
      // The digest is taken now: the body is released when the request finishes.
      const digest = bodySha256(body);
      digest.catch(() => {}); // a failed digest cancels the slot below
      return (outcome, responseBody) => {
        if (
          outcome === undefined ||
          (isHttpFailure(outcome) && UNRECORDED_KINDS.has(outcome.errorKind))
        ) {
          slot.cancel();
          return;
        }
        let x: HttpExchange;
        try {
          // The body's pages are taken now (no copy): the agent may remove the response later.
          x = exchange(recorder, req, { size: req.bodySize, sha256: "" }, outcome, responseBody);
        } catch {
          slot.cancel();
          return;
        }
        digest.then(
          (sha256) => slot.fill({ ...x, body: { size: req.bodySize, sha256 } }, redact),
          () => slot.cancel(),
        );
      };
    },
  };
}
