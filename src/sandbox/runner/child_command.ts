/**
 * The child's command line and environment: exactly the mapped flags, a
 * cleared environment, a host-owned config, no remote modules, a
 * throwaway storage origin, and the permission audit log.
 *
 * @module
 */

import { join } from "../manifest/posix_path.ts";
import type { Manifest } from "../manifest/manifest.ts";
import type { Permissions } from "../manifest/permissions.ts";
import { denoDir } from "./deno_dir.ts";

/**
 * Everything needed to spawn one child.
 *
 * @example
 * ```ts
 * import type { ChildCommand } from "./child_command.ts";
 * const show = (c: ChildCommand) => [c.denoPath, ...c.args].join(" ");
 * ```
 */
export interface ChildCommand {
  /** The run's id. */
  runId: string;
  /** The secret prefix of the child's messages. */
  nonce: string;
  /** The deno executable. */
  denoPath: string;
  /** The arguments after it. */
  args: string[];
  /** The whole environment of the child. */
  env: Record<string, string>;
  /** The child's working folder (a fresh temporary folder). */
  workDir: string;
  /** Where Deno writes the permission audit log. */
  auditPath: string;
  /** Removes the working folder and the run's storage origin (localStorage and the Cache API). */
  cleanup: () => Promise<void>;
}

/**
 * The `deno` arguments of a child: `run`, the mapped flags, and the fixed
 * walls: no configuration or lock file of anyone's, no remote or npm
 * modules, nothing fetched (the entry is one bundled file), a storage
 * origin of its own.
 *
 * @example
 * ```ts
 * import { permissionsFor, validateManifest } from "@oanix/oanix";
 * import { childArgs } from "./child_command.ts";
 * const p = permissionsFor(validateManifest({ mounts: { "/tmp": "mem" } }, "/srv"));
 * console.log(childArgs(p, "http://oanix-run-x.invalid", "/cache/child.js")[0]); // "run"
 * ```
 */
export function childArgs(
  permissions: Permissions,
  origin: string,
  entry: string,
  entryArgs: string[] = [],
): string[] {
  return [
    "run",
    ...permissions.flags,
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--cached-only",
    // Lets the child start the agent worker with permissions narrower than its own.
    "--unstable-worker-options",
    `--location=${origin}/`,
    entry,
    ...entryArgs,
  ];
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The command for one run of `manifest`. The working folder is created here.
 *
 * @example
 * ```ts ignore
 * import { permissionsFor } from "@oanix/oanix";
 * import { childCommand } from "./child_command.ts";
 * const cmd = await childCommand(manifest, permissionsFor(manifest));
 * console.log(cmd.args.join(" "));
 * await cmd.cleanup();
 * ```
 */
export async function childCommand(
  manifest: Manifest,
  permissions: Permissions,
  entry: string,
  entryArgs: string[] = [],
): Promise<ChildCommand> {
  const runId = `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}-${
    crypto.randomUUID().slice(0, 8)
  }`;
  const denoPath = Deno.execPath();
  const dir = await denoDir(denoPath);
  const workDir = Deno.makeTempDirSync({ prefix: "oanix-run-" });
  const auditPath = join(workDir, "audit.jsonl");
  const origin = `http://oanix-run-${runId.toLowerCase()}.invalid`;
  const args = childArgs(permissions, origin, entry, entryArgs);
  void manifest;
  return {
    runId,
    nonce: crypto.randomUUID().replaceAll("-", ""),
    denoPath,
    args,
    env: { DENO_AUDIT_PERMISSIONS: auditPath, DENO_DIR: dir, NO_COLOR: "1" },
    workDir,
    auditPath,
    cleanup: async () => {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
      // localStorage lives in location_data/<hash>, the Cache API in web_cache/<hash>.
      const hash = await sha256Hex(origin);
      for (const storage of [[hash], ["web_cache", hash]]) {
        await Deno.remove(join(dir, "location_data", ...storage), { recursive: true })
          .catch(() => {});
      }
    },
  };
}
