/**
 * Turning Deno's permission audit log (`DENO_AUDIT_PERMISSIONS`) into log
 * events, each marked denied or granted by comparing it with the grant.
 *
 * @module
 */

import { isAbsolute, join, normalize, relative } from "@std/path";
import type { PermissionGrant } from "./permissions.ts";

/**
 * One permission check the child made.
 *
 * @example
 * ```ts
 * import type { PermissionCheck } from "@oanix/oanix";
 * const c: PermissionCheck = {
 *   permission: "read",
 *   value: "/etc/passwd",
 *   denied: true,
 *   at: "",
 *   count: 1,
 * };
 * ```
 */
export interface PermissionCheck {
  /** The permission kind: read, write, net, env, run, ffi, sys, import. */
  permission: string;
  /** What was asked for: a path, a host, a variable name. */
  value: string | null;
  /** True when the grant did not cover it. */
  denied: boolean;
  /** When, as Deno wrote it (the first time). */
  at: string;
  /** How many times the same check was made. */
  count: number;
}

function within(path: string, granted: string[], cwd: string): boolean {
  const p = normalize(isAbsolute(path) ? path : join(cwd, path));
  return granted.some((g) => {
    const rel = relative(g, p);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  });
}

/** `host:port` of a URL value (fetch audits whole URLs), else the value itself. */
function hostOf(value: string): string {
  if (!value.includes("://")) return value;
  try {
    const u = new URL(value);
    const port = u.port ||
      ({ "http:": "80", "https:": "443", "ws:": "80", "wss:": "443" } as Record<string, string>)[
        u.protocol
      ];
    return port ? `${u.hostname}:${port}` : u.hostname;
  } catch {
    return value;
  }
}

function hostAllowed(value: string, granted: string[]): boolean {
  const [host, port] = splitHost(hostOf(value));
  return granted.some((g) => {
    const [gh, gp] = splitHost(g);
    return gh === host && (gp === undefined || gp === port);
  });
}

function splitHost(v: string): [string, string | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(v);
  return m ? [m[1].toLowerCase(), m[2]] : [v.toLowerCase(), undefined];
}

/**
 * Whether the grant covers one check.
 *
 * @example
 * ```ts
 * import { isGranted } from "@oanix/oanix";
 * const grant = { read: ["/srv/p"], write: [], net: ["127.0.0.1:80"] };
 * console.log(isGranted(grant, "read", "/srv/p/a.txt", "/"), isGranted(grant, "env", "HOME", "/"));
 * // true false
 * ```
 */
export function isGranted(
  grant: PermissionGrant,
  permission: string,
  value: string | null,
  cwd: string,
): boolean {
  if (value === null) return false;
  switch (permission) {
    case "read":
      return within(value, [...grant.read, ...grant.write], cwd);
    case "write":
      return within(value, grant.write, cwd);
    case "net":
      return hostAllowed(value, grant.net);
    default:
      return false;
  }
}

/**
 * Parses the audit log text into checks, judged against the grant. The
 * same check made again is counted, not repeated. Lines that are not audit
 * records are skipped.
 *
 * @example
 * ```ts
 * import { parseAuditLog } from "@oanix/oanix";
 * const log = '{"v":1,"datetime":"t","permission":"read","value":"/etc/passwd"}\n';
 * console.log(parseAuditLog(log, { read: [], write: [], net: [] }, "/")[0].denied); // true
 * ```
 */
export function parseAuditLog(
  text: string,
  grant: PermissionGrant,
  cwd: string,
): PermissionCheck[] {
  const out: PermissionCheck[] = [];
  const seen = new Map<string, PermissionCheck>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let rec: { permission?: unknown; value?: unknown; datetime?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof rec.permission !== "string") continue;
    const value = typeof rec.value === "string" ? rec.value : null;
    const key = `${rec.permission}\0${value}`;
    const known = seen.get(key);
    if (known) {
      known.count++;
      continue;
    }
    const check: PermissionCheck = {
      permission: rec.permission,
      value,
      denied: !isGranted(grant, rec.permission, value, cwd),
      at: typeof rec.datetime === "string" ? rec.datetime : "",
      count: 1,
    };
    seen.set(key, check);
    out.push(check);
  }
  return out;
}
