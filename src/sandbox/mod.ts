/**
 * The sandbox layer: environment manifests, the permission mapping, the
 * child-process runner and the CLI.
 *
 * @module
 */

export * from "./field_reader.ts";
export * from "./source_lines.ts";
export * from "./host_path.ts";
export * from "./manifest.ts";
export * from "./load_manifest.ts";
export * from "./permissions.ts";
export * from "./unified_diff.ts";
export * from "./symlink_scan.ts";
export * from "./audit.ts";
