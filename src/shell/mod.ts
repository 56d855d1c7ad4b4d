/**
 * The shell layer: bash scripts run inside a namespace, through just-bash,
 * with the namespace as their whole file system (docs/shell.md).
 *
 * @module
 */

export * from "./namespace_shell_fs.ts";
export * from "./run_shell.ts";
export * from "./shell_limits.ts";
export * from "./shell_options.ts";
export * from "./cap_http_fetch.ts";
export * from "./shell_commands.ts";
export * from "./shell_fs_types.ts";
export type { ShellEncoding } from "./shell_encoding.ts";
