/**
 * Helpers for record/replay tests: transcripts written by hand, and a
 * manager that records into memory or replays from a transcript.
 */
import {
  ExecutorConfig,
  ExecutorManager,
  MemoryTranscriptSink,
  type Transcript,
  TranscriptRecorder,
} from "../../src/executor/mod.ts";
import type { OnLog } from "../../src/capabilities/mod.ts";

export const CREATED = "2025-06-01T12:00:00.000Z";

/** The text of a transcript: the header, `entries` numbered from 1, and (unless `end` is false) the end line. */
export function transcriptText(
  entries: Record<string, unknown>[],
  options: { end?: boolean; header?: Record<string, unknown> } = {},
): string {
  const header = options.header ??
    { format: "oanix-cap-transcript", version: 1, created: CREATED };
  const lines = [JSON.stringify(header)];
  entries.forEach((e, i) => lines.push(JSON.stringify({ seq: i + 1, ...e })));
  if (options.end !== false) lines.push(JSON.stringify({ seq: entries.length + 1, kind: "end" }));
  return lines.join("\n") + "\n";
}

/** Log records, for checking what a replay reported. */
export class LogRecords {
  readonly records: { level: string; message: string; data?: Record<string, unknown> }[] = [];
  readonly onLog: OnLog = (level, message, data) => {
    this.records.push({ level, message, data });
  };
  messages(): string[] {
    return this.records.map((r) => r.message);
  }
}

/** A manager recording into a fresh memory sink (or replaying `replay`, and recording that). */
export function recordingManager(
  config: ExecutorConfig = ExecutorConfig.default(),
  options: { replay?: Transcript; inlineBytes?: number; logs?: LogRecords } = {},
): { manager: ExecutorManager; sink: MemoryTranscriptSink; recorder: TranscriptRecorder } {
  const sink = new MemoryTranscriptSink();
  const recorder = new TranscriptRecorder(sink, {
    created: options.replay?.header.created ?? CREATED,
    inlineBytes: options.inlineBytes,
    onLog: options.logs?.onLog,
  });
  const manager = new ExecutorManager(config, {
    record: recorder,
    replay: options.replay,
    onLog: options.logs?.onLog,
  });
  return { manager, sink, recorder };
}

/** Parses a transcript's lines without their `seq` (to compare entries). */
export function entriesOf(text: string): Record<string, unknown>[] {
  return text.trim().split("\n").slice(1, -1).map((l) => {
    const { seq: _seq, ...rest } = JSON.parse(l);
    return rest;
  });
}
