/**
 * The JSON formats of NostrFs: events (NIP-01), event templates, filters,
 * and NIP-90 job requests, with the checks applied to what an agent (or a
 * relay) sends.
 *
 * @module
 */

import {
  expectObject,
  type Fail,
  optInteger,
  optString,
  optStringArray,
  optStringRecord,
  reqString,
} from "../json_fields.ts";

/**
 * A signed Nostr event (NIP-01).
 *
 * @example
 * ```ts
 * import { NostrFs } from "@oanix/oanix";
 * const nostr = NostrFs.generate();
 * const ev = nostr.submitEvent({ kind: 1, content: "hello" });
 * console.log(ev.pubkey === nostr.pubkey()); // true
 * ```
 */
export interface NostrEvent {
  /** The event id: sha256 of the serialised event, hex. */
  id: string;
  /** The author's public key, hex. */
  pubkey: string;
  /** Seconds since the epoch. */
  created_at: number;
  /** The kind. */
  kind: number;
  /** The tags. */
  tags: string[][];
  /** The content. */
  content: string;
  /** The Schnorr signature, hex. */
  sig: string;
}

/**
 * What `/submit` takes: an event to sign. `created_at` defaults to now,
 * `tags` to none, `content` to "".
 *
 * @example
 * ```ts
 * import type { NostrEventTemplate } from "@oanix/oanix";
 * const t: NostrEventTemplate = { kind: 1, content: "hello", tags: [["t", "oanix"]] };
 * ```
 */
export interface NostrEventTemplate {
  /** The kind (0 to 65535). */
  kind: number;
  /** The content. */
  content?: string;
  /** The tags. */
  tags?: string[][];
  /** Seconds since the epoch. */
  created_at?: number;
}

/**
 * A NIP-01 filter.
 *
 * @example
 * ```ts
 * import type { NostrFilter } from "@oanix/oanix";
 * const f: NostrFilter = { kinds: [6050, 7000], "#e": ["<request id>"], limit: 10 };
 * ```
 */
export interface NostrFilter {
  /** Event ids. */
  ids?: string[];
  /** Author public keys. */
  authors?: string[];
  /** Kinds. */
  kinds?: number[];
  /** Not before (seconds). */
  since?: number;
  /** Not after (seconds). */
  until?: number;
  /** At most this many stored events. */
  limit?: number;
  /** NIP-50 search. */
  search?: string;
  /** Tag filters: `#e`, `#p`, `#t`, ... */
  [tag: `#${string}`]: string[] | undefined;
}

/**
 * One NIP-90 input (an `i` tag).
 *
 * @example
 * ```ts
 * import type { JobInput } from "@oanix/oanix";
 * const i: JobInput = { data: "What is the capital of France?", type: "text" };
 * ```
 */
export interface JobInput {
  /** The input data. */
  data: string;
  /** How to read `data`: text, url, event or job (default text). */
  type?: "text" | "url" | "event" | "job";
  /** A relay hint for event or job inputs. */
  relay?: string;
  /** A marker saying how the input is used. */
  marker?: string;
}

/**
 * What `/request` takes: a NIP-90 job request. `input` is a text input or
 * a list of inputs; `params` become `param` tags; `bid` is in millisats;
 * `relays` says where the service provider should publish; `output` is the
 * expected output MIME type.
 *
 * @example
 * ```ts
 * import type { JobRequestSpec } from "@oanix/oanix";
 * const job: JobRequestSpec = {
 *   kind: 5050,
 *   input: "What is the capital of France?",
 *   params: { model: "small" },
 *   bid: 1000,
 *   output: "text/plain",
 * };
 * ```
 */
export interface JobRequestSpec {
  /** The request kind, 5000 to 5999. */
  kind: number;
  /** A text input, or inputs. */
  input: string | JobInput[];
  /** Parameters, as `param` tags. */
  params?: Record<string, string>;
  /** The most the customer will pay, in millisats. */
  bid?: number;
  /** Relays the service provider should publish to. */
  relays?: string[];
  /** The expected output MIME type. */
  output?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

/**
 * Checks an event template.
 *
 * @example
 * ```ts
 * import { hostFail } from "../json_fields.ts";
 * import { parseEventTemplate } from "./nostr_types.ts";
 * const t = parseEventTemplate({ kind: 1, content: "hi" }, hostFail("demo"));
 * console.log(t.tags); // []
 * ```
 */
export function parseEventTemplate(
  value: unknown,
  fail: Fail,
  now: () => number = Date.now,
): Required<NostrEventTemplate> {
  const obj = expectObject(
    value,
    ["kind", "content", "tags", "created_at"],
    fail,
    "an event template",
  );
  const kind = optInteger(obj, "kind", fail, 0, 65535);
  if (kind === undefined) fail(`missing field "kind"`);
  return {
    kind,
    content: optString(obj, "content", fail) ?? "",
    tags: parseTags(obj.tags, fail),
    created_at: optInteger(obj, "created_at", fail, 0) ?? Math.floor(now() / 1000),
  };
}

function parseTags(v: unknown, fail: Fail): string[][] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(`field "tags" must be an array of arrays of strings`);
  return v.map((t, i) => {
    if (!Array.isArray(t) || t.some((s) => typeof s !== "string")) {
      fail(`field "tags[${i}]" must be an array of strings`);
    }
    return [...t];
  });
}

/**
 * Checks a NIP-01 filter.
 *
 * @example
 * ```ts
 * import { hostFail } from "../json_fields.ts";
 * import { parseFilter } from "./nostr_types.ts";
 * console.log(parseFilter({ kinds: [1], "#t": ["x"] }, hostFail("demo")));
 * ```
 */
export function parseFilter(value: unknown, fail: Fail): NostrFilter {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail("a filter must be a JSON object");
  }
  const obj = value as Record<string, unknown>;
  const known = ["ids", "authors", "kinds", "since", "until", "limit", "search"];
  const tagKeys = Object.keys(obj).filter((k) => /^#[A-Za-z]$/.test(k));
  expectObject(obj, [...known, ...tagKeys], fail, "a filter");
  const out: NostrFilter = {};
  for (const k of ["ids", "authors"] as const) {
    const list = optStringArray(obj, k, fail);
    if (list !== undefined) out[k] = list;
  }
  if (obj.kinds !== undefined) {
    if (!Array.isArray(obj.kinds) || obj.kinds.some((k) => !Number.isInteger(k) || k < 0)) {
      fail(`field "kinds" must be an array of non-negative integers`);
    }
    out.kinds = [...obj.kinds];
  }
  for (const k of ["since", "until", "limit"] as const) {
    const n = optInteger(obj, k, fail, 0);
    if (n !== undefined) out[k] = n;
  }
  const search = optString(obj, "search", fail);
  if (search !== undefined) out.search = search;
  for (const k of tagKeys) out[k as `#${string}`] = optStringArray(obj, k, fail);
  return out;
}

/**
 * Checks a NIP-90 job request.
 *
 * @example
 * ```ts
 * import { hostFail } from "../json_fields.ts";
 * import { parseJobRequest } from "./nostr_types.ts";
 * const job = parseJobRequest({ kind: 5050, input: "hi" }, hostFail("demo"));
 * console.log(job.input); // [{ data: "hi", type: "text" }]
 * ```
 */
export function parseJobRequest(
  value: unknown,
  fail: Fail,
): JobRequestSpec & { input: JobInput[] } {
  const obj = expectObject(
    value,
    ["kind", "input", "params", "bid", "relays", "output"],
    fail,
    "a job request",
  );
  const kind = optInteger(obj, "kind", fail, 5000, 5999);
  if (kind === undefined) fail(`missing field "kind" (5000-5999)`);
  let input: JobInput[];
  if (typeof obj.input === "string") input = [{ data: obj.input, type: "text" }];
  else if (Array.isArray(obj.input)) {
    input = obj.input.map((i, n) => {
      const o = expectObject(i, ["data", "type", "relay", "marker"], fail, `input[${n}]`);
      const type = optString(o, "type", fail) ?? "text";
      if (!["text", "url", "event", "job"].includes(type)) {
        fail(`field "input[${n}].type" must be text, url, event or job`);
      }
      const out: JobInput = { data: reqString(o, "data", fail), type: type as JobInput["type"] };
      const relay = optString(o, "relay", fail);
      const marker = optString(o, "marker", fail);
      if (relay !== undefined) out.relay = relay;
      if (marker !== undefined) out.marker = marker;
      return out;
    });
  } else fail(`field "input" must be a string or an array of inputs`);
  const spec: JobRequestSpec & { input: JobInput[] } = { kind, input };
  const params = optStringRecord(obj, "params", fail);
  const bid = optInteger(obj, "bid", fail, 0);
  const relays = optStringArray(obj, "relays", fail);
  const output = optString(obj, "output", fail);
  if (params !== undefined) spec.params = params;
  if (bid !== undefined) spec.bid = bid;
  if (relays !== undefined) spec.relays = relays;
  if (output !== undefined) spec.output = output;
  return spec;
}

/**
 * The tags of a NIP-90 job request: `i`, `param`, `bid`, `relays`, `output`.
 *
 * @example
 * ```ts
 * import { jobRequestTags } from "./nostr_types.ts";
 * console.log(jobRequestTags({ kind: 5050, input: [{ data: "hi", type: "text" }], bid: 10 }));
 * // [["i", "hi", "text"], ["bid", "10"]]
 * ```
 */
export function jobRequestTags(spec: JobRequestSpec & { input: JobInput[] }): string[][] {
  const tags: string[][] = [];
  for (const i of spec.input) {
    const tag = ["i", i.data, i.type ?? "text"];
    if (i.relay !== undefined || i.marker !== undefined) tag.push(i.relay ?? "");
    if (i.marker !== undefined) tag.push(i.marker);
    tags.push(tag);
  }
  for (const [k, v] of Object.entries(spec.params ?? {})) tags.push(["param", k, v]);
  if (spec.bid !== undefined) tags.push(["bid", String(spec.bid)]);
  if (spec.relays !== undefined && spec.relays.length > 0) tags.push(["relays", ...spec.relays]);
  if (spec.output !== undefined) tags.push(["output", spec.output]);
  return tags;
}

/**
 * True when `v` has the shape of a signed event (not yet verified).
 *
 * @example
 * ```ts
 * import { isEventShape } from "./nostr_types.ts";
 * console.log(isEventShape({ kind: 1 })); // false
 * ```
 */
export function isEventShape(v: unknown): v is NostrEvent {
  if (v === null || typeof v !== "object") return false;
  const e = v as Record<string, unknown>;
  return typeof e.id === "string" && HEX64.test(e.id) &&
    typeof e.pubkey === "string" && HEX64.test(e.pubkey) &&
    typeof e.sig === "string" && HEX128.test(e.sig) &&
    Number.isSafeInteger(e.created_at) && Number.isSafeInteger(e.kind) &&
    typeof e.content === "string" && Array.isArray(e.tags) &&
    e.tags.every((t) => Array.isArray(t) && t.every((s) => typeof s === "string"));
}
