/**
 * Host credentials for HTTP: headers the executor adds on the wire for one
 * host only. They never enter a capability's state, so no file an agent
 * can read holds them, and they are redacted from what comes back.
 *
 * @module
 */

/**
 * Headers to add per host name, e.g.
 * `{ "api.example.com": { Authorization: "Bearer ..." } }`.
 *
 * @example
 * ```ts
 * import type { HostCredentials } from "@oanix/oanix";
 * const creds: HostCredentials = { "api.example.com": { Authorization: "Bearer s3cret" } };
 * ```
 */
export type HostCredentials = Record<string, Record<string, string>>;

const encoder = new TextEncoder();
const REDACTED = "[REDACTED]";

/**
 * The credential store of one HttpExecutor.
 *
 * @example
 * ```ts
 * import { Credentials } from "@oanix/oanix";
 * const c = new Credentials({ "api.example.com": { Authorization: "Bearer s3cret" } });
 * console.log(c.headersFor("api.example.com")); // { Authorization: "Bearer s3cret" }
 * console.log(c.headersFor("evil.test")); // undefined
 * console.log(c.redactText("echo: Bearer s3cret")); // "echo: [REDACTED]"
 * ```
 */
export class Credentials {
  #byHost = new Map<string, Record<string, string>>();
  #secrets: string[] = [];
  #secretBytes: Uint8Array[] = [];

  /**
   * Checks and keeps the credentials.
   *
   * @param creds headers per host name */
  constructor(creds: HostCredentials = {}) {
    if (creds === null || typeof creds !== "object") {
      throw new TypeError("credentials must be an object of host → headers");
    }
    for (const [host, headers] of Object.entries(creds)) {
      if (headers === null || typeof headers !== "object") {
        throw new TypeError(`credentials for ${host} must be an object of headers`);
      }
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value !== "string" || value === "") {
          throw new TypeError(`credential header ${name} for ${host} must be a non-empty string`);
        }
        this.#secrets.push(value);
        // A bearer token is also redacted on its own, without the scheme.
        const token = /^\S+\s+(\S{6,})$/.exec(value)?.[1];
        if (token !== undefined) this.#secrets.push(token);
      }
      this.#byHost.set(host.toLowerCase(), { ...headers });
    }
    this.#secrets.sort((a, b) => b.length - a.length);
    this.#secretBytes = this.#secrets.map((s) => encoder.encode(s));
  }

  /** True when there is nothing to add or redact. */
  get empty(): boolean {
    return this.#byHost.size === 0;
  }

  /** The headers for a host name, or undefined. */
  headersFor(hostname: string): Record<string, string> | undefined {
    return this.#byHost.get(hostname.toLowerCase());
  }

  /** Replaces every secret in `text` by `[REDACTED]`. */
  redactText(text: string): string {
    for (const s of this.#secrets) if (text.includes(s)) text = text.split(s).join(REDACTED);
    return text;
  }

  /** Replaces every secret in `bytes` by `[REDACTED]` (returns `bytes` when none occurs). */
  redactBytes(bytes: Uint8Array): Uint8Array {
    for (const secret of this.#secretBytes) bytes = replaceAll(bytes, secret);
    return bytes;
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function replaceAll(hay: Uint8Array, needle: Uint8Array): Uint8Array {
  let at = indexOf(hay, needle, 0);
  if (at === -1) return hay;
  const mark = encoder.encode(REDACTED);
  const parts: Uint8Array[] = [];
  let from = 0;
  while (at !== -1) {
    parts.push(hay.subarray(from, at), mark);
    from = at + needle.length;
    at = indexOf(hay, needle, from);
  }
  parts.push(hay.subarray(from));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
