/**
 * Environments and scheduling: OanixEnv/EnvBuilder (an id and a lifecycle
 * over a namespace) and the Scheduler (a priority job queue that really
 * runs jobs).
 *
 * @module
 */

export * from "./env_status.ts";
export * from "./oanix_env.ts";
export * from "./env_builder.ts";
export * from "./job_spec.ts";
export * from "./job_types.ts";
export * from "./scheduler.ts";
export * from "./wasi_job_runner.ts";
export * from "./snapshot/mod.ts";
