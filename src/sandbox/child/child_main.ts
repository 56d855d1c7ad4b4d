/**
 * The child's entry point (bundled, it is the one file the child runs). The
 * same file plays two parts: started by the runner it is the supervisor
 * (the main thread: protocol, lifetime, deadline); started as a worker by
 * the supervisor it runs the environment (namespace, executors, program).
 *
 * Not part of the public API: the runner starts it.
 *
 * @module
 */

import { CHILD_WORKER_NAME, runChildWorker } from "./child_run.ts";
import { supervise } from "./supervisor.ts";

const inWorker = (globalThis as { name?: unknown }).name === CHILD_WORKER_NAME;
if (inWorker) runChildWorker();
else if (import.meta.main) await supervise(new URL(import.meta.url));
