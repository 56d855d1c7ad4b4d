/**
 * Record and replay of the outside world: transcripts of every
 * capability exchange (`cap.jsonl`), the recorder that writes them, and
 * the replay pieces that serve a run from one with no network (see
 * docs/capabilities.md, "Record and replay").
 *
 * @module
 */

export * from "./transcript_format.ts";
export * from "./transcript.ts";
export * from "./transcript_sink.ts";
export * from "./transcript_recorder.ts";
export * from "./transcript_files.ts";
export * from "./replay_session.ts";
export * from "./http_recording.ts";
export * from "./http_replayer.ts";
export * from "./socket_recording.ts";
export * from "./replay_socket.ts";
export * from "./resolver_recording.ts";
export * from "./nostr_frames.ts";
