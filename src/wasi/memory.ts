/**
 * Bounds-checked access to a guest's linear memory.
 *
 * Every pointer and length from the guest goes through {@linkcode GuestMemory},
 * which throws a {@linkcode GuestFault} (EFAULT to the guest) instead of
 * touching anything out of range. Views are re-fetched lazily: growing
 * memory detaches the old buffer, so a stale view has length 0 and the next
 * access misses the bounds check, refreshes, and checks again.
 *
 * @module
 */

import { ERRNO } from "./constants.ts";
import { GuestFault, WasiErrno } from "./errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Lenient = new TextDecoder();

/**
 * One `iovec`/`ciovec`: a slice of guest memory.
 *
 * @example
 * ```ts
 * import type { GuestSlice } from "./memory.ts";
 * const s: GuestSlice = { ptr: 1024, len: 64 };
 * ```
 */
export interface GuestSlice {
  /** Guest address. */
  ptr: number;
  /** Length in bytes. */
  len: number;
}

/**
 * A guest's memory, with checked reads and writes of the WASI scalar types.
 * Pointers and lengths are taken as the guest's i32 values and read as
 * unsigned.
 *
 * @example
 * ```ts
 * import { GuestMemory } from "./memory.ts";
 * const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
 * mem.setU32(8, 42);
 * console.log(mem.u32(8)); // 42
 * try {
 *   mem.u32(65536);
 * } catch (e) {
 *   console.log((e as Error).name); // "GuestFault"
 * }
 * ```
 */
export class GuestMemory {
  /** The guest's memory. */
  readonly memory: WebAssembly.Memory;
  #u8: Uint8Array;
  #dv: DataView;

  /**
   * Checked access to `memory`.
   * @param memory the guest's exported memory
   */
  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    this.#u8 = new Uint8Array(memory.buffer);
    this.#dv = new DataView(memory.buffer);
  }

  /** The memory's current size in bytes. */
  get size(): number {
    this.#refresh();
    return this.#u8.length;
  }

  #refresh(): void {
    const buf = this.memory.buffer;
    if (this.#u8.buffer !== buf || this.#u8.length !== buf.byteLength) {
      this.#u8 = new Uint8Array(buf);
      this.#dv = new DataView(buf);
    }
  }

  /** Checks `[ptr, ptr+len)` and returns the unsigned pointer. */
  #at(ptr: number, len: number): number {
    const p = ptr >>> 0;
    if (p + len > this.#u8.length) {
      this.#refresh();
      if (p + len > this.#u8.length) throw new GuestFault(p, len);
    }
    return p;
  }

  /** Throws a {@linkcode GuestFault} unless `[ptr, ptr+len)` lies in memory. */
  check(ptr: number, len: number): void {
    this.#at(ptr, len >>> 0);
  }

  /**
   * A view of `len` bytes at `ptr` (no copy). Valid until the guest runs
   * again; do not keep it across a suspension.
   */
  bytes(ptr: number, len: number): Uint8Array {
    const n = len >>> 0;
    const p = this.#at(ptr, n);
    return this.#u8.subarray(p, p + n);
  }

  /** Reads a u8. */
  u8(ptr: number): number {
    const p = this.#at(ptr, 1);
    return this.#u8[p];
  }

  /** Reads a u16. */
  u16(ptr: number): number {
    const p = this.#at(ptr, 2);
    return this.#dv.getUint16(p, true);
  }

  /** Reads a u32. */
  u32(ptr: number): number {
    const p = this.#at(ptr, 4);
    return this.#dv.getUint32(p, true);
  }

  /** Reads a u64. */
  u64(ptr: number): bigint {
    const p = this.#at(ptr, 8);
    return this.#dv.getBigUint64(p, true);
  }

  /** Writes a u8. */
  setU8(ptr: number, v: number): void {
    const p = this.#at(ptr, 1);
    this.#u8[p] = v;
  }

  /** Writes a u16. */
  setU16(ptr: number, v: number): void {
    const p = this.#at(ptr, 2);
    this.#dv.setUint16(p, v, true);
  }

  /** Writes a u32. */
  setU32(ptr: number, v: number): void {
    const p = this.#at(ptr, 4);
    this.#dv.setUint32(p, v, true);
  }

  /** Writes a u64 given as a bigint (taken modulo 2^64). */
  setU64(ptr: number, v: bigint): void {
    const p = this.#at(ptr, 8);
    this.#dv.setBigUint64(p, v, true);
  }

  /** Writes a u64 given as a non-negative safe integer. */
  setU64n(ptr: number, v: number): void {
    const p = this.#at(ptr, 8);
    this.#dv.setUint32(p, v >>> 0, true);
    this.#dv.setUint32(p + 4, Math.floor(v / 4294967296) >>> 0, true);
  }

  /** Copies `data` into guest memory at `ptr`. */
  write(ptr: number, data: Uint8Array): void {
    const p = this.#at(ptr, data.length);
    this.#u8.set(data, p);
  }

  /**
   * Reads a path argument: a UTF-8 string of `len` bytes. A NUL byte is
   * EINVAL and invalid UTF-8 is EILSEQ.
   */
  path(ptr: number, len: number): string {
    const b = this.bytes(ptr, len);
    if (b.includes(0)) throw new WasiErrno(ERRNO.INVAL, "NUL in path");
    try {
      return utf8.decode(b);
    } catch {
      throw new WasiErrno(ERRNO.ILSEQ, "path is not UTF-8");
    }
  }

  /** Reads `len` bytes as UTF-8, replacing bad sequences. */
  text(ptr: number, len: number): string {
    return utf8Lenient.decode(this.bytes(ptr, len));
  }

  /**
   * Reads an array of `count` iovecs at `ptr`. The array itself is
   * checked here; each slice is checked when it is used.
   */
  iovecs(ptr: number, count: number): GuestSlice[] {
    const n = count >>> 0;
    const p = this.#at(ptr, n * 8);
    const out: GuestSlice[] = new Array(n); // the check above bounds n by the memory size
    const dv = this.#dv;
    for (let i = 0; i < n; i++) {
      out[i] = { ptr: dv.getUint32(p + i * 8, true), len: dv.getUint32(p + i * 8 + 4, true) };
    }
    return out;
  }
}
