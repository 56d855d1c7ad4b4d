/**
 * The allow-list a capability checks before any network I/O: which hosts
 * (optionally which ports, methods and path prefixes) an agent may reach.
 * Private, loopback, link-local and metadata addresses are refused unless
 * a rule names that address explicitly (see `address_guard.ts`).
 *
 * @module
 */

import { canonicalIp, classifyHost } from "./address_guard.ts";

/**
 * One allowed host. `host` is a name (`api.example.com`), a wildcard for
 * sub-domains (`*.example.com`), an IP literal (`127.0.0.1`, `[::1]`), or
 * `*` for any host (public addresses only).
 *
 * @example
 * ```ts
 * import type { AllowRule } from "@oanix/oanix";
 * const rule: AllowRule = { host: "api.example.com", methods: ["GET"], pathPrefixes: ["/v1"] };
 * ```
 */
export interface AllowRule {
  /** The host this rule allows. */
  host: string;
  /** When present, only these ports. */
  ports?: number[];
  /** When present, only these methods (HTTP). */
  methods?: string[];
  /** When present, only paths equal to or below one of these. */
  pathPrefixes?: string[];
}

/**
 * The outcome of {@linkcode AllowList.check}: the rule that allowed the
 * URL, or the check that refused it and why.
 *
 * @example
 * ```ts
 * import { AllowList } from "@oanix/oanix";
 * const d = AllowList.of(["example.com"]).check("https://evil.test/");
 * if (!d.allowed) console.log(d.rule, d.reason); // "host" ...
 * ```
 */
export type AllowDecision =
  | { allowed: true; rule: AllowRule }
  | {
    allowed: false;
    /** Which check refused: the URL itself, its scheme, host, port, method, path, or address. */
    rule: "url" | "scheme" | "host" | "port" | "method" | "path" | "address";
    /** A readable reason naming the rule. */
    reason: string;
  };

function parseRule(spec: string | AllowRule): AllowRule {
  if (typeof spec !== "string") {
    if (spec === null || typeof spec !== "object" || typeof spec.host !== "string") {
      throw new TypeError("AllowList: a rule must be a host string or { host: string, ... }");
    }
    for (const p of spec.ports ?? []) {
      if (!Number.isInteger(p) || p < 1 || p > 65535) {
        throw new TypeError(`AllowList: rule ${spec.host}: bad port ${p}`);
      }
    }
    for (const p of spec.pathPrefixes ?? []) {
      if (typeof p !== "string" || !p.startsWith("/")) {
        throw new TypeError(`AllowList: rule ${spec.host}: path prefix ${p} must start with /`);
      }
    }
    return {
      ...spec,
      host: normalizeHost(spec.host),
      methods: spec.methods?.map((m) => m.toUpperCase()),
    };
  }
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (m === null || spec.trim() === "") throw new TypeError(`AllowList: bad host rule "${spec}"`);
  const port = m[2] === undefined ? undefined : Number(m[2]);
  return parseRule(port === undefined ? { host: m[1] } : { host: m[1], ports: [port] });
}

const HTTP_SCHEMES: readonly string[] = Object.freeze(["http:", "https:"]);

/** A URL's hostname is already canonical (WHATWG URL); only brackets go. */
function urlHost(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

const classified = new Map<string, ReturnType<typeof classifyHost> | null>();

/** classifyHost, remembered for the hosts seen most recently. */
function classifyCached(host: string): ReturnType<typeof classifyHost> {
  let c = classified.get(host);
  if (c === undefined) {
    c = classifyHost(host) ?? null;
    if (classified.size >= 1024) classified.clear();
    classified.set(host, c);
  }
  return c ?? undefined;
}

function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, "");
  if (h === "") throw new TypeError("AllowList: empty host");
  return canonicalIp(h) ?? h;
}

function hostMatches(rule: AllowRule, host: string): boolean {
  if (rule.host === "*") return true;
  if (rule.host.startsWith("*.")) return host.endsWith(rule.host.slice(1));
  return rule.host === host;
}

function defaultPort(protocol: string): number {
  return protocol === "https:" || protocol === "wss:" ? 443 : 80;
}

function pathMatches(prefixes: string[] | undefined, path: string): boolean {
  if (prefixes === undefined) return true;
  return prefixes.some((p) =>
    p === "/" || path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`)
  );
}

/**
 * An immutable list of {@linkcode AllowRule}s.
 *
 * @example
 * ```ts
 * import { AllowList } from "@oanix/oanix";
 * const allow = AllowList.of([
 *   "api.example.com",
 *   { host: "127.0.0.1", methods: ["GET"], pathPrefixes: ["/public"] },
 * ]);
 * console.log(allow.check("https://api.example.com/x", "POST").allowed); // true
 * console.log(allow.check("http://127.0.0.1:8080/admin").allowed); // false
 * ```
 */
export class AllowList {
  readonly #rules: readonly AllowRule[];

  /**
   * Checks and normalises the rules.
   *
   * @param rules the rules; strings are hosts, optionally with `:port` */
  constructor(rules: readonly (string | AllowRule)[]) {
    if (!Array.isArray(rules)) throw new TypeError("AllowList: rules must be an array");
    this.#rules = Object.freeze(rules.map(parseRule));
  }

  /**
   * A list from rules.
   *
   * @example
   * ```ts
   * import { AllowList } from "@oanix/oanix";
   * const allow = AllowList.of(["example.com", "*.example.org", "127.0.0.1:8080"]);
   * ```
   */
  static of(rules: readonly (string | AllowRule)[]): AllowList {
    return new AllowList(rules);
  }

  /**
   * Any public host; private and loopback addresses stay refused.
   *
   * @example
   * ```ts
   * import { AllowList } from "@oanix/oanix";
   * console.log(AllowList.any().check("http://10.0.0.1/").allowed); // false
   * ```
   */
  static any(): AllowList {
    return new AllowList(["*"]);
  }

  /**
   * Nothing at all.
   *
   * @example
   * ```ts
   * import { AllowList } from "@oanix/oanix";
   * console.log(AllowList.none().check("https://example.com/").allowed); // false
   * ```
   */
  static none(): AllowList {
    return new AllowList([]);
  }

  /** The rules, normalised. */
  rules(): readonly AllowRule[] {
    return this.#rules;
  }

  /**
   * The hosts for `--allow-net` (with the port when a rule has exactly
   * one), or undefined when a `*` rule allows any host.
   */
  netHosts(): string[] | undefined {
    if (this.#rules.some((r) => r.host === "*")) return undefined;
    const out = new Set<string>();
    for (const r of this.#rules) {
      if (r.ports?.length === 1) out.add(`${r.host}:${r.ports[0]}`);
      else out.add(r.host);
    }
    return [...out].sort();
  }

  /**
   * True when a rule names this address (or `localhost`) explicitly, which
   * is what it takes to reach a private or loopback address.
   */
  namesAddress(host: string): boolean {
    const h = normalizeHost(host);
    return this.#rules.some((r) => r.host === h);
  }

  /**
   * Checks a URL. `schemes` lists the allowed URL schemes (HTTP by default;
   * the WebSocket and Nostr services pass `ws:` and `wss:`).
   */
  check(
    url: string | URL,
    method = "GET",
    schemes: readonly string[] = HTTP_SCHEMES,
  ): AllowDecision {
    let u: URL;
    try {
      u = typeof url === "string" ? new URL(url) : url;
    } catch {
      return { allowed: false, rule: "url", reason: `not a valid absolute URL: ${String(url)}` };
    }
    if (!schemes.includes(u.protocol)) {
      return {
        allowed: false,
        rule: "scheme",
        reason: `scheme ${u.protocol} is not allowed (allowed: ${schemes.join(", ")})`,
      };
    }
    const host = urlHost(u.hostname);
    const port = u.port === "" ? defaultPort(u.protocol) : Number(u.port);
    const m = method.toUpperCase();
    // The first rule that allows; otherwise the furthest check any rule passed.
    let rule: AllowRule | undefined;
    let furthest = 0; // 1 host, 2 port, 3 method
    for (const r of this.#rules) {
      if (!hostMatches(r, host)) continue;
      if (r.ports !== undefined && !r.ports.includes(port)) {
        furthest = Math.max(furthest, 1);
        continue;
      }
      if (r.methods !== undefined && !r.methods.includes(m)) {
        furthest = Math.max(furthest, 2);
        continue;
      }
      if (!pathMatches(r.pathPrefixes, u.pathname)) {
        furthest = 3;
        continue;
      }
      rule = r;
      break;
    }
    if (rule === undefined) {
      switch (furthest) {
        case 0:
          return { allowed: false, rule: "host", reason: `host ${host} is not in the allow-list` };
        case 1:
          return { allowed: false, rule: "port", reason: `port ${port} of ${host} is not allowed` };
        case 2:
          return {
            allowed: false,
            rule: "method",
            reason: `method ${m} is not allowed for ${host}`,
          };
        default:
          return {
            allowed: false,
            rule: "path",
            reason: `path ${u.pathname} is not under an allowed prefix for ${host}`,
          };
      }
    }
    const special = classifyCached(host);
    if (special !== undefined && !this.#rules.some((r) => r.host === host)) {
      return {
        allowed: false,
        rule: "address",
        reason: `${host} is a ${special} address; the allow-list must name it to allow it`,
      };
    }
    return { allowed: true, rule };
  }

  /**
   * Checks an address a name resolved to (by an executor): allowed unless
   * it is special and no rule names it.
   */
  checkResolved(host: string, address: string): AllowDecision {
    const special = classifyHost(address);
    if (special !== undefined && !this.namesAddress(address)) {
      return {
        allowed: false,
        rule: "address",
        reason: `${host} resolves to ${address}, a ${special} address; ` +
          `the allow-list must name it to allow it`,
      };
    }
    return { allowed: true, rule: { host } };
  }

  /** The rules as plain data. */
  toJSON(): AllowRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }
}
