/**
 * The errors of the WASI layer: those a host sees from `run()`, and the
 * internal signals that carry an errno or an exit through the imports.
 *
 * @module
 */

/**
 * Thrown inside an import for a WASI errno that has no file-contract code
 * (ESPIPE, ENOTCAPABLE, EILSEQ, ...). Caught by the import wrapper and
 * returned to the guest as that errno; never seen by a host.
 *
 * @example
 * ```ts
 * import { ERRNO } from "./constants.ts";
 * import { errnoOf } from "./errno.ts";
 * import { WasiErrno } from "./errors.ts";
 * console.log(errnoOf(new WasiErrno(ERRNO.SPIPE)) === ERRNO.SPIPE); // true
 * ```
 */
export class WasiErrno extends Error {
  /** The errno to return to the guest. */
  readonly errno: number;
  /**
   * An errno to return to the guest.
   * @param errno the WASI errno
   * @param reason why, for debugging
   */
  constructor(errno: number, reason?: string) {
    super(reason ?? `errno ${errno}`);
    this.name = "WasiErrno";
    this.errno = errno;
  }
}

/**
 * A guest pointer or length that lies outside the guest's memory. The
 * import wrapper turns it into EFAULT; it never escapes to a host.
 *
 * @example
 * ```ts
 * import { errnoOf } from "./errno.ts";
 * import { GuestFault } from "./errors.ts";
 * console.log(errnoOf(new GuestFault(1 << 30, 8))); // 21 (EFAULT)
 * ```
 */
export class GuestFault extends Error {
  /**
   * A fault at `ptr`, `len` bytes long.
   * @param ptr the guest address
   * @param len the length asked for
   */
  constructor(ptr: number, len: number) {
    super(`guest memory access out of range: ${ptr}+${len}`);
    this.name = "GuestFault";
  }
}

/**
 * The unwind of `proc_exit`: thrown through the guest's frames and caught
 * by the runtime, which reports `code` as the exit code.
 *
 * @example
 * ```ts
 * import { WasiExit } from "./errors.ts";
 * console.log(new WasiExit(3).code); // 3
 * ```
 */
export class WasiExit extends Error {
  /** The exit code the guest passed to `proc_exit`. */
  readonly code: number;
  /**
   * The unwind of `proc_exit(code)`.
   * @param code the exit code
   */
  constructor(code: number) {
    super(`proc_exit(${code})`);
    this.name = "WasiExit";
    this.code = code;
  }
}

/** What was captured from a guest when it ended badly. */
interface Captured {
  stdout: Uint8Array;
  stderr: Uint8Array;
}

const decoder = new TextDecoder();

/**
 * The guest trapped: `unreachable`, an out-of-bounds memory access, a
 * division by zero, a stack overflow, ... `trap` names it. By convention
 * (that of wasmtime and of a shell after SIGABRT), `exitCode` is 134.
 *
 * @example
 * ```ts
 * import { WasiTrapError } from "@oanix/oanix";
 * const e = new WasiTrapError("unreachable");
 * console.log(e.message, e.exitCode); // "wasm trap: unreachable" 134
 * ```
 */
export class WasiTrapError extends Error {
  /** What trapped, as the engine names it ("unreachable", "stack overflow", ...). */
  readonly trap: string;
  /** 134, by convention. */
  readonly exitCode: number = 134;
  /** What the guest wrote to stdout before it trapped. */
  readonly stdout: Uint8Array;
  /** What the guest wrote to stderr before it trapped. */
  readonly stderr: Uint8Array;

  /**
   * A trap, with what the guest wrote before it.
   * @param trap the trap's name
   * @param captured output so far
   * @param cause the engine's error
   */
  constructor(trap: string, captured?: Captured, cause?: unknown) {
    super(`wasm trap: ${trap}`, { cause });
    this.name = "WasiTrapError";
    this.trap = trap;
    this.stdout = captured?.stdout ?? new Uint8Array(0);
    this.stderr = captured?.stderr ?? new Uint8Array(0);
  }

  /** stderr as UTF-8 text. */
  get stderrText(): string {
    return decoder.decode(this.stderr);
  }

  /** stdout as UTF-8 text. */
  get stdoutText(): string {
    return decoder.decode(this.stdout);
  }
}

/**
 * The guest was stopped by the host: `timeoutMs` passed (it stops at its
 * first host call after the deadline) or its `signal` aborted (within a
 * time slice, see `stop.ts`). `exitCode` is 124 after a timeout (as
 * `timeout(1)` reports) and 130 otherwise.
 *
 * @example
 * ```ts
 * import { WasiAbortError } from "@oanix/oanix";
 * const e = new WasiAbortError(true, "timed out after 50 ms");
 * console.log(e.timedOut, e.exitCode); // true 124
 * ```
 */
export class WasiAbortError extends Error {
  /** True when the run's `timeoutMs` passed. */
  readonly timedOut: boolean;
  /** 124 after a timeout, 130 after an abort. */
  readonly exitCode: number;
  /** What the guest wrote to stdout before it was stopped. */
  stdout: Uint8Array = new Uint8Array(0);
  /** What the guest wrote to stderr before it was stopped. */
  stderr: Uint8Array = new Uint8Array(0);

  /**
   * A stop, by timeout or by signal.
   * @param timedOut whether a timeout stopped it
   * @param reason why
   * @param cause the signal's reason
   */
  constructor(timedOut: boolean, reason: string, cause?: unknown) {
    super(`wasi guest stopped: ${reason}`, { cause });
    this.name = "WasiAbortError";
    this.timedOut = timedOut;
    this.exitCode = timedOut ? 124 : 130;
  }

  /** stdout as UTF-8 text. */
  get stdoutText(): string {
    return decoder.decode(this.stdout);
  }
}

/**
 * A module that cannot run as a WASI command: no `_start`, no exported
 * memory, or imports this runtime does not provide.
 *
 * @example
 * ```ts
 * import { WasiModuleError } from "@oanix/oanix";
 * console.log(new WasiModuleError("no _start").message); // "cannot run module: no _start"
 * ```
 */
export class WasiModuleError extends Error {
  /**
   * A refusal, with the reason.
   * @param reason what is wrong with the module
   */
  constructor(reason: string) {
    super(`cannot run module: ${reason}`);
    this.name = "WasiModuleError";
  }
}
