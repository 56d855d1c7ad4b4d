/**
 * The shapes `NamespaceShellFs` takes and gives: just-bash's file system
 * interface, written out here so that OANIX's public API names no type of
 * the package (they fit just-bash's `FsStat`, `DirentEntry` and encoding
 * options structurally).
 *
 * @module
 */

import type { ShellEncoding } from "./shell_encoding.ts";

/**
 * What `stat` and `lstat` report to the shell.
 *
 * @example
 * ```ts
 * import type { ShellFileStat } from "./shell_fs_types.ts";
 * const isScript = (s: ShellFileStat) => s.isFile && (s.mode & 0o111) !== 0;
 * ```
 */
export interface ShellFileStat {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symlink (only from `lstat`). */
  isSymbolicLink: boolean;
  /** Permission bits: 0755, 0555 for what cannot change, 0777 for symlinks. */
  mode: number;
  /** Size in bytes. */
  size: number;
  /** Last modification time. */
  mtime: Date;
  /** The file's number within its service, when it keeps one. */
  ino?: number;
}

/**
 * One entry of a directory listing, with its kind.
 *
 * @example
 * ```ts
 * import type { ShellDirent } from "./shell_fs_types.ts";
 * const e: ShellDirent = { name: "a.txt", isFile: true, isDirectory: false, isSymbolicLink: false };
 * ```
 */
export interface ShellDirent {
  /** The name (one segment). */
  name: string;
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symlink. */
  isSymbolicLink: boolean;
}

/**
 * How just-bash names the encoding of file content it hands over or asks
 * for: the name itself, or `{ encoding }`; none means UTF-8.
 *
 * @example
 * ```ts
 * import type { ShellEncodingOption } from "./shell_fs_types.ts";
 * const raw: ShellEncodingOption = "binary";
 * const hex: ShellEncodingOption = { encoding: "hex" };
 * ```
 */
export type ShellEncodingOption =
  | ShellEncoding
  | { encoding?: ShellEncoding | null }
  | null
  | undefined;
