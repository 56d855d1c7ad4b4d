/**
 * Filling in `{{secret:NAME}}` placeholders for one hop of a request, on
 * the wire only. The rules fail closed: a placeholder that names an
 * unknown secret, a secret of another host, or that is malformed, refuses
 * the hop before any byte is sent; so does a placeholder in the URL
 * outside its query. The request as the agent wrote it (with the
 * placeholders) is what every file and log shows.
 *
 * @module
 */

import { type Credentials, Refusal, SECRET_NAME } from "./credentials.ts";
import { indexOfBytes } from "./stream_redactor.ts";

const MARK = "{{secret:";
const MARK_BYTES = new TextEncoder().encode(MARK);
const CLOSE_BYTES = new TextEncoder().encode("}}");
const ENCODED_MARK = /%7b%7bsecret:/i;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * True when `text` holds a placeholder mark (raw, or percent-encoded as
 * in a URL path).
 *
 * @example
 * ```ts
 * import { hasPlaceholder } from "./placeholders.ts";
 * console.log(hasPlaceholder("Bearer {{secret:TOKEN}}")); // true
 * ```
 */
export function hasPlaceholder(text: string): boolean {
  // Both spellings contain "secret:"; most texts do not, and are done with one scan.
  return text.includes("secret:") && (text.includes(MARK) || ENCODED_MARK.test(text));
}

/**
 * True when `bytes` hold a placeholder mark.
 *
 * @example
 * ```ts
 * import { hasPlaceholderBytes } from "./placeholders.ts";
 * console.log(hasPlaceholderBytes(new TextEncoder().encode("{{secret:KEY}}"))); // true
 * ```
 */
export function hasPlaceholderBytes(bytes: Uint8Array): boolean {
  return indexOfBytes(bytes, MARK_BYTES, 0) !== -1;
}

/**
 * Fills the placeholders of `bytes` for `url`'s host; `encode` turns a
 * secret's value into the text to insert. Returns `bytes` itself when it
 * holds none.
 *
 * @example
 * ```ts
 * import { Credentials } from "./credentials.ts";
 * import { fillBytes } from "./placeholders.ts";
 * const creds = new Credentials({}, { KEY: { value: "k-123", hosts: ["api.example.com"] } });
 * const out = fillBytes(new TextEncoder().encode('{"key":"{{secret:KEY}}"}'), new URL("https://api.example.com/"), creds);
 * console.log(out instanceof Uint8Array ? new TextDecoder().decode(out) : out.reason); // {"key":"k-123"}
 * ```
 */
export function fillBytes(
  bytes: Uint8Array,
  url: URL,
  creds: Credentials,
  encode: (value: string) => string = (v) => v,
): Uint8Array | Refusal {
  let at = indexOfBytes(bytes, MARK_BYTES, 0);
  if (at === -1) return bytes;
  const parts: Uint8Array[] = [];
  let from = 0;
  while (at !== -1) {
    const start = at + MARK_BYTES.length;
    const end = indexOfBytes(bytes.subarray(start, start + 66), CLOSE_BYTES, 0);
    const name = end === -1 ? "" : decoder.decode(bytes.subarray(start, start + end));
    if (!SECRET_NAME.test(name)) {
      return new Refusal("malformed secret placeholder (write {{secret:NAME}})");
    }
    const secret = creds.secretFor(name, url);
    if (secret instanceof Refusal) return secret;
    parts.push(bytes.subarray(from, at), encoder.encode(encode(secret)));
    from = start + end + CLOSE_BYTES.length;
    at = indexOfBytes(bytes, MARK_BYTES, from);
  }
  parts.push(bytes.subarray(from));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * {@linkcode fillBytes} for text.
 *
 * @example
 * ```ts
 * import { Credentials } from "./credentials.ts";
 * import { fillText } from "./placeholders.ts";
 * const creds = new Credentials({}, { KEY: { value: "k-123", hosts: ["api.example.com"] } });
 * console.log(fillText("Bearer {{secret:KEY}}", new URL("https://evil.test/"), creds));
 * // Refusal { reason: "secret KEY is not for host evil.test" }
 * ```
 */
export function fillText(
  text: string,
  url: URL,
  creds: Credentials,
  encode?: (value: string) => string,
): string | Refusal {
  if (!text.includes(MARK)) return text;
  const out = fillBytes(encoder.encode(text), url, creds, encode);
  return out instanceof Uint8Array ? decoder.decode(out) : out;
}

/**
 * Fills the headers an agent wrote (values only) for `url`'s host.
 * Returns `headers` itself when none holds a placeholder.
 *
 * @example
 * ```ts
 * import { Credentials } from "./credentials.ts";
 * import { fillHeaders } from "./placeholders.ts";
 * const creds = new Credentials({}, { KEY: { value: "k-123", hosts: ["api.example.com"] } });
 * console.log(fillHeaders({ "X-Key": "{{secret:KEY}}" }, new URL("https://api.example.com/"), creds));
 * // { "X-Key": "k-123" }
 * ```
 */
export function fillHeaders(
  headers: Record<string, string>,
  url: URL,
  creds: Credentials,
): Record<string, string> | Refusal {
  let out: Record<string, string> | undefined;
  for (const k in headers) {
    const v = fillText(headers[k], url, creds);
    if (v instanceof Refusal) return v;
    if (v !== headers[k]) (out ??= { ...headers })[k] = v;
  }
  return out ?? headers;
}

/**
 * Fills the placeholders of an agent's URL: in its query only, with the
 * value percent-encoded. A placeholder anywhere else in the URL (its
 * user, password or path) refuses the request. Returns `url` itself
 * when it holds none.
 *
 * @example
 * ```ts
 * import { Credentials } from "./credentials.ts";
 * import { fillUrl } from "./placeholders.ts";
 * const creds = new Credentials({}, { KEY: { value: "k 1/2", hosts: ["api.example.com"] } });
 * const out = fillUrl(new URL("https://api.example.com/v1?key={{secret:KEY}}"), creds);
 * console.log(out instanceof URL ? out.search : out.reason); // "?key=k%201%2F2"
 * ```
 */
export function fillUrl(url: URL, creds: Credentials): URL | Refusal {
  if (!hasPlaceholder(url.href)) return url;
  for (const part of [url.username, url.password, url.pathname]) {
    if (hasPlaceholder(part)) {
      return new Refusal("a secret placeholder is filled in only in the query, headers or body");
    }
  }
  const search = fillText(url.search, url, creds, encodeURIComponent);
  if (search instanceof Refusal) return search;
  const out = new URL(url.href);
  out.search = search;
  return out;
}
