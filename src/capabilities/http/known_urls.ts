/**
 * Request URLs parsed and allow-checked once, then remembered: an agent
 * calls the same few endpoints again and again (an LLM API, a status
 * URL), and parsing a URL and checking it against the allow-list cost
 * more than the rest of a submit together. The results depend only on the
 * URL's text and the method, and the allow-list never changes, so a
 * remembered result is the result.
 *
 * Bounded: past `capacity` URLs the memory is cleared and fills again, so
 * a stream of distinct URLs costs one parse each, as without it.
 *
 * @module
 */

import type { AllowDecision, AllowList } from "../allow_list.ts";
import type { Fail } from "../json_fields.ts";
import { parseRequestUrl } from "./http_request_parse.ts";

/** The URLs remembered by default. */
const CAPACITY = 256;

/**
 * Parses request URLs and checks them against one allow-list, remembering
 * both for the most recent URLs.
 *
 * @example
 * ```ts
 * import { AllowList, hostFail } from "@oanix/oanix";
 * import { KnownUrls } from "./known_urls.ts";
 * const urls = new KnownUrls(AllowList.of(["api.example.com"]));
 * const url = urls.parse("https://api.example.com/v1", hostFail("demo"));
 * console.log(urls.check(url, "POST").allowed); // true
 * console.log(urls.parse("https://api.example.com/v1", hostFail("demo")) === url); // true
 * ```
 */
export class KnownUrls {
  /** The most URLs remembered. */
  readonly capacity: number;
  readonly #allowList: AllowList;
  /** URL text as written, to its parse (read only: it never leaves a submit). */
  readonly #parsed = new Map<string, URL>();
  /** Canonical URL, to the decision for each method asked. */
  readonly #decided = new Map<string, Map<string, AllowDecision>>();

  /**
   * Makes an empty memory for `allowList`.
   *
   * @param allowList the (immutable) list every URL is checked against
   * @param capacity the most URLs remembered (an integer >= 1)
   */
  constructor(allowList: AllowList, capacity: number = CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new TypeError(`KnownUrls: capacity must be an integer >= 1, got ${capacity}`);
    }
    this.#allowList = allowList;
    this.capacity = capacity;
  }

  /**
   * {@linkcode parseRequestUrl}, remembered: the same text gives the same
   * URL object (the caller must not change it). A URL that fails is not
   * remembered.
   */
  readonly parse = (text: string, fail: Fail): URL => {
    let url = this.#parsed.get(text);
    if (url === undefined) {
      url = parseRequestUrl(text, fail);
      if (this.#parsed.size >= this.capacity) this.#parsed.clear();
      this.#parsed.set(text, url);
    }
    return url;
  };

  /** `allowList.check(url, method)`, remembered per canonical URL and method. */
  check(url: URL, method: string): AllowDecision {
    const href = url.href;
    let byMethod = this.#decided.get(href);
    if (byMethod === undefined) {
      if (this.#decided.size >= this.capacity) this.#decided.clear();
      this.#decided.set(href, byMethod = new Map());
    }
    let decision = byMethod.get(method);
    if (decision === undefined) {
      decision = Object.freeze(this.#allowList.check(url, method));
      byMethod.set(method, decision);
    }
    return decision;
  }
}
