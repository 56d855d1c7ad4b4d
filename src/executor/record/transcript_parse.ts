/**
 * Reading `cap.jsonl`: every line checked, every error naming its line
 * (a {@linkcode TranscriptError}).
 *
 * @module
 */

import {
  expectObject,
  type Fail,
  optBoolean,
  optInteger,
  optString,
  optStringArray,
  optStringRecord,
  reqString,
} from "../../capabilities/json_fields.ts";
import type { HttpErrorKind } from "../../capabilities/http/http_types.ts";
import { inlinePayloadBytes } from "./payload.ts";
import {
  type Frame,
  type HttpExchange,
  type Payload,
  type RecordedFailure,
  type RecordedResponse,
  type SocketEvent,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_VERSION,
  type TranscriptEntry,
  TranscriptError,
  type TranscriptHeader,
} from "./transcript_format.ts";

const SHA256 = /^[0-9a-f]{64}$/;
const ERROR_KINDS: readonly HttpErrorKind[] = [
  "forbidden",
  "timeout",
  "network",
  "redirect",
  "shutdown",
  "tooLarge",
  "notInTranscript",
];

/**
 * A transcript's lines, checked.
 *
 * @example
 * ```ts
 * import type { ParsedTranscript } from "./transcript_parse.ts";
 * type N = ParsedTranscript["entries"]["length"]; // number
 * ```
 */
export interface ParsedTranscript {
  /** The header. */
  header: TranscriptHeader;
  /** The entries, in order (entry i has `seq` i + 1). */
  entries: TranscriptEntry[];
  /** The line each entry came from (1-based). */
  lines: number[];
  /** Whether the end line was there. */
  finished: boolean;
}

function int(obj: Record<string, unknown>, key: string, fail: Fail, min = 0): number {
  const v = optInteger(obj, key, fail, min);
  if (v === undefined) fail(`missing field "${key}"`);
  return v;
}

function bool(obj: Record<string, unknown>, key: string, fail: Fail): boolean {
  const v = optBoolean(obj, key, fail);
  if (v === undefined) fail(`missing field "${key}"`);
  return v;
}

function sha(obj: Record<string, unknown>, key: string, fail: Fail): string {
  const v = reqString(obj, key, fail);
  if (!SHA256.test(v)) fail(`field "${key}" must be 64 lower-case hex digits`);
  return v;
}

function nested(
  obj: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  fail: Fail,
): Record<string, unknown> {
  if (obj[key] === undefined) fail(`missing field "${key}"`);
  const inner: Fail = (reason) => fail(`in "${key}": ${reason}`);
  return expectObject(obj[key], allowed, inner, `field "${key}"`);
}

function payload(obj: Record<string, unknown>, key: string, fail: Fail, extra: string[] = []) {
  const p = nested(obj, key, ["size", "text", "base64", "sha256", ...extra], fail);
  const f: Fail = (reason) => fail(`in "${key}": ${reason}`);
  const size = int(p, "size", f);
  const forms = ["text", "base64", "sha256"].filter((k) => p[k] !== undefined);
  if (forms.length !== 1) f(`exactly one of "text", "base64" or "sha256" is needed`);
  let out: Payload;
  if (forms[0] === "sha256") out = { size, sha256: sha(p, "sha256", f) };
  else if (forms[0] === "text") out = { size, text: reqString(p, "text", f) };
  else out = { size, base64: reqString(p, "base64", f) };
  let bytes: Uint8Array | undefined;
  try {
    bytes = inlinePayloadBytes(out);
  } catch (e) {
    f((e as Error).message);
  }
  if (bytes !== undefined && bytes.length !== size) {
    f(`"size" is ${size} but the ${forms[0]} holds ${bytes.length} bytes`);
  }
  return { p, payload: out };
}

function frame(obj: Record<string, unknown>, fail: Fail): Frame {
  const { p, payload: body } = payload(obj, "frame", fail, ["binary"]);
  return { binary: bool(p, "binary", (r) => fail(`in "frame": ${r}`)), ...body };
}

function httpExchange(obj: Record<string, unknown>, fail: Fail): HttpExchange {
  expectObject(
    obj,
    ["seq", "kind", "method", "url", "headers", "body", "response", "failure"],
    fail,
    "an http entry",
  );
  const body = nested(obj, "body", ["size", "sha256"], fail);
  const bf: Fail = (r) => fail(`in "body": ${r}`);
  const x: HttpExchange = {
    kind: "http",
    method: reqString(obj, "method", fail),
    url: reqString(obj, "url", fail),
    headers: optStringRecord(obj, "headers", fail) ?? fail(`missing field "headers"`),
    body: { size: int(body, "size", bf), sha256: sha(body, "sha256", bf) },
  };
  if ((obj.response === undefined) === (obj.failure === undefined)) {
    fail(`exactly one of "response" or "failure" is needed`);
  }
  if (obj.response !== undefined) x.response = response(obj, fail);
  else x.failure = failure(obj, fail);
  return x;
}

function response(obj: Record<string, unknown>, fail: Fail): RecordedResponse {
  const r = nested(obj, "response", [
    "status",
    "statusText",
    "headers",
    "body",
    "url",
    "redirects",
    "attempts",
    "durationMs",
    "completedAt",
  ], fail);
  const f: Fail = (reason) => fail(`in "response": ${reason}`);
  const status = optInteger(r, "status", f, 100, 599) ?? f(`missing field "status"`);
  return {
    status,
    statusText: optString(r, "statusText", f) ?? f(`missing field "statusText"`),
    headers: optStringRecord(r, "headers", f) ?? f(`missing field "headers"`),
    body: payload(r, "body", f).payload,
    url: reqString(r, "url", f),
    redirects: int(r, "redirects", f),
    attempts: int(r, "attempts", f),
    durationMs: int(r, "durationMs", f),
    completedAt: int(r, "completedAt", f),
  };
}

function failure(obj: Record<string, unknown>, fail: Fail): RecordedFailure {
  const r = nested(
    obj,
    "failure",
    ["error", "errorKind", "rule", "attempts", "durationMs", "completedAt"],
    fail,
  );
  const f: Fail = (reason) => fail(`in "failure": ${reason}`);
  const kind = reqString(r, "errorKind", f) as HttpErrorKind;
  if (!ERROR_KINDS.includes(kind)) f(`unknown "errorKind" ${JSON.stringify(kind)}`);
  const out: RecordedFailure = {
    error: reqString(r, "error", f),
    errorKind: kind,
    attempts: int(r, "attempts", f),
    durationMs: int(r, "durationMs", f),
    completedAt: int(r, "completedAt", f),
  };
  const rule = optString(r, "rule", f);
  if (rule !== undefined) out.rule = rule;
  return out;
}

const SOCKET_FIELDS: Record<SocketEvent["event"], string[]> = {
  connect: ["url"],
  open: [],
  send: ["frame"],
  receive: ["frame"],
  closeRequest: ["code", "reason"],
  close: ["code", "reason", "opened", "timedOut", "error"],
};

function socketEvent(obj: Record<string, unknown>, fail: Fail): SocketEvent {
  const event = reqString(obj, "event", fail) as SocketEvent["event"];
  const fields = SOCKET_FIELDS[event];
  if (fields === undefined) fail(`unknown socket event ${JSON.stringify(event)}`);
  expectObject(obj, ["seq", "kind", "conn", "event", ...fields], fail, `a ${event} entry`);
  const base = { kind: obj.kind as "ws" | "nostr", conn: int(obj, "conn", fail, 1) };
  switch (event) {
    case "connect":
      return { ...base, event, url: reqString(obj, "url", fail) };
    case "open":
      return { ...base, event };
    case "send":
    case "receive":
      return { ...base, event, frame: frame(obj, fail) };
    case "closeRequest":
      return {
        ...base,
        event,
        code: int(obj, "code", fail),
        reason: reqString(obj, "reason", fail),
      };
    case "close": {
      const e: SocketEvent = {
        ...base,
        event,
        code: int(obj, "code", fail),
        reason: reqString(obj, "reason", fail),
        opened: bool(obj, "opened", fail),
        timedOut: bool(obj, "timedOut", fail),
      };
      const error = optString(obj, "error", fail);
      if (error !== undefined) e.error = error;
      return e;
    }
  }
}

function entry(obj: Record<string, unknown>, fail: Fail): TranscriptEntry {
  const kind = reqString(obj, "kind", fail);
  switch (kind) {
    case "http":
      return httpExchange(obj, fail);
    case "ws":
    case "nostr":
      return socketEvent(obj, fail);
    case "dns": {
      expectObject(obj, ["seq", "kind", "host", "addresses", "error"], fail, "a dns entry");
      const host = reqString(obj, "host", fail);
      const addresses = optStringArray(obj, "addresses", fail);
      const error = optString(obj, "error", fail);
      if ((addresses === undefined) === (error === undefined)) {
        fail(`exactly one of "addresses" or "error" is needed`);
      }
      return addresses !== undefined ? { kind, host, addresses } : { kind, host, error: error! };
    }
    case "clock":
      expectObject(obj, ["seq", "kind", "of", "ms"], fail, "a clock entry");
      return { kind, of: reqString(obj, "of", fail), ms: int(obj, "ms", fail) };
    case "identity":
      expectObject(obj, ["seq", "kind", "pubkey"], fail, "an identity entry");
      return { kind, pubkey: sha(obj, "pubkey", fail) };
    default:
      return fail(`unknown kind ${JSON.stringify(kind)}`);
  }
}

function header(line: string): TranscriptHeader {
  const fail: Fail = (reason) => {
    throw new TranscriptError(1, reason);
  };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    fail(`the header is not JSON (${(e as Error).message})`);
  }
  const h = expectObject(value, ["format", "version", "created"], fail, "the header");
  if (h.format !== TRANSCRIPT_FORMAT) {
    fail(
      `not a transcript: "format" is ${JSON.stringify(h.format)}, expected "${TRANSCRIPT_FORMAT}"`,
    );
  }
  const version = int(h, "version", fail, 1);
  if (version !== TRANSCRIPT_VERSION) {
    fail(`version ${version} is not supported (this build reads version ${TRANSCRIPT_VERSION})`);
  }
  const created = reqString(h, "created", fail);
  if (Number.isNaN(Date.parse(created))) fail(`"created" is not a date: ${created}`);
  return { format: TRANSCRIPT_FORMAT, version, created };
}

/** Checks that each socket's events start with its connect and stop at its close. */
class SocketOrder {
  #state = new Map<string, "open" | "closed">();

  check(e: SocketEvent, fail: Fail): void {
    const key = `${e.kind} ${e.conn}`;
    const state = this.#state.get(key);
    if (e.event === "connect") {
      if (state !== undefined) fail(`${e.kind} connection ${e.conn} connects twice`);
      this.#state.set(key, "open");
    } else if (state === undefined) {
      fail(`${e.kind} connection ${e.conn}: "${e.event}" before its connect`);
    } else if (state === "closed") {
      fail(`${e.kind} connection ${e.conn}: "${e.event}" after its close`);
    } else if (e.event === "close") this.#state.set(key, "closed");
  }
}

/**
 * Parses and checks the text of a transcript. Every line ends with a
 * newline; the last one is the end line, unless `allowUnfinished` (then
 * a transcript cut off by a crash is read up to its last whole line).
 *
 * @throws {TranscriptError} naming the line and what is wrong.
 *
 * @example
 * ```ts
 * import { parseTranscriptText } from "./transcript_parse.ts";
 * const text = '{"format":"oanix-cap-transcript","version":1,"created":"2025-06-01T00:00:00.000Z"}\n' +
 *   '{"seq":1,"kind":"end"}\n';
 * console.log(parseTranscriptText(text).entries.length); // 0
 * ```
 */
export function parseTranscriptText(text: string, allowUnfinished = false): ParsedTranscript {
  if (typeof text !== "string") throw new TranscriptError(0, "the transcript must be text");
  if (text === "") throw new TranscriptError(0, "the transcript is empty (no header line)");
  const rows = text.split("\n");
  const last = rows.pop()!;
  if (last !== "" && !allowUnfinished) {
    throw new TranscriptError(
      rows.length + 1,
      "the line is cut off (no newline at its end): the transcript is truncated",
    );
  }
  if (rows.length === 0) throw new TranscriptError(1, "the header line is cut off");
  const out: ParsedTranscript = {
    header: header(rows[0].replace(/\r$/, "")),
    entries: [],
    lines: [],
    finished: false,
  };
  const order = new SocketOrder();
  for (let i = 1; i < rows.length; i++) {
    const n = i + 1;
    const fail: Fail = (reason) => {
      throw new TranscriptError(n, reason);
    };
    if (out.finished) fail("a line after the end line");
    const row = rows[i].replace(/\r$/, "");
    if (row === "") fail("the line is empty");
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (e) {
      fail(`not JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      fail("a line must be a JSON object");
    }
    const obj = value as Record<string, unknown>;
    const seq = optInteger(obj, "seq", fail, 1) ?? fail(`missing field "seq"`);
    const want = out.entries.length + 1;
    if (seq !== want) fail(`"seq" is ${seq}, expected ${want} (a line is missing or out of order)`);
    if (obj.kind === "end") {
      expectObject(obj, ["seq", "kind"], fail, "the end line");
      out.finished = true;
      continue;
    }
    const e = entry(obj, fail);
    if (e.kind === "ws" || e.kind === "nostr") order.check(e, fail);
    out.entries.push(e);
    out.lines.push(n);
  }
  if (!out.finished && !allowUnfinished) {
    throw new TranscriptError(
      rows.length,
      "the transcript is unfinished: no end line (the recording stopped early)",
    );
  }
  return out;
}
