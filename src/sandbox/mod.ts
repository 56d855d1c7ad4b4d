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
export * from "./map_from_dir.ts";
export * from "./build_namespace.ts";
export * from "./run_protocol.ts";
export * from "./capped_text.ts";
export * from "./child_command.ts";
export * from "./run_output.ts";
export * from "./runner.ts";
export * from "./collect_changes.ts";
export * from "./agent_environment.ts";
export * from "./cli.ts";
export * from "./denial_audit.ts";
export * from "./agent_host.ts";
