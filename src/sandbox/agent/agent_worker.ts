/**
 * The agent worker's entry in process: the agent is imported by its path
 * (the worker must be granted reading it). The sandboxed child instead runs
 * one bundle of the runtime and the agent together.
 *
 * Not part of the public API.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { startAgentWorker } from "./agent_worker_runtime.ts";

startAgentWorker((program) => import(new URL(`file://${program}`).href));
