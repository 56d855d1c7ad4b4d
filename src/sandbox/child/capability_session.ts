/**
 * The child's capabilities at work: the executors of its HttpFs, WsFs and
 * NostrFs, recording every exchange into the run's transcript (`record`),
 * or serving them from a transcript with no network at all (`replay`).
 *
 * @module
 */

import { ExecutorManager } from "../../executor/executor_manager.ts";
import { DirectoryTranscriptSink, loadTranscript } from "../../executor/record/transcript_files.ts";
import { TranscriptRecorder } from "../../executor/record/transcript_recorder.ts";
import type { Manifest } from "../manifest/manifest.ts";
import type { Bootstrap, ChildMessage } from "../runner/run_protocol.ts";
import type { BuiltNamespace } from "./build_namespace.ts";

/** The executors of one run, before and after its namespace is built. */
export interface CapabilitySession {
  /** The clock a NostrFs must date its events with (so a replay finds them). */
  nostrClock?: () => number;
  /** Attaches the namespace's capabilities and starts the executors. */
  start(built: BuiltNamespace): void;
  /** Stops the executors and closes the transcript. */
  close(): Promise<void>;
}

function hasCapabilities(manifest: Manifest): boolean {
  return Object.values(manifest.mounts).some((m) =>
    m.type === "http" || m.type === "ws" || m.type === "nostr"
  );
}

/**
 * Opens the executors a run needs (none without a capability mount); `send`
 * hears their log lines (a replay's misses, transcript failures) as host
 * events.
 *
 * @throws {Error} when the transcript to replay cannot be read (its line named).
 */
export async function openCapabilities(
  boot: Bootstrap,
  send: (msg: ChildMessage) => void,
): Promise<CapabilitySession> {
  const manifest = boot.manifest;
  if (!hasCapabilities(manifest)) return { start: () => {}, close: () => Promise.resolve() };
  const replay = manifest.replay === undefined ? undefined : await loadTranscript(manifest.replay);
  const recorder = boot.recordDir === undefined ? undefined : new TranscriptRecorder(
    await DirectoryTranscriptSink.create(boot.recordDir),
    replay ? { created: replay.header.created } : {},
  );
  const manager = new ExecutorManager(undefined, {
    ...(recorder ? { record: recorder } : {}),
    ...(replay ? { replay } : {}),
    onLog: (level, message, data) =>
      send({
        type: "host_event",
        event: { timestamp: Date.now(), level, message, data: { source: "capabilities", ...data } },
      }),
  });
  return {
    nostrClock: manager.clock("nostr"),
    start(built) {
      if (built.http) manager.attachHttp(built.http, { secrets: boot.secrets.http ?? {} });
      if (built.ws) manager.attachWs(built.ws);
      if (built.nostr) manager.attachNostr(built.nostr);
      manager.start();
    },
    async close() {
      await manager.shutdown();
      await recorder?.close();
    },
  };
}
