/**
 * Host credentials for HTTP, held by the executor and never by a
 * capability, so no file an agent can read holds them:
 *
 * - header credentials: headers added on the wire for one host only;
 * - secrets: named values an agent refers to with a placeholder,
 *   `{{secret:NAME}}`, filled in on the wire for the secret's own hosts
 *   only (see `placeholders.ts`).
 *
 * Every value is redacted from what comes back (headers, body, errors):
 * a secret becomes its placeholder again, a header credential
 * `[REDACTED]`.
 *
 * @module
 */

import { redactAll, type Redaction, StreamRedactor } from "./stream_redactor.ts";

/**
 * Headers to add per host, e.g.
 * `{ "api.example.com": { Authorization: "Bearer ..." } }`. A key is a
 * host name (any port) or `host:port` (that port only).
 *
 * @example
 * ```ts
 * import type { HostCredentials } from "@oanix/oanix";
 * const creds: HostCredentials = { "api.example.com": { Authorization: "Bearer s3cret" } };
 * ```
 */
export type HostCredentials = Record<string, Record<string, string>>;

/**
 * Named secrets, each with the hosts it belongs to (names, or `host:port`).
 * An agent writes `{{secret:NAME}}` in a header value, the URL's query or
 * an inline body; the executor fills it in for those hosts only.
 *
 * @example
 * ```ts
 * import type { HostSecrets } from "@oanix/oanix";
 * const secrets: HostSecrets = {
 *   OPENAI_API_KEY: { value: "sk-...", hosts: ["api.openai.com"] },
 * };
 * ```
 */
export type HostSecrets = Record<string, { value: string; hosts: string[] }>;

/**
 * The pattern of a secret's name.
 *
 * @example
 * ```ts
 * import { SECRET_NAME } from "./credentials.ts";
 * console.log(SECRET_NAME.test("OPENAI_API_KEY")); // true
 * ```
 */
export const SECRET_NAME: RegExp = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const encoder = new TextEncoder();
const REDACTED = "[REDACTED]";

/**
 * Why a hop of a request was refused before anything was sent (a secret
 * placeholder that cannot be filled in for it).
 *
 * @example
 * ```ts
 * import { Refusal } from "./credentials.ts";
 * console.log(new Refusal("unknown secret TOKEN").reason); // "unknown secret TOKEN"
 * ```
 */
export class Refusal {
  /** A readable reason (it names the secret, never its value). */
  readonly reason: string;

  /**
   * Makes a refusal.
   *
   * @param reason why
   */
  constructor(reason: string) {
    this.reason = reason;
  }
}

/**
 * True when `key` (a host, or `host:port`) names the host of `url`.
 *
 * @example
 * ```ts
 * import { hostKeyMatches } from "./credentials.ts";
 * console.log(hostKeyMatches("api.example.com", new URL("https://API.example.com:8443/"))); // true
 * console.log(hostKeyMatches("api.example.com:443", new URL("https://api.example.com:8443/"))); // false
 * ```
 */
export function hostKeyMatches(key: string, url: URL): boolean {
  const k = key.toLowerCase();
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(k);
  if (m === null) return k === url.hostname;
  const port = url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port;
  return m[1] === url.hostname && m[2] === port;
}

/**
 * The credential store of one HttpExecutor.
 *
 * @example
 * ```ts
 * import { Credentials } from "./credentials.ts";
 * const c = new Credentials(
 *   { "api.example.com": { Authorization: "Bearer s3cret" } },
 *   { TOKEN: { value: "t0ken-value", hosts: ["api.example.com"] } },
 * );
 * console.log(c.headersFor(new URL("https://api.example.com/"))); // { Authorization: "Bearer s3cret" }
 * console.log(c.headersFor(new URL("https://evil.test/"))); // undefined
 * console.log(c.redactText("echo: Bearer s3cret t0ken-value")); // "echo: [REDACTED] {{secret:TOKEN}}"
 * ```
 */
export class Credentials {
  readonly #headers: [string, Record<string, string>][] = [];
  readonly #secrets = new Map<string, { value: string; hosts: string[] }>();
  readonly #texts: [string, string][] = [];
  readonly #redactions: Redaction[];

  /**
   * Checks and keeps the credentials.
   *
   * @param creds headers per host
   * @param secrets named secrets with their hosts
   */
  constructor(creds: HostCredentials = {}, secrets: HostSecrets = {}) {
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
        this.#texts.push([value, REDACTED]);
        // A bearer token is also redacted on its own, without the scheme.
        const token = /^\S+\s+(\S{6,})$/.exec(value)?.[1];
        if (token !== undefined) this.#texts.push([token, REDACTED]);
      }
      this.#headers.push([host.toLowerCase(), { ...headers }]);
    }
    this.#addSecrets(secrets);
    this.#texts.sort((a, b) => b[0].length - a[0].length);
    this.#redactions = this.#texts.map(([needle, replacement]) => ({
      needle: encoder.encode(needle),
      replacement: encoder.encode(replacement),
    }));
  }

  #addSecrets(secrets: HostSecrets): void {
    if (secrets === null || typeof secrets !== "object") {
      throw new TypeError("secrets must be an object of name → { value, hosts }");
    }
    for (const [name, s] of Object.entries(secrets)) {
      if (!SECRET_NAME.test(name)) {
        throw new TypeError(`secret name ${JSON.stringify(name)} must match ${SECRET_NAME.source}`);
      }
      if (typeof s?.value !== "string" || s.value.length < 4) {
        throw new TypeError(`secret ${name}: value must be a string of at least 4 characters`);
      }
      if (!Array.isArray(s.hosts) || s.hosts.length === 0) {
        throw new TypeError(`secret ${name}: hosts must name at least one host`);
      }
      for (const h of s.hosts) {
        if (typeof h !== "string" || h === "" || h.includes("*") || h.includes("/")) {
          throw new TypeError(`secret ${name}: ${JSON.stringify(h)} is not an exact host`);
        }
      }
      this.#secrets.set(name, { value: s.value, hosts: s.hosts.map((h) => h.toLowerCase()) });
      const placeholder = `{{secret:${name}}}`;
      this.#texts.push([s.value, placeholder]);
      const encoded = encodeURIComponent(s.value);
      if (encoded !== s.value) this.#texts.push([encoded, placeholder]);
    }
  }

  /** True when there is nothing to add, fill in or redact. */
  get empty(): boolean {
    return this.#texts.length === 0;
  }

  /** The headers to add for a URL's host, or undefined. */
  headersFor(url: URL): Record<string, string> | undefined {
    for (const [key, headers] of this.#headers) if (hostKeyMatches(key, url)) return headers;
    return undefined;
  }

  /**
   * A secret's value for a URL's host. Fails closed: a {@linkcode Refusal}
   * says why when the secret is unknown or belongs to other hosts.
   */
  secretFor(name: string, url: URL): string | Refusal {
    const s = this.#secrets.get(name);
    if (s === undefined) return new Refusal(`unknown secret ${name}`);
    if (!s.hosts.some((h) => hostKeyMatches(h, url))) {
      return new Refusal(`secret ${name} is not for host ${url.host}`);
    }
    return s.value;
  }

  /** Replaces every credential in `text` (a secret by its placeholder). */
  redactText(text: string): string {
    for (const [s, r] of this.#texts) if (text.includes(s)) text = text.split(s).join(r);
    return text;
  }

  /** {@linkcode Credentials.redactText} for bytes (returns `bytes` when none occurs). */
  redactBytes(bytes: Uint8Array): Uint8Array {
    return redactAll(bytes, this.#redactions);
  }

  /** A redactor for a body that arrives in chunks. */
  redactor(): StreamRedactor {
    return new StreamRedactor(this.#redactions);
  }
}
