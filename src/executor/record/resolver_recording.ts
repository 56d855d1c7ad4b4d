/**
 * DNS in a transcript: the socket connectors' address guard resolves host
 * names, and those answers are part of the outside world too. A recording
 * resolver writes each answer (or failure); a replaying one gives the
 * recorded answers back, the n-th lookup of a host the n-th answer, and
 * never asks the network.
 *
 * @module
 */

import type { Resolver } from "../dns_guard.ts";
import { NOT_IN_TRANSCRIPT, ordinal, type ReplaySession } from "./replay_session.ts";
import type { TranscriptRecorder } from "./transcript_recorder.ts";

/**
 * `inner`, with every answer written into `recorder`.
 *
 * @example
 * ```ts
 * import { recordResolver } from "./resolver_recording.ts";
 * import { MemoryTranscriptSink } from "./transcript_sink.ts";
 * import { TranscriptRecorder } from "./transcript_recorder.ts";
 * const recorder = new TranscriptRecorder(new MemoryTranscriptSink());
 * const resolve = recordResolver(() => Promise.resolve(["93.184.216.34"]), recorder);
 * console.log(await resolve("relay.example.com")); // ["93.184.216.34"]
 * ```
 */
export function recordResolver(inner: Resolver, recorder: TranscriptRecorder): Resolver {
  return async (host) => {
    const slot = recorder.reserve();
    try {
      const addresses = await inner(host);
      slot.fill({ kind: "dns", host, addresses: [...addresses] });
      return addresses;
    } catch (e) {
      slot.fill({ kind: "dns", host, error: (e as Error)?.message ?? String(e) });
      throw e;
    }
  };
}

/**
 * A resolver that answers from `session` (each answer recorded again into
 * `record`, when given); a lookup not in the transcript fails.
 *
 * @example
 * ```ts
 * import { replayResolver } from "./resolver_recording.ts";
 * import { ReplaySession } from "./replay_session.ts";
 * import { Transcript } from "./transcript.ts";
 * const t = Transcript.parse(
 *   '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *     '{"seq":1,"kind":"end"}\n',
 * );
 * const resolve = replayResolver(new ReplaySession(t));
 * await resolve("relay.example.com").catch((e) => console.log(e.message)); // "not in transcript: ..."
 * ```
 */
export function replayResolver(session: ReplaySession, record?: TranscriptRecorder): Resolver {
  const lookups = new Map<string, number>();
  return (host) => {
    const n = (lookups.get(host) ?? 0) + 1;
    lookups.set(host, n);
    const answer = session.dns(host);
    if (answer === undefined) {
      session.log("warn", `replay: DNS lookup ${NOT_IN_TRANSCRIPT}`, { host, occurrence: n });
      return Promise.reject(
        new Error(`${NOT_IN_TRANSCRIPT}: the ${ordinal(n)} DNS lookup of ${host}`),
      );
    }
    record?.write(answer);
    return "error" in answer
      ? Promise.reject(new Error(answer.error))
      : Promise.resolve([...answer.addresses]);
  };
}
