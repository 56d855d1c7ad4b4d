/**
 * What the child's two threads say to each other: the supervisor (main
 * thread) starts the environment's worker and sends it the run; the
 * environment asks the supervisor to stop the agent's worker. Kept apart so
 * the supervisor's bundle stays small.
 *
 * @module
 */

import type { Bootstrap, ChildMessage } from "../runner/run_protocol.ts";

/** What the environment's worker asks of the supervisor: to stop the agent's worker. */
export const TERMINATE_AGENT = "oanix:terminate-agent";

/** The name the supervisor gives the environment's worker. */
export const ENVIRONMENT_WORKER = "oanix-environment";

/** What the supervisor sends the environment's worker. */
export interface ChildStart {
  /** The run's bootstrap. */
  boot: Bootstrap;
  /** A module agent's worker, started by the supervisor: its RPC port. */
  agentPort?: MessagePort;
}

/**
 * The final message of an environment that failed before it could end on
 * its own: nothing ran to completion, so no result and no changes.
 *
 * @example
 * ```ts
 * import { failedFinal } from "./child_protocol.ts";
 * console.log(failedFinal("the child failed: boom").exitCode); // 1
 * ```
 */
export function failedFinal(error: string): ChildMessage {
  return {
    type: "final",
    status: { status: "failed" },
    exitCode: 1,
    result: null,
    changes: [],
    error,
  };
}
