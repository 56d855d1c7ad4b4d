/**
 * The full environment's bundle entry: the plain one with capability
 * mounts and their executors, WASI programs and snapshots
 * (`full_parts.ts`). The supervisor uses it as it uses the plain one: a
 * WASI program's environment runs in a worker (a guest spinning with no
 * host call must not hold the main thread).
 *
 * Not part of the public API.
 *
 * @module
 */

import type { ChildMessage } from "../runner/run_protocol.ts";
import { runChildWorker, runEnvironment as runPlainEnvironment } from "./child_run.ts";
import { type ChildStart, ENVIRONMENT_WORKER } from "./child_protocol.ts";
import { FULL_PARTS } from "./full_parts.ts";

/** Runs the environment of one run, with every part (see `child_run.ts`). */
export function runEnvironment(
  start: ChildStart,
  send: (msg: ChildMessage) => void,
  terminateAgent: () => void,
): Promise<void> {
  return runPlainEnvironment(start, send, terminateAgent, { full: FULL_PARTS });
}

if ((globalThis as { name?: unknown }).name === ENVIRONMENT_WORKER) {
  runChildWorker({ full: FULL_PARTS });
}
