/**
 * A bash shell that runs inside an OANIX namespace (npm `just-bash`): every
 * file operation goes through the namespace, `/cap/http` is its only
 * network. A separate entry point, because the interpreter and its
 * commands weigh tens of MB that nothing else in OANIX needs.
 *
 * @example
 * ```ts
 * import { MemFs, Namespace } from "@oanix/oanix";
 * import { runShell } from "@oanix/oanix/shell";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const r = await runShell(ns, "echo hi > /tmp/a && cat /tmp/a", { cwd: "/tmp" });
 * console.log(r.exitCode, r.stdout); // 0 "hi\n"
 * ```
 *
 * @module
 */

export {
  DEFAULT_SHELL_LIMITS,
  NamespaceShellFs,
  type NamespaceShellFsOptions,
  runShell,
  SHELL_ENV_NAMES,
  type ShellDirent,
  type ShellEncoding,
  type ShellEncodingOption,
  type ShellFileStat,
  type ShellLimits,
  type ShellOptions,
  type ShellResult,
} from "./src/shell/mod.ts";
export type {
  DirEntry,
  FileHandle,
  FileKind,
  FileService,
  OpenFlags,
  SeekFrom,
  Stat,
} from "./src/fs/types.ts";
