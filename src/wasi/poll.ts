/**
 * `poll_oneoff` and `sched_yield`: waiting without blocking (DESIGN.md D2).
 *
 * Clock subscriptions (relative or absolute, several at once) and fd
 * readiness subscriptions are checked at once; when none is due, the call
 * returns a promise (the import is a `WebAssembly.Suspending`), which
 * settles on the earliest deadline, when a capability handle's
 * `whenReadable()` resolves, or when the guest is stopped. The event loop,
 * other guests and the executors keep running meanwhile.
 *
 * @module
 */

import { FsError } from "../fs/errors.ts";
import { nowNs } from "../fs/time.ts";
import type { FileHandle } from "../fs/types.ts";
import { CLOCK, ERRNO, EVENTTYPE, SIZE, SUBSCRIPTION_CLOCK_ABSTIME } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno } from "./errors.ts";
import type { GuestMemory } from "./memory.ts";

interface Sub {
  userdata: bigint;
  type: number;
  /** For clocks: the monotonic deadline in ns; undefined when the clock is unknown. */
  deadline?: bigint;
  fd: number;
}

interface Ev {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: number;
}

const EMPTY = new Uint8Array(0);
const nextTurn: (f: () => void) => void =
  (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ??
    ((f) => setTimeout(f, 0));
const MAX_TIMER_MS = 2 ** 31 - 1;

function parse(ctx: WasiContext, ptr: number, n: number): Sub[] {
  const mem = ctx.mem;
  const subs: Sub[] = [];
  const mono = ctx.monotonicNs();
  for (let i = 0; i < n; i++) {
    const p = ptr + i * SIZE.SUBSCRIPTION;
    const userdata = mem.u64(p);
    const type = mem.u8(p + 8);
    if (type === EVENTTYPE.CLOCK) {
      const id = mem.u32(p + 16);
      const timeout = mem.u64(p + 24);
      const abs = (mem.u16(p + 40) & SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
      let deadline: bigint | undefined;
      if (id === CLOCK.REALTIME) deadline = abs ? mono + (timeout - nowNs()) : mono + timeout;
      else if (id <= CLOCK.THREAD_CPUTIME_ID) deadline = abs ? timeout : mono + timeout;
      subs.push({ userdata, type, deadline, fd: -1 });
    } else {
      subs.push({ userdata, type, fd: mem.u32(p + 16) });
    }
  }
  return subs;
}

/** True when a read on `h` would not fail with EAGAIN (probed with a 0-byte pread). */
function probe(h: FileHandle): boolean {
  if (h.whenReadable === undefined) return true;
  try {
    h.pread(EMPTY, h.position());
    return true;
  } catch (e) {
    if (e instanceof FsError && e.code === "EAGAIN") return false;
    return true; // the read itself will report the error
  }
}

/** The handle to wait on for an fd_read subscription that is not ready. */
function pending(ctx: WasiContext, s: Sub): FileHandle | undefined {
  const f = ctx.fds.peek(s.fd);
  const h = f?.kind === "file" ? f.handle : f?.kind === "stdin" ? f.reader.handle : undefined;
  return h !== undefined && !probe(h) ? h : undefined;
}

function check(ctx: WasiContext, s: Sub, mono: bigint): Ev | undefined {
  const ev = { userdata: s.userdata, error: ERRNO.SUCCESS, type: s.type, nbytes: 0 };
  if (s.type === EVENTTYPE.CLOCK) {
    if (s.deadline === undefined) return { ...ev, error: ERRNO.INVAL };
    return mono >= s.deadline ? ev : undefined;
  }
  if (s.type !== EVENTTYPE.FD_READ && s.type !== EVENTTYPE.FD_WRITE) {
    return { ...ev, error: ERRNO.INVAL };
  }
  const f = ctx.fds.peek(s.fd);
  if (f === undefined) return { ...ev, error: ERRNO.BADF };
  if (s.type === EVENTTYPE.FD_WRITE) {
    return f.kind === "file" || f.kind === "output" ? ev : { ...ev, error: ERRNO.BADF };
  }
  if (f.kind === "stdin") {
    if (f.reader.handle !== undefined && pending(ctx, s) !== undefined) return undefined;
    return { ...ev, nbytes: f.reader.available() };
  }
  if (f.kind !== "file") return { ...ev, error: ERRNO.BADF };
  if (pending(ctx, s) !== undefined) return undefined;
  try {
    ev.nbytes = Math.max(0, f.handle.stat().size - f.handle.position());
  } catch { /* readable, size unknown */ }
  return ev;
}

function writeEvents(mem: GuestMemory, out: number, evs: Ev[], neventsPtr: number): void {
  for (let i = 0; i < evs.length; i++) {
    const p = out + i * SIZE.EVENT;
    const e = evs[i];
    mem.bytes(p, SIZE.EVENT).fill(0);
    mem.setU64(p, e.userdata);
    mem.setU16(p + 8, e.error);
    mem.setU8(p + 10, e.type);
    mem.setU64n(p + 16, e.nbytes);
  }
  mem.setU32(neventsPtr, evs.length);
}

function due(ctx: WasiContext, subs: Sub[]): Ev[] {
  const mono = ctx.monotonicNs();
  const out: Ev[] = [];
  for (const s of subs) {
    const e = check(ctx, s, mono);
    if (e !== undefined) out.push(e);
  }
  return out;
}

/** Waits for the earliest deadline, a readable handle, or the stop. */
async function waitAny(ctx: WasiContext, subs: Sub[], attempt: number): Promise<void> {
  if (attempt > 2) await backoff(ctx, Math.min(2 ** (attempt - 2), 50));
  const waits: Promise<unknown>[] = [ctx.whenStopped];
  const cancel = new AbortController();
  const signal = AbortSignal.any([cancel.signal, ctx.signal]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let earliest: bigint | undefined;
  for (const s of subs) {
    if (s.type === EVENTTYPE.CLOCK && s.deadline !== undefined) {
      if (earliest === undefined || s.deadline < earliest) earliest = s.deadline;
    } else if (s.type === EVENTTYPE.FD_READ) {
      const h = pending(ctx, s);
      if (h !== undefined) waits.push(h.whenReadable!(signal).catch(() => {}));
    }
  }
  if (earliest !== undefined) {
    const ms = Math.min(
      MAX_TIMER_MS,
      Math.max(0, Math.ceil(Number(earliest - ctx.monotonicNs()) / 1e6)),
    );
    waits.push(new Promise((r) => (timer = setTimeout(r, ms))));
  }
  try {
    await Promise.race(waits);
  } finally {
    clearTimeout(timer);
    cancel.abort();
  }
  if (ctx.stopped !== undefined) throw ctx.stopped;
}

/** Sleeps `ms`, or less if the guest is stopped: keeps a wake-up loop from spinning. */
async function backoff(ctx: WasiContext, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([new Promise((r) => (timer = setTimeout(r, ms))), ctx.whenStopped]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `poll_oneoff` and `sched_yield` imports over `ctx`. Both may return
 * a promise: wrap them in `WebAssembly.Suspending`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { pollImports } from "./poll.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(Object.keys(pollImports(ctx))); // ["poll_oneoff", "sched_yield"]
 * ctx.close();
 * ```
 */
export function pollImports(ctx: WasiContext) {
  return {
    poll_oneoff(
      inPtr: number,
      outPtr: number,
      nsubs: number,
      neventsPtr: number,
    ): number | Promise<number> {
      if (nsubs === 0) throw new WasiErrno(ERRNO.INVAL, "no subscriptions");
      ctx.mem.check(inPtr, nsubs * SIZE.SUBSCRIPTION);
      ctx.mem.check(outPtr, nsubs * SIZE.EVENT);
      ctx.mem.check(neventsPtr, 4);
      const subs = parse(ctx, inPtr, nsubs);
      const now = due(ctx, subs);
      if (now.length > 0) {
        writeEvents(ctx.mem, outPtr, now, neventsPtr);
        return ERRNO.SUCCESS;
      }
      return (async () => {
        for (let attempt = 0;; attempt++) {
          await waitAny(ctx, subs, attempt);
          const evs = due(ctx, subs);
          if (evs.length > 0) {
            writeEvents(ctx.mem, outPtr, evs, neventsPtr);
            return ERRNO.SUCCESS;
          }
        }
      })();
    },
    sched_yield(): Promise<number> {
      // Yield to the event loop for one turn (timers, I/O and other guests
      // run), through setImmediate where there is one: setTimeout(0) costs
      // milliseconds.
      return Promise.race([
        new Promise<number>((r) => nextTurn(() => r(ERRNO.SUCCESS))),
        ctx.whenStopped,
      ]);
    },
  };
}
