/**
 * The environment's bundle entry (bundled apart from the supervisor's). The
 * supervisor either starts it as a worker (a WASI program: a guest spinning
 * with no host call must not hold the main thread) or imports it into its
 * own thread (a module agent, which runs in a worker of its own anyway: one
 * thread fewer, a faster start).
 *
 * Not part of the public API.
 *
 * @module
 */

import { runChildWorker } from "./child_run.ts";
import { ENVIRONMENT_WORKER } from "./child_protocol.ts";

export { runEnvironment } from "./child_run.ts";

if ((globalThis as { name?: unknown }).name === ENVIRONMENT_WORKER) runChildWorker();
