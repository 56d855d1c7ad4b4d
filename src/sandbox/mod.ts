/**
 * The sandbox layer: environment manifests, the permission mapping, the
 * child-process runner and the CLI.
 *
 * @module
 */

export * from "./manifest/field_reader.ts";
export * from "./manifest/source_lines.ts";
export * from "./manifest/host_path.ts";
export * from "./manifest/manifest.ts";
export * from "./manifest/load_manifest.ts";
export * from "./manifest/permissions.ts";
export * from "./runner/unified_diff.ts";
export * from "./runner/symlink_scan.ts";
export * from "./runner/audit.ts";
export * from "./child/map_from_dir.ts";
export * from "./child/build_namespace.ts";
export * from "./runner/run_protocol.ts";
export * from "./runner/capped_text.ts";
export * from "./runner/child_command.ts";
export * from "./runner/run_output.ts";
export * from "./runner/runner.ts";
export * from "./child/collect_changes.ts";
export * from "./agent/agent_environment.ts";
export * from "./cli/cli.ts";
export * from "./child/denial_audit.ts";
export * from "./agent/agent_host.ts";
