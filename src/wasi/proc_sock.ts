/**
 * `proc_exit`, `proc_raise` and the `sock_*` calls.
 *
 * `proc_exit` unwinds the guest with a {@linkcode WasiExit}, which the
 * runtime turns into the exit code. `proc_raise` has no signal handlers to
 * run: signal 0 succeeds, a signal whose default action is to ignore it
 * succeeds, a signal that would terminate the process ends the guest with
 * exit code 128 + the signal (as a shell reports it), and an unknown
 * signal is EINVAL. There are no sockets in a namespace: the `sock_*`
 * calls give EBADF for a closed fd and ENOTSOCK for any other.
 *
 * @module
 */

import { ERRNO } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { WasiErrno, WasiExit } from "./errors.ts";

/** Signals whose default action is to ignore them: SIGCHLD, SIGCONT, SIGURG, SIGWINCH. */
const IGNORED = new Set([16, 17, 20, 27]);
/** SIGSTOP and SIGTSTP/TTIN/TTOU stop a process; there is no one to continue it. */
const STOPPING = new Set([18, 19, 21, 22]);
const MAX_SIGNAL = 30;

/**
 * The process and socket imports over `ctx`.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { WasiContext } from "./context.ts";
 * import { procSockImports } from "./proc_sock.ts";
 * const ctx = new WasiContext(new MemFs());
 * console.log(procSockImports(ctx).sock_shutdown(1, 0)); // 57 (ENOTSOCK)
 * ctx.close();
 * ```
 */
export function procSockImports(ctx: WasiContext) {
  const notSocket = (fd: number): number => {
    ctx.fds.get(fd);
    return ERRNO.NOTSOCK;
  };
  return {
    proc_exit(code: number): never {
      throw new WasiExit(code >>> 0);
    },
    proc_raise(sig: number): number {
      if (sig === 0 || IGNORED.has(sig)) return ERRNO.SUCCESS;
      if (sig > MAX_SIGNAL || STOPPING.has(sig)) throw new WasiErrno(ERRNO.INVAL, `signal ${sig}`);
      throw new WasiExit(128 + sig);
    },
    sock_accept: (fd: number, _flags: number, _fdOut: number): number => notSocket(fd),
    sock_recv: (
      fd: number,
      _ri: number,
      _riLen: number,
      _riFlags: number,
      _roLen: number,
      _roFlags: number,
    ): number => notSocket(fd),
    sock_send: (
      fd: number,
      _si: number,
      _siLen: number,
      _siFlags: number,
      _soLen: number,
    ): number => notSocket(fd),
    sock_shutdown: (fd: number, _how: number): number => notSocket(fd),
  };
}
