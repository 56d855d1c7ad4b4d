/**
 * Nanosecond file times for WorkspaceFs, over a host that keeps
 * milliseconds.
 *
 * Deno 2.9 sets and reads a host file's times to the millisecond only
 * (`Deno.utimeSync`, `Deno.statSync`, and `node:fs`, which goes through the
 * same), so the host file keeps `floor(ns / 1e6)` milliseconds. A
 * {@linkcode WorkspaceTimes} remembers, in memory, the exact nanoseconds a
 * WorkspaceFs set, keyed by the host file's identity (device and inode,
 * which a rename keeps) together with the milliseconds it wrote. A stat
 * reports the remembered nanoseconds only while the host file still shows
 * exactly those milliseconds: any other change of the time (a write, an
 * outside `utime`, a read that moves the access time) moves the host's
 * value, and the host wins again.
 *
 * @module
 */

import type { Stat } from "./types.ts";

/** How many files' times a WorkspaceTimes remembers unless told otherwise. */
export const DEFAULT_TIMES_LIMIT = 4096;

/** What is remembered about one host file. */
interface Remembered {
  /** The host device: the table is keyed by inode alone, so it is checked on lookup. */
  dev: number;
  atimeNs: bigint;
  /** The milliseconds written to the host for `atimeNs`. */
  atimeMs: number;
  mtimeNs: bigint;
  mtimeMs: number;
}

/**
 * The whole milliseconds the host keeps for `ns` nanoseconds since the
 * epoch: rounded down, also before the epoch.
 *
 * @example
 * ```ts
 * import { hostMs } from "./workspace_times.ts";
 * console.log(hostMs(1_700_000_000_123_456_789n)); // 1700000000123
 * console.log(hostMs(-1_500_000n)); // -2
 * ```
 */
export function hostMs(ns: bigint): number {
  const ms = ns / 1_000_000n;
  return Number(ns < 0n && ms * 1_000_000n !== ns ? ms - 1n : ms);
}

/**
 * The seconds to hand `Deno.utimeSync` or `lutimesSync` so that the host
 * keeps exactly `ms` milliseconds. The host truncates what it is given,
 * and `ms / 1000` as a float may fall just below the millisecond; half a
 * millisecond more lands inside it whatever the rounding.
 *
 * @example
 * ```ts
 * import { hostSeconds } from "./workspace_times.ts";
 * console.log(hostSeconds(1_700_000_000_123)); // 1700000000.1235
 * ```
 */
export function hostSeconds(ms: number): number {
  return (ms + 0.5) / 1000;
}

/**
 * The nanosecond atime and mtime a WorkspaceFs set, remembered for the
 * object's life. Holds at most `limit` files: remembering one more drops
 * the one remembered longest ago. A lookup is one `Map.get` by inode.
 *
 * @example
 * ```ts
 * import { WorkspaceTimes } from "./workspace_times.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a`, "x");
 * const times = new WorkspaceTimes();
 * const ns = 1_700_000_000_123_456_789n;
 * Deno.utimeSync(`${dir}/a`, 0, new Date(1_700_000_000_123));
 * times.remember(Deno.statSync(`${dir}/a`), 0n, ns);
 * const st = times.refine(Deno.statSync(`${dir}/a`), {
 *   kind: "file", size: 1, mtime: 1_700_000_000_123, readOnly: false,
 *   mtimeNs: 1_700_000_000_123_000_000n,
 * });
 * console.log(st.mtimeNs); // 1700000000123456789n
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class WorkspaceTimes {
  /** The most files remembered at once. */
  readonly limit: number;
  #byIno = new Map<number, Remembered>();

  /**
   * An empty table.
   *
   * @param limit the most files remembered at once (a positive integer)
   * @throws {RangeError} when `limit` is not a positive safe integer
   */
  constructor(limit: number = DEFAULT_TIMES_LIMIT) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`WorkspaceTimes: limit must be a positive integer, got ${limit}`);
    }
    this.limit = limit;
  }

  /** How many files' times are remembered now. */
  get size(): number {
    return this.#byIno.size;
  }

  /**
   * Remembers that the file `info` describes (its identity, taken before
   * or after the change) was just given these times, written to the host
   * as {@linkcode hostMs} of each. Files without an inode number (hosts
   * that report none) are not remembered.
   */
  remember(info: Deno.FileInfo, atimeNs: bigint, mtimeNs: bigint): void {
    if (info.ino === null) return;
    const entry: Remembered = {
      dev: info.dev,
      atimeNs,
      atimeMs: hostMs(atimeNs),
      mtimeNs,
      mtimeMs: hostMs(mtimeNs),
    };
    this.#byIno.delete(info.ino);
    this.#byIno.set(info.ino, entry);
    if (this.#byIno.size > this.limit) {
      this.#byIno.delete(this.#byIno.keys().next().value!);
    }
  }

  /** Forgets the file `info` describes (when its last name goes). */
  forget(info: Deno.FileInfo): void {
    if (info.ino === null) return;
    if (this.#byIno.get(info.ino)?.dev === info.dev) this.#byIno.delete(info.ino);
  }

  /**
   * Puts the remembered nanoseconds into `st`, a stat made from `info`,
   * for each time the host still shows at exactly the milliseconds that
   * were written; leaves the host's value otherwise. Returns `st`.
   */
  refine(info: Deno.FileInfo, st: Stat): Stat {
    if (this.#byIno.size === 0 || info.ino === null) return st;
    const kept = this.#byIno.get(info.ino);
    if (kept === undefined || kept.dev !== info.dev) return st;
    if (info.mtime !== null && info.mtime.getTime() === kept.mtimeMs) st.mtimeNs = kept.mtimeNs;
    if (info.atime !== null && info.atime.getTime() === kept.atimeMs) st.atimeNs = kept.atimeNs;
    return st;
  }
}

/**
 * Writes `atimeNs` and `mtimeNs` to the host file at `host` as whole
 * milliseconds ({@linkcode hostMs}): to a symlink itself when `symlink`
 * (through `node:fs` `lutimesSync`: Deno has no call for it), else through
 * `Deno.utimeSync`. Throws what the host throws.
 *
 * @example
 * ```ts
 * import { writeHostTimes } from "./workspace_times.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a`, "x");
 * writeHostTimes(`${dir}/a`, false, 0n, 1_700_000_000_999_999_999n);
 * console.log(Deno.statSync(`${dir}/a`).mtime?.getTime()); // 1700000000999
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeHostTimes(
  host: string,
  symlink: boolean,
  atimeNs: bigint,
  mtimeNs: bigint,
): void {
  const atime = hostSeconds(hostMs(atimeNs));
  const mtime = hostSeconds(hostMs(mtimeNs));
  if (symlink) lutimesSync(host, atime, mtime);
  else Deno.utimeSync(host, atime, mtime);
}

/**
 * `node:fs` `lutimesSync`, loaded on first use: importing any `node:`
 * module starts Node's compatibility layer, which would cost every process
 * that loads this module (every sandboxed child) tens of milliseconds and
 * several MiB.
 */
function lutimesSync(path: string, atime: number, mtime: number): void {
  type Fs = { lutimesSync(path: string, atime: number, mtime: number): void };
  const node = globalThis as unknown as { process: { getBuiltinModule(id: string): Fs } };
  node.process.getBuiltinModule("node:fs").lutimesSync(path, atime, mtime);
}
