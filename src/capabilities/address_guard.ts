/**
 * Which network addresses an agent may not reach: private, loopback,
 * link-local, cloud-metadata and other special-purpose ranges. Pure
 * functions: the executors resolve names (DNS is I/O) and check every
 * address they get with {@linkcode classifyAddress}.
 *
 * @module
 */

/**
 * Why an address is special. `undefined` from {@linkcode classifyAddress}
 * means an ordinary public address.
 *
 * @example
 * ```ts
 * import type { AddressClass } from "./address_guard.ts";
 * const c: AddressClass = "loopback";
 * ```
 */
export type AddressClass =
  | "unspecified"
  | "loopback"
  | "private"
  | "shared"
  | "link-local"
  | "cloud-metadata"
  | "unique-local"
  | "multicast"
  | "reserved";

/**
 * A parsed IP address.
 *
 * @example
 * ```ts
 * import { parseIp } from "./address_guard.ts";
 * console.log(parseIp("10.0.0.1")?.version); // 4
 * ```
 */
export interface IpAddress {
  /** 4 or 6. */
  version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const groups = part.split(":");
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes(".")) {
        const v4 = parseV4(g);
        if (v4 === undefined) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/**
 * Parses an IPv4 or IPv6 literal; a URL host in brackets (`[::1]`) is
 * accepted. Undefined for anything else (such as a DNS name).
 *
 * @example
 * ```ts
 * import { parseIp } from "./address_guard.ts";
 * console.log(parseIp("[::1]")?.version); // 6
 * console.log(parseIp("example.com")); // undefined
 * ```
 */
export function parseIp(host: string): IpAddress | undefined {
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host.includes(":")) {
    const bytes = parseV6(host);
    return bytes && { version: 6, bytes };
  }
  const bytes = parseV4(host);
  return bytes && { version: 4, bytes };
}

function classifyV4(b: Uint8Array): AddressClass | undefined {
  const [a, c] = [b[0], b[1]];
  if (a === 169 && c === 254) {
    return b[2] === 169 && b[3] === 254 ? "cloud-metadata" : "link-local";
  }
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) {
    return "private";
  }
  if (a === 100 && c >= 64 && c <= 127) return "shared";
  if (a === 192 && c === 0 && b[2] === 0) return "reserved";
  if (a === 198 && (c === 18 || c === 19)) return "reserved";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240) return "reserved";
  return undefined;
}

function classifyV6(b: Uint8Array): AddressClass | undefined {
  const zeroUpTo = (n: number) => b.subarray(0, n).every((x) => x === 0);
  if (zeroUpTo(15)) return b[15] === 0 ? "unspecified" : b[15] === 1 ? "loopback" : "reserved";
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d
  if (zeroUpTo(10) && b[10] === 0xff && b[11] === 0xff) return classifyV4(b.subarray(12));
  if (zeroUpTo(12)) return classifyV4(b.subarray(12));
  // NAT64 64:ff9b::/96
  if (
    b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b &&
    b.subarray(4, 12).every((x) => x === 0)
  ) {
    return classifyV4(b.subarray(12));
  }
  // 6to4 2002::/16 embeds an IPv4 address in bytes 2..5
  if (b[0] === 0x20 && b[1] === 0x02) return classifyV4(b.subarray(2, 6));
  if ((b[0] & 0xfe) === 0xfc) {
    // fd00:ec2::254 is the AWS instance metadata service over IPv6.
    const aws = b[0] === 0xfd && b[1] === 0 && b[2] === 0x0e && b[3] === 0xc2 &&
      b.subarray(4, 14).every((x) => x === 0) && b[14] === 0x02 && b[15] === 0x54;
    return aws ? "cloud-metadata" : "unique-local";
  }
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return "link-local";
  if (b[0] === 0xff) return "multicast";
  return undefined;
}

/**
 * Classifies an IP literal; undefined for a public address or for
 * something that is not an IP literal.
 *
 * @example
 * ```ts
 * import { classifyAddress } from "./address_guard.ts";
 * console.log(classifyAddress("127.0.0.1")); // "loopback"
 * console.log(classifyAddress("169.254.169.254")); // "cloud-metadata"
 * console.log(classifyAddress("::ffff:10.0.0.1")); // "private"
 * console.log(classifyAddress("93.184.216.34")); // undefined
 * ```
 */
export function classifyAddress(ip: string): AddressClass | undefined {
  const parsed = parseIp(ip);
  if (parsed === undefined) return undefined;
  return parsed.version === 4 ? classifyV4(parsed.bytes) : classifyV6(parsed.bytes);
}

/**
 * Classifies a URL host without DNS: IP literals by range, and `localhost`
 * (or any `*.localhost`, RFC 6761) as loopback. Undefined for other names,
 * which an executor must resolve and check address by address.
 *
 * @example
 * ```ts
 * import { classifyHost } from "./address_guard.ts";
 * console.log(classifyHost("localhost")); // "loopback"
 * console.log(classifyHost("[fc00::1]")); // "unique-local"
 * ```
 */
export function classifyHost(host: string): AddressClass | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return "loopback";
  return classifyAddress(h);
}

/**
 * The canonical spelling of an IP literal (so `[::1]`, `::0:1` and
 * `0:0:0:0:0:0:0:1` compare equal); undefined for a name.
 *
 * @example
 * ```ts
 * import { canonicalIp } from "./address_guard.ts";
 * console.log(canonicalIp("[0:0:0:0:0:0:0:1]")); // "::1"
 * ```
 */
export function canonicalIp(host: string): string | undefined {
  const parsed = parseIp(host);
  if (parsed === undefined) return undefined;
  if (parsed.version === 4) return [...parsed.bytes].join(".");
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    words.push(((parsed.bytes[i] << 8) | parsed.bytes[i + 1]).toString(16));
  }
  // Compress the longest run of zero words.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return words.join(":");
  return `${words.slice(0, best).join(":")}::${words.slice(best + bestLen).join(":")}`;
}
