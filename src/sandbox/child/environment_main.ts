/**
 * The environment's worker entry (bundled apart from the supervisor's, so
 * the child's main thread loads only what it needs and starts this worker
 * at once).
 *
 * Not part of the public API.
 *
 * @module
 */

import { runChildWorker } from "./child_run.ts";

runChildWorker();
