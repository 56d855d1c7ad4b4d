/**
 * The full environment's parts: capability mounts and their executors
 * (recording and replaying them), WASI programs, snapshots (saving the
 * final state, starting from one). The runner starts a run with the full
 * environment when its manifest needs any of these
 * (`runner/runtime_bundles.ts`); the plain environment, which most runs
 * use, loads none of it.
 *
 * Not part of the public API.
 *
 * @module
 */

import { snapshotNamespace } from "../../env/snapshot/env_snapshot.ts";
import { buildNamespace } from "./build_namespace.ts";
import { openCapabilities } from "./capability_session.ts";
import type { FullParts } from "./run_program.ts";
import { runWasi } from "./run_wasi.ts";

/**
 * Everything the plain environment leaves out.
 *
 * @example
 * ```ts ignore
 * runChildWorker({ full: FULL_PARTS });
 * ```
 */
export const FULL_PARTS: FullParts = {
  buildNamespace,
  openCapabilities,
  runWasi,
  snapshotNamespace,
};
