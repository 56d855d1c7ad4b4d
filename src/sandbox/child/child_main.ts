/**
 * The child's entry point: the supervisor (`supervisor.ts`). Bundled, it is
 * the file the child runs; the environment's worker and the agent's worker
 * are bundles of their own, named on its command line, so both start at
 * once, while the bootstrap is still on its way.
 *
 * Not part of the public API: the runner starts it.
 *
 * @module
 */

import { supervise } from "./supervisor.ts";

if (import.meta.main) await supervise(Deno.args);
