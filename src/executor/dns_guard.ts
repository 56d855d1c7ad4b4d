/**
 * The DNS half of the address guard: a name the allow-list permits must
 * not resolve to a private, loopback, link-local or metadata address
 * (unless the allow-list names that address).
 *
 * @module
 */

import type { AllowDecision, AllowList } from "../capabilities/allow_list.ts";
import { classifyHost, parseIp } from "../capabilities/address_guard.ts";

/**
 * Resolves a host name to its addresses.
 *
 * @example
 * ```ts
 * import type { Resolver } from "@oanix/oanix";
 * const fixed: Resolver = () => Promise.resolve(["93.184.216.34"]);
 * ```
 */
export type Resolver = (host: string) => Promise<string[]>;

/**
 * Resolves A and AAAA records with `Deno.resolveDns`.
 *
 * @example
 * ```ts
 * import { denoResolver } from "./dns_guard.ts";
 * // const addrs = await denoResolver("example.com");
 * ```
 */
export async function denoResolver(host: string): Promise<string[]> {
  // Feature-detected, so that a browser bundle holds no bare `Deno.` access.
  const deno = (globalThis as { Deno?: Pick<typeof Deno, "resolveDns"> }).Deno;
  if (deno === undefined) throw new Error("no DNS resolver outside Deno: pass `resolve`");
  const [a, aaaa] = await Promise.allSettled([
    deno.resolveDns(host, "A"),
    deno.resolveDns(host, "AAAA"),
  ]);
  const out = [
    ...(a.status === "fulfilled" ? a.value : []),
    ...(aaaa.status === "fulfilled" ? aaaa.value : []),
  ];
  if (out.length === 0 && a.status === "rejected") throw a.reason;
  return out;
}

/**
 * True when a URL's host is a name that must be resolved and checked (not
 * an IP literal, not `localhost`, which are checked without DNS).
 *
 * @example
 * ```ts
 * import { needsDns } from "./dns_guard.ts";
 * console.log(needsDns(new URL("http://127.0.0.1/"))); // false
 * console.log(needsDns(new URL("https://example.com/"))); // true
 * ```
 */
export function needsDns(url: URL): boolean {
  const host = url.hostname;
  // WHATWG URL spells IP literals canonically: dotted decimal, or [v6].
  if (host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return false;
  return parseIp(host) === undefined && classifyHost(host) === undefined;
}

/**
 * {@linkcode needsDns} for a URL string, without parsing it when the host
 * is an IPv4 or bracketed IPv6 literal (the common loopback case).
 *
 * @example
 * ```ts
 * import { needsDnsHref } from "./dns_guard.ts";
 * console.log(needsDnsHref("http://127.0.0.1:8080/x")); // false
 * ```
 */
export function needsDnsHref(href: string): boolean {
  const m = /^[a-z]+:\/\/(\[|\d+\.\d+\.\d+\.\d+(?:[:/?#]|$))/i.exec(href);
  return m === null ? needsDns(new URL(href)) : false;
}

/**
 * Checks every address a URL's host resolves to. IP literals and
 * `localhost` were already checked without DNS, so they pass through. A
 * failed lookup rejects (a network error, not a refusal).
 *
 * @example
 * ```ts
 * import { AllowList } from "@oanix/oanix";
 * import { checkResolvedUrl } from "./dns_guard.ts";
 * const d = await checkResolvedUrl(
 *   new URL("https://internal.example.com/"),
 *   AllowList.of(["internal.example.com"]),
 *   () => Promise.resolve(["10.0.0.5"]),
 * );
 * console.log(d.allowed); // false
 * ```
 */
export async function checkResolvedUrl(
  url: URL,
  allowList: AllowList,
  resolve: Resolver,
): Promise<AllowDecision> {
  const host = url.hostname;
  if (!needsDns(url)) return { allowed: true, rule: { host } };
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    return {
      allowed: false,
      rule: "host",
      reason: `cannot resolve ${host}: ${(e as Error).message}`,
    };
  }
  for (const address of addresses) {
    const d = allowList.checkResolved(host, address);
    if (!d.allowed) return d;
  }
  return { allowed: true, rule: { host } };
}
