/**
 * Numbers from the `wasi_snapshot_preview1` specification (witx): errno
 * values, file types, flags, rights and struct layouts.
 *
 * @module
 */

/**
 * WASI errno values (`errno` in the witx), by name.
 *
 * @example
 * ```ts
 * import { ERRNO } from "./constants.ts";
 * console.log(ERRNO.NOENT); // 44
 * ```
 */
export const ERRNO = {
  SUCCESS: 0,
  "2BIG": 1,
  ACCES: 2,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  ALREADY: 7,
  BADF: 8,
  BADMSG: 9,
  BUSY: 10,
  CANCELED: 11,
  CHILD: 12,
  CONNABORTED: 13,
  CONNREFUSED: 14,
  CONNRESET: 15,
  DEADLK: 16,
  DESTADDRREQ: 17,
  DOM: 18,
  DQUOT: 19,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  HOSTUNREACH: 23,
  IDRM: 24,
  ILSEQ: 25,
  INPROGRESS: 26,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISCONN: 30,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  MSGSIZE: 35,
  MULTIHOP: 36,
  NAMETOOLONG: 37,
  NETDOWN: 38,
  NETRESET: 39,
  NETUNREACH: 40,
  NFILE: 41,
  NOBUFS: 42,
  NODEV: 43,
  NOENT: 44,
  NOEXEC: 45,
  NOLCK: 46,
  NOLINK: 47,
  NOMEM: 48,
  NOMSG: 49,
  NOPROTOOPT: 50,
  NOSPC: 51,
  NOSYS: 52,
  NOTCONN: 53,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTRECOVERABLE: 56,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  OWNERDEAD: 62,
  PERM: 63,
  PIPE: 64,
  PROTO: 65,
  PROTONOSUPPORT: 66,
  PROTOTYPE: 67,
  RANGE: 68,
  ROFS: 69,
  SPIPE: 70,
  SRCH: 71,
  STALE: 72,
  TIMEDOUT: 73,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

/**
 * WASI file types (`filetype`).
 *
 * @example
 * ```ts
 * import { FILETYPE } from "./constants.ts";
 * console.log(FILETYPE.DIRECTORY); // 3
 * ```
 */
export const FILETYPE = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

/**
 * WASI rights bits (`rights`). All of them fit in 30 bits, so they are kept
 * as plain numbers inside the runtime and widened to u64 at the boundary.
 *
 * @example
 * ```ts
 * import { RIGHTS } from "./constants.ts";
 * console.log((RIGHTS.ALL & RIGHTS.FD_READ) !== 0); // true
 * ```
 */
export const RIGHTS = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
  /** Every right. */
  ALL: (1 << 30) - 1,
} as const;

/**
 * Rights that make sense on a regular file.
 *
 * @example
 * ```ts
 * import { FILE_RIGHTS, RIGHTS } from "./constants.ts";
 * console.log((FILE_RIGHTS & RIGHTS.FD_SEEK) !== 0); // true
 * ```
 */
export const FILE_RIGHTS: number = RIGHTS.FD_DATASYNC | RIGHTS.FD_READ | RIGHTS.FD_SEEK |
  RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_SYNC | RIGHTS.FD_TELL | RIGHTS.FD_WRITE |
  RIGHTS.FD_ADVISE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_GET |
  RIGHTS.FD_FILESTAT_SET_SIZE | RIGHTS.FD_FILESTAT_SET_TIMES | RIGHTS.POLL_FD_READWRITE;

/**
 * Rights that make sense on a directory.
 *
 * @example
 * ```ts
 * import { DIR_RIGHTS, RIGHTS } from "./constants.ts";
 * console.log((DIR_RIGHTS & RIGHTS.FD_READ) !== 0); // false
 * ```
 */
export const DIR_RIGHTS: number = RIGHTS.ALL & ~(RIGHTS.FD_READ | RIGHTS.FD_WRITE |
  RIGHTS.FD_SEEK | RIGHTS.FD_TELL | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE |
  RIGHTS.SOCK_SHUTDOWN | RIGHTS.SOCK_ACCEPT | RIGHTS.POLL_FD_READWRITE);

/**
 * Rights of the stdio pipes: no seek or tell, so `isatty()` is false.
 *
 * @example
 * ```ts
 * import { RIGHTS, STDIO_RIGHTS } from "./constants.ts";
 * console.log((STDIO_RIGHTS & RIGHTS.FD_SEEK) !== 0); // false
 * ```
 */
export const STDIO_RIGHTS: number = RIGHTS.FD_READ | RIGHTS.FD_WRITE |
  RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_FILESTAT_GET | RIGHTS.POLL_FD_READWRITE |
  RIGHTS.FD_SYNC | RIGHTS.FD_DATASYNC;

/**
 * `fdflags` bits.
 *
 * @example
 * ```ts
 * import { FDFLAGS } from "./constants.ts";
 * console.log(FDFLAGS.NONBLOCK); // 4
 * ```
 */
export const FDFLAGS = {
  APPEND: 1,
  DSYNC: 2,
  NONBLOCK: 4,
  RSYNC: 8,
  SYNC: 16,
} as const;

/**
 * `oflags` bits for `path_open`.
 *
 * @example
 * ```ts
 * import { OFLAGS } from "./constants.ts";
 * console.log(OFLAGS.CREAT | OFLAGS.EXCL); // 5
 * ```
 */
export const OFLAGS = {
  CREAT: 1,
  DIRECTORY: 2,
  EXCL: 4,
  TRUNC: 8,
} as const;

/**
 * `lookupflags` bits.
 *
 * @example
 * ```ts
 * import { LOOKUP_SYMLINK_FOLLOW } from "./constants.ts";
 * console.log(LOOKUP_SYMLINK_FOLLOW); // 1
 * ```
 */
export const LOOKUP_SYMLINK_FOLLOW = 1;

/**
 * `fstflags` bits for the `*_set_times` calls.
 *
 * @example
 * ```ts
 * import { FSTFLAGS } from "./constants.ts";
 * console.log(FSTFLAGS.MTIM_NOW); // 8
 * ```
 */
export const FSTFLAGS = {
  ATIM: 1,
  ATIM_NOW: 2,
  MTIM: 4,
  MTIM_NOW: 8,
} as const;

/**
 * `whence` values for `fd_seek`.
 *
 * @example
 * ```ts
 * import { WHENCE } from "./constants.ts";
 * console.log(WHENCE.END); // 2
 * ```
 */
export const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;

/**
 * Clock ids.
 *
 * @example
 * ```ts
 * import { CLOCK } from "./constants.ts";
 * console.log(CLOCK.MONOTONIC); // 1
 * ```
 */
export const CLOCK = {
  REALTIME: 0,
  MONOTONIC: 1,
  PROCESS_CPUTIME_ID: 2,
  THREAD_CPUTIME_ID: 3,
} as const;

/**
 * Event types of `poll_oneoff`.
 *
 * @example
 * ```ts
 * import { EVENTTYPE } from "./constants.ts";
 * console.log(EVENTTYPE.FD_READ); // 1
 * ```
 */
export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/**
 * `subclockflags`: the timeout is an absolute time.
 *
 * @example
 * ```ts
 * import { SUBSCRIPTION_CLOCK_ABSTIME } from "./constants.ts";
 * console.log(SUBSCRIPTION_CLOCK_ABSTIME); // 1
 * ```
 */
export const SUBSCRIPTION_CLOCK_ABSTIME = 1;

/**
 * `eventrwflags`: the peer hung up (end of file).
 *
 * @example
 * ```ts
 * import { EVENT_FD_READWRITE_HANGUP } from "./constants.ts";
 * console.log(EVENT_FD_READWRITE_HANGUP); // 1
 * ```
 */
export const EVENT_FD_READWRITE_HANGUP = 1;

/**
 * `preopentype`: a directory.
 *
 * @example
 * ```ts
 * import { PREOPENTYPE_DIR } from "./constants.ts";
 * console.log(PREOPENTYPE_DIR); // 0
 * ```
 */
export const PREOPENTYPE_DIR = 0;

/**
 * Struct sizes in guest memory.
 *
 * @example
 * ```ts
 * import { SIZE } from "./constants.ts";
 * console.log(SIZE.FILESTAT); // 64
 * ```
 */
export const SIZE = {
  IOVEC: 8,
  FDSTAT: 24,
  FILESTAT: 64,
  DIRENT: 24,
  SUBSCRIPTION: 48,
  EVENT: 32,
  PRESTAT: 8,
} as const;

/**
 * The 46 functions of `wasi_snapshot_preview1`, in witx order.
 *
 * @example
 * ```ts
 * import { PREVIEW1_FUNCTIONS } from "./constants.ts";
 * console.log(PREVIEW1_FUNCTIONS.length); // 46
 * ```
 */
export const PREVIEW1_FUNCTIONS = [
  "args_get",
  "args_sizes_get",
  "environ_get",
  "environ_sizes_get",
  "clock_res_get",
  "clock_time_get",
  "fd_advise",
  "fd_allocate",
  "fd_close",
  "fd_datasync",
  "fd_fdstat_get",
  "fd_fdstat_set_flags",
  "fd_fdstat_set_rights",
  "fd_filestat_get",
  "fd_filestat_set_size",
  "fd_filestat_set_times",
  "fd_pread",
  "fd_prestat_get",
  "fd_prestat_dir_name",
  "fd_pwrite",
  "fd_read",
  "fd_readdir",
  "fd_renumber",
  "fd_seek",
  "fd_sync",
  "fd_tell",
  "fd_write",
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "poll_oneoff",
  "proc_exit",
  "proc_raise",
  "sched_yield",
  "random_get",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
] as const;

/**
 * The name of one `wasi_snapshot_preview1` function.
 *
 * @example
 * ```ts
 * import type { Preview1Function } from "./constants.ts";
 * const f: Preview1Function = "fd_write";
 * ```
 */
export type Preview1Function = typeof PREVIEW1_FUNCTIONS[number];
