/**
 * The plain environment's bundle entry (bundled apart from the
 * supervisor's): module agents over files and services (workspaces, mem,
 * map, task, logs), which is what most runs are. It leaves out the
 * capabilities, WASI and snapshots (`environment_full_main.ts` has them),
 * so a run loads a third less. The supervisor either starts it as a worker
 * or imports it into its own thread (a module agent, which runs in a
 * worker of its own anyway: one thread fewer, a faster start).
 *
 * Not part of the public API.
 *
 * @module
 */

import { runChildWorker } from "./child_run.ts";
import { ENVIRONMENT_WORKER } from "./child_protocol.ts";

export { runEnvironment } from "./child_run.ts";

if ((globalThis as { name?: unknown }).name === ENVIRONMENT_WORKER) runChildWorker();
