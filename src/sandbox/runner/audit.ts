/**
 * Turning Deno's permission audit log (`DENO_AUDIT_PERMISSIONS`) into log
 * events, each marked denied or granted by comparing it with the grant.
 *
 * @module
 */

import { isAbsolute, join, normalize, relative } from "../manifest/posix_path.ts";
import type { PermissionGrant } from "../manifest/permissions.ts";

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
  /**
   * Set on the one check per permission (value null) that stands for the
   * distinct values past {@linkcode AuditLimits.maxDistinct}: how many.
   */
  folded?: number;
}

/**
 * Bounds on what an audit log may cost to read: the log is written by the
 * child, so an agent decides its size.
 *
 * @example
 * ```ts
 * import type { AuditLimits } from "./audit.ts";
 * const limits: AuditLimits = { maxDistinct: 100, maxValueChars: 256 };
 * ```
 */
export interface AuditLimits {
  /**
   * The most distinct granted checks kept (default 1,000); further values
   * are counted in one check per permission with `value: null` and `folded`
   * set.
   */
  maxDistinct?: number;
  /** The same for denied checks (default 10,000: every probe is evidence). */
  maxDistinctDenied?: number;
  /** Longer values are cut to this many characters and marked with `…` (default 4096). */
  maxValueChars?: number;
}

const DEFAULT_MAX_DISTINCT = 1000;
const DEFAULT_MAX_DISTINCT_DENIED = 10_000;
const DEFAULT_MAX_VALUE_CHARS = 4096;

function within(path: string, granted: string[], cwd: string): boolean {
  const p = normalize(isAbsolute(path) ? path : join(cwd, path));
  return granted.some((g) => {
    const rel = relative(g, p);
    // `..name` is a name inside; only `..` itself, or `../`, leads out.
    return rel === "" || (rel !== ".." && !rel.startsWith("../") && !isAbsolute(rel));
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
 * import { isGranted } from "./audit.ts";
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
    case "env":
      return grant.env?.includes(value) ?? false;
    default:
      return false;
  }
}

/** Collects checks line by line within {@linkcode AuditLimits}. */
class AuditTally {
  readonly checks: PermissionCheck[] = [];
  #seen = new Map<string, PermissionCheck>();
  #distinct = { denied: 0, granted: 0 };
  #maxDistinct: { denied: number; granted: number };
  #maxValue: number;
  /** Denied checks made, repeats included. */
  deniedCount = 0;

  constructor(
    readonly grant: PermissionGrant,
    readonly cwd: string,
    limits: AuditLimits,
  ) {
    this.#maxDistinct = {
      granted: limits.maxDistinct ?? DEFAULT_MAX_DISTINCT,
      denied: limits.maxDistinctDenied ?? DEFAULT_MAX_DISTINCT_DENIED,
    };
    this.#maxValue = limits.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS;
  }

  /** Adds one line; `cut` says the line was longer than what is given. */
  add(line: string, cut = false): void {
    if (line.trim() === "") return;
    let rec: { permission?: unknown; value?: unknown; datetime?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      if (!cut) return;
      // An overlong record: its fields come before the long value.
      const field = (name: string) =>
        new RegExp(`"${name}":"((?:[^"\\\\]|\\\\.)*)`).exec(line)?.[1];
      rec = { permission: field("permission"), value: field("value"), datetime: field("datetime") };
    }
    if (typeof rec.permission !== "string") return;
    let value = typeof rec.value === "string" ? rec.value : null;
    const denied = !isGranted(this.grant, rec.permission, value, this.cwd);
    if (denied) this.deniedCount++;
    if (value !== null && (cut || value.length > this.#maxValue)) {
      value = `${value.slice(0, this.#maxValue)}…`;
    }
    let key = `${rec.permission}\0${value}`;
    const known = this.#seen.get(key);
    if (known) {
      known.count++;
      return;
    }
    const kind = denied ? "denied" : "granted";
    const check: PermissionCheck = {
      permission: rec.permission,
      value,
      denied,
      at: typeof rec.datetime === "string" ? rec.datetime : "",
      count: 1,
    };
    if (this.#distinct[kind] >= this.#maxDistinct[kind]) {
      key = `${rec.permission}\0${kind}\0folded`;
      const folded = this.#seen.get(key);
      if (folded) {
        folded.count++;
        folded.folded!++;
        return;
      }
      check.value = null;
      check.folded = 1;
    } else {
      this.#distinct[kind]++;
    }
    this.#seen.set(key, check);
    this.checks.push(check);
  }
}

/**
 * Parses the audit log text into checks, judged against the grant. The
 * same check made again is counted, not repeated. Lines that are not audit
 * records are skipped. At most `limits.maxDistinct` distinct denied and
 * granted checks are listed each; the rest are counted per permission.
 *
 * @example
 * ```ts
 * import { parseAuditLog } from "./audit.ts";
 * const log = '{"v":1,"datetime":"t","permission":"read","value":"/etc/passwd"}\n';
 * console.log(parseAuditLog(log, { read: [], write: [], net: [] }, "/")[0].denied); // true
 * ```
 */
export function parseAuditLog(
  text: string,
  grant: PermissionGrant,
  cwd: string,
  limits: AuditLimits = {},
): PermissionCheck[] {
  const tally = new AuditTally(grant, cwd, limits);
  for (const line of text.split("\n")) tally.add(line);
  return tally.checks;
}

/** The longest audit line read whole; longer ones are read by their start. */
const MAX_AUDIT_LINE = 64 * 1024;

/** Cuts text into lines as it comes, keeping at most MAX_AUDIT_LINE characters of each. */
class LineCutter {
  #line = ""; // the start of the current line, at most MAX_AUDIT_LINE characters
  #cut = false; // the current line is longer than #line

  constructor(private readonly onLine: (line: string, cut: boolean) => void) {}

  push(chunk: string): void {
    for (let at = 0;;) {
      const nl = chunk.indexOf("\n", at);
      const end = nl < 0 ? chunk.length : nl;
      const room = MAX_AUDIT_LINE - this.#line.length;
      if (end - at > room) this.#cut = true;
      this.#line += chunk.slice(at, Math.min(end, at + room));
      if (nl < 0) break;
      this.onLine(this.#line, this.#cut);
      [this.#line, this.#cut, at] = ["", false, nl + 1];
    }
  }

  end(): void {
    this.onLine(this.#line, this.#cut);
    [this.#line, this.#cut] = ["", false];
  }
}

/**
 * Reads an audit log file as {@linkcode parseAuditLog} does, a piece at a
 * time, so a log of any size costs bounded memory.
 *
 * @example
 * ```ts ignore
 * import { readAuditLog } from "./audit.ts";
 * const checks = await readAuditLog("audit.jsonl", { read: [], write: [], net: [] }, "/");
 * console.log(checks.filter((c) => c.denied).length);
 * ```
 */
export async function readAuditLog(
  path: string,
  grant: PermissionGrant,
  cwd: string,
  limits: AuditLimits = {},
): Promise<PermissionCheck[]> {
  const tally = new AuditTally(grant, cwd, limits);
  const lines = new LineCutter((line, cut) => tally.add(line, cut));
  const file = await Deno.open(path);
  for await (const chunk of file.readable.pipeThrough(new TextDecoderStream())) lines.push(chunk);
  lines.end();
  return tally.checks;
}

/**
 * An audit log read while the child writes it: each `poll` takes what was
 * appended since the last, so the checks are known during the run (denials
 * counted live) and the log's size is watched.
 *
 * @example
 * ```ts ignore
 * const tail = new AuditTail("audit.jsonl", grant, cwd);
 * tail.poll();
 * console.log(tail.bytes, tail.deniedCount);
 * const checks = tail.finish();
 * ```
 */
export class AuditTail {
  #path: string;
  #tally: AuditTally;
  #lines: LineCutter;
  #decoder = new TextDecoder();
  #offset = 0;
  #buf = new Uint8Array(1 << 20);

  /**
   * Watches the log at `path` (it may not exist yet).
   *
   * @param path the audit log
   * @param grant what the child was granted
   * @param cwd the child's working folder
   * @param limits bounds on the checks kept
   */
  constructor(path: string, grant: PermissionGrant, cwd: string, limits: AuditLimits = {}) {
    this.#path = path;
    this.#tally = new AuditTally(grant, cwd, limits);
    this.#lines = new LineCutter((line, cut) => this.#tally.add(line, cut));
  }

  /** Bytes of the log read so far. */
  get bytes(): number {
    return this.#offset;
  }

  /** Denied checks seen so far, repeats included. */
  get deniedCount(): number {
    return this.#tally.deniedCount;
  }

  /** The log's size now (0 when it is not there yet). */
  size(): number {
    try {
      return Deno.statSync(this.#path).size;
    } catch {
      return 0;
    }
  }

  /** Reads up to `maxBytes` more of the log; returns how many were read. */
  poll(maxBytes = 8 << 20): number {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(this.#path);
    } catch {
      return 0;
    }
    let read = 0;
    try {
      file.seekSync(this.#offset, Deno.SeekMode.Start);
      while (read < maxBytes) {
        const n = file.readSync(this.#buf);
        if (n === null || n === 0) break;
        this.#lines.push(this.#decoder.decode(this.#buf.subarray(0, n), { stream: true }));
        read += n;
        this.#offset += n;
      }
    } finally {
      file.close();
    }
    return read;
  }

  /** Reads the rest and returns every check. */
  finish(): PermissionCheck[] {
    while (this.poll() > 0) { /* to the end */ }
    this.#lines.push(this.#decoder.decode());
    this.#lines.end();
    return this.#tally.checks;
  }
}
