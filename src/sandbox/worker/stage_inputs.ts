/**
 * The submitter's half of a queued job: copying what a manifest names on
 * this host into the store, and writing the manifest as data whose paths
 * are relative to the store's folder, so it means the same on any worker.
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path/posix";
import type { Manifest, ProgramSpec } from "../manifest/manifest.ts";
import { manifestData, programData } from "./manifest_data.ts";
import { type HostPath, manifestHostPaths, programHostPaths } from "./manifest_paths.ts";
import { StagingError, type Store } from "./store.ts";

/**
 * Stages manifests and programs into a store, each host path once
 * (a workspace shared by many trials is hashed and copied once).
 *
 * @example
 * ```ts ignore
 * import { InputStager } from "./stage_inputs.ts";
 * import { Store } from "./store.ts";
 * const stager = new InputStager(await Store.open("/mnt/oanix-store"));
 * const data = await stager.manifest(manifest); // paths like "inputs/3f2a…/project"
 * ```
 */
export class InputStager {
  readonly #store: Store;
  readonly #staged = new Map<string, Promise<string>>();

  /**
   * Makes a stager for `store`.
   *
   * @param store where inputs go
   */
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * `manifest` as data, its host paths staged (store-relative).
   *
   * @throws {StagingError} for a missing path, an escaping symlink, or a
   * secret kept in a file (secrets travel only as the workers' own
   * environment variables).
   */
  async manifest(manifest: Manifest): Promise<Record<string, unknown>> {
    const map = await this.#stageAll(manifestHostPaths(manifest));
    return manifestData(manifest, (p) => map.get(p)!);
  }

  /**
   * A program (a checker) as program data, its files staged.
   *
   * @throws {StagingError} for a missing file.
   */
  async program(program: ProgramSpec): Promise<Record<string, unknown>> {
    const map = await this.#stageAll(programHostPaths(program));
    return programData(program, (p) => map.get(p)!);
  }

  async #stageAll(paths: HostPath[]): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const p of paths) {
      if (p.kind === "secret") {
        throw new StagingError(
          p.path,
          `${p.field}: a secret in a file is not sent through a queue; name an environment ` +
            "variable instead (env, key_env) and allow it in the workers' policy (secret_env)",
        );
      }
      if (p.kind === "folder") map.set(p.path, await this.#stage(p.path));
      else if (p.kind === "program" && p.root !== undefined) {
        const dir = await this.#stage(p.root);
        map.set(p.root, dir);
        map.set(p.path, join(dir, relative(p.root, p.path)));
      } else {
        // One file, and for a transcript the bodies folder beside it.
        const names = [basename(p.path)];
        if (p.kind === "transcript" && await isFolder(join(dirname(p.path), "cap-bodies"))) {
          names.push("cap-bodies");
        }
        map.set(p.path, join(await this.#stage(dirname(p.path), names), basename(p.path)));
      }
    }
    return map;
  }

  #stage(source: string, only?: string[]): Promise<string> {
    const key = JSON.stringify([source, only ?? null]);
    let staged = this.#staged.get(key);
    if (staged === undefined) {
      staged = this.#store.stage(source, only);
      this.#staged.set(key, staged);
    }
    return staged;
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isDirectory;
  } catch {
    return false;
  }
}
