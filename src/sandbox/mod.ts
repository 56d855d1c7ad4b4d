/**
 * The sandbox layer: environment manifests (`manifest/`), the runner and
 * what it writes (`runner/`), the child that runs in the sandbox
 * (`child/`), the agent worker (`agent/`) and the CLI (`cli/`).
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
export * from "./runner/changes_diff.ts";
export * from "./runner/symlink_scan.ts";
export * from "./runner/audit.ts";
export * from "./runner/run_protocol.ts";
export * from "./runner/capped_text.ts";
export * from "./runner/child_command.ts";
export * from "./runner/host_secrets.ts";
export * from "./runner/run_output.ts";
export * from "./runner/apply_changes.ts";
export * from "./runner/preflight.ts";
export * from "./runner/runner.ts";
export * from "./runner/child_pool.ts";
export * from "./runner/child_session.ts";
export * from "./child/map_from_dir.ts";
export * from "./child/build_namespace.ts";
export * from "./child/collect_changes.ts";
export * from "./child/denial_audit.ts";
export * from "./agent/agent_environment.ts";
export * from "./agent/agent_host.ts";
export * from "./agent/agent_worker_handle.ts";
export type { Bundle } from "./runner/bundle_cache.ts";
export type { AgentBundle } from "./runner/runtime_bundles.ts";
export * from "./cli/explain.ts";
export * from "./bench/bench_config.ts";
export * from "./bench/trial_result.ts";
export * from "./bench/run_bench.ts";
export * from "./bench/report_html.ts";
export * from "./mcp/serve_mcp.ts";
