/**
 * The protocol between the runner and its child. The parent writes one
 * JSON bootstrap to the child's stdin; the child writes messages to its
 * stdout, one per line, each behind a per-run secret prefix, so output an
 * agent prints cannot pass for a message.
 *
 * The runner writes the bootstrap as one line and keeps stdin open for the
 * whole run: the child exits when it closes.
 *
 * An agent runs in a worker of its own and never sees the prefix, so only
 * the child's own code writes messages: `event` carries what the agent
 * logged, `host_event` what the child saw itself (refusals, spawn attempts).
 * The parent still treats every message as untrusted (defence in depth):
 * messages are shape-checked, their volume is capped, and changes are
 * checked again before `--apply`.
 *
 * @module
 */

import type { HostSecrets } from "../../executor/http/credentials.ts";
import type { Manifest } from "../manifest/manifest.ts";

/**
 * What the parent gives the child on stdin.
 *
 * @example
 * ```ts
 * import type { Bootstrap } from "./run_protocol.ts";
 * const b: Partial<Bootstrap> = { nonce: "abc" };
 * ```
 */
export interface Bootstrap {
  /** The validated manifest. */
  manifest: Manifest;
  /** The secret prefix for messages. */
  nonce: string;
  /** Secrets the host read for the child: the Nostr key (hex), the HTTP secrets. */
  secrets: { nostrKeyHex?: string; http?: HostSecrets };
  /** Bytes for WASI stdin, base64, when the manifest names a stdin file. */
  stdinBase64?: string;
  /** The folder to record the transcript into (`cap.jsonl`), when recording. */
  recordDir?: string;
  /** Where to write the final state's snapshot archive, when the manifest asks. */
  snapshotOut?: string;
  /**
   * A session serving tool calls (`oanix mcp`) instead of running a
   * program: it lasts `sessionSecs`; each call is bounded by the manifest's
   * limits.
   */
  serve?: { sessionSecs: number };
}

/**
 * What the runner sends the child after the bootstrap, one JSON line
 * each: a tool call of a serving session, or the session's end.
 *
 * @example
 * ```ts
 * import type { HostMessage } from "./run_protocol.ts";
 * const call: HostMessage = { type: "call", id: 1, tool: "list", args: {} };
 * ```
 */
export type HostMessage =
  | { type: "call"; id: number; tool: string; args: unknown }
  | { type: "end" };

/**
 * A host message as it came, or undefined when it is not one.
 *
 * @example
 * ```ts
 * import { parseHostMessage } from "./run_protocol.ts";
 * console.log(parseHostMessage('{"type":"end"}')); // { type: "end" }
 * ```
 */
export function parseHostMessage(line: string): HostMessage | undefined {
  try {
    const msg = JSON.parse(line);
    if (!isRecord(msg)) return undefined;
    if (msg.type === "end") return { type: "end" };
    if (msg.type === "call" && Number.isSafeInteger(msg.id) && typeof msg.tool === "string") {
      return { type: "call", id: msg.id as number, tool: msg.tool, args: msg.args };
    }
  } catch { /* not JSON */ }
  return undefined;
}

/**
 * One change to a workspace, with the content needed to apply it.
 *
 * @example
 * ```ts
 * import type { ChangeRecord } from "@oanix/oanix";
 * const c: ChangeRecord = { mount: "/workspace", path: "/a.txt", change: "added", kind: "file" };
 * ```
 */
export interface ChangeRecord {
  /** The workspace's mount point. */
  mount: string;
  /** The path inside the workspace. */
  path: string;
  /** What happened. */
  change: "added" | "modified" | "deleted";
  /** What it is (after the change, or before a deletion). */
  kind: "file" | "dir" | "symlink";
  /** Size after the change. */
  size?: number;
  /** The content before, base64 (files only, when it existed). */
  beforeBase64?: string;
  /** The content after, base64 (files only, unless deleted). */
  afterBase64?: string;
}

/**
 * A message from the child.
 *
 * @example
 * ```ts
 * import type { ChildMessage } from "./run_protocol.ts";
 * const m: ChildMessage = { type: "output", stream: "stdout", text: "hi\n" };
 * ```
 */
export type ChildMessage =
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  | { type: "event"; event: Record<string, unknown> }
  | { type: "host_event"; event: Record<string, unknown> }
  | { type: "status"; status: Record<string, unknown> }
  | { type: "limit"; limit: "memory"; message: string }
  | { type: "reply"; id: number; text: string; isError: boolean }
  | {
    type: "final";
    status: Record<string, unknown>;
    exitCode: number;
    result: string | null;
    changes: ChangeRecord[];
    error?: string;
    /** The child stopped the program at the time limit. */
    timedOut?: boolean;
  };

/**
 * Encodes a message as one line.
 *
 * @example
 * ```ts
 * import { encodeMessage } from "./run_protocol.ts";
 * console.log(encodeMessage("n1", { type: "status", status: {} })); // '@@oanix:n1 {"type":"status","status":{}}\n'
 * ```
 */
export function encodeMessage(nonce: string, msg: ChildMessage): string {
  return `@@oanix:${nonce} ${JSON.stringify(msg)}\n`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const optionalString = (v: unknown) => v === undefined || typeof v === "string";

/** Whether parsed JSON has the shape of a message (the parent relies on it). */
function wellFormed(msg: Record<string, unknown>): boolean {
  switch (msg.type) {
    case "output":
      return (msg.stream === "stdout" || msg.stream === "stderr") && typeof msg.text === "string";
    case "event":
    case "host_event":
      return isRecord(msg.event);
    case "status":
      return isRecord(msg.status);
    case "limit":
      return msg.limit === "memory" && typeof msg.message === "string";
    case "reply":
      return Number.isSafeInteger(msg.id) && typeof msg.text === "string" &&
        typeof msg.isError === "boolean";
    case "final":
      return isRecord(msg.status) && (msg.result === null || typeof msg.result === "string") &&
        optionalString(msg.error) && Array.isArray(msg.changes) &&
        (msg.timedOut === undefined || typeof msg.timedOut === "boolean") &&
        msg.changes.every((c) =>
          isRecord(c) && typeof c.mount === "string" && typeof c.path === "string" &&
          optionalString(c.beforeBase64) && optionalString(c.afterBase64)
        );
    default:
      return false;
  }
}

/**
 * Decodes one line: a message when it carries the nonce and has the shape
 * of one, else undefined. (The nonce tells messages from what an agent
 * prints; it does not make them trusted: see {@linkcode applyChangesToFolder}.)
 *
 * @example
 * ```ts
 * import { decodeMessage, encodeMessage } from "./run_protocol.ts";
 * const line = encodeMessage("n1", { type: "status", status: {} }).trimEnd();
 * console.log(decodeMessage("n1", line)?.type, decodeMessage("other", line)); // "status" undefined
 * ```
 */
export function decodeMessage(nonce: string, line: string): ChildMessage | undefined {
  const prefix = `@@oanix:${nonce} `;
  if (!line.startsWith(prefix)) return undefined;
  try {
    const msg = JSON.parse(line.slice(prefix.length));
    return isRecord(msg) && wellFormed(msg) ? msg as ChildMessage : undefined;
  } catch {
    return undefined;
  }
}
