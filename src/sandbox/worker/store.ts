/**
 * The store: a folder every submitter and worker shares (NFS, SMB, a
 * synced volume; object storage is where it grows next, see
 * docs/scale.md). It holds
 *
 * - `inputs/<sha-256>/`: what jobs read (workspaces, programs,
 *   transcripts), copied in by the submitter and named by their content,
 *   so the same input is stored once, and a folder, once there, never
 *   changes (it appears whole, by a rename);
 * - `outputs/<queue>/<job id>/`: what a worker's runs wrote, one folder per
 *   job, replaced when a job runs again.
 *
 * @module
 */

import { dirname, isAbsolute, join, normalize, relative } from "node:path/posix";

/**
 * A path could not be copied into the store: it is missing, or holds a
 * symlink that leads out of it.
 *
 * @example
 * ```ts
 * import { StagingError } from "./store.ts";
 * console.log(new StagingError("/srv/p", "no such folder").message); // "cannot stage /srv/p: no such folder"
 * ```
 */
export class StagingError extends Error {
  /**
   * Makes the error.
   *
   * @param path what could not be staged
   * @param why the reason
   */
  constructor(path: string, why: string) {
    super(`cannot stage ${path}: ${why}`);
    this.name = "StagingError";
  }
}

/** A queue name or job id as a folder name: never `.`, `..` or a path. */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function within(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

interface Entry {
  /** Relative to the tree's root. */
  rel: string;
  kind: "dir" | "file" | "link";
  /** A link's target. */
  target?: string;
}

async function hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The entries under `root` (only the top-level names in `only`, when given), sorted. */
async function walk(root: string, only?: string[]): Promise<Entry[]> {
  const out: Entry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const names: Array<{ name: string; isDirectory: boolean; isSymlink: boolean }> = [];
    for await (const e of Deno.readDir(join(root, rel))) {
      if (rel === "" && only !== undefined && !only.includes(e.name)) continue;
      names.push(e);
    }
    names.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const e of names) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isSymlink) {
        const target = await Deno.readLink(join(root, path));
        const lands = normalize(join(root, dirname(path), target));
        if (isAbsolute(target) || !within(lands, root)) {
          throw new StagingError(join(root, path), `a symlink leads out of its folder (${target})`);
        }
        out.push({ rel: path, kind: "link", target });
      } else if (e.isDirectory) {
        out.push({ rel: path, kind: "dir" });
        await visit(path);
      } else out.push({ rel: path, kind: "file" });
    }
  };
  await visit("");
  return out;
}

/**
 * A store on a folder (see the module's description).
 *
 * @example
 * ```ts ignore
 * import { Store } from "./store.ts";
 * const store = await Store.open("/mnt/oanix-store");
 * const input = await store.stage("/srv/projects/notes"); // "inputs/3f2a…"
 * ```
 */
export class Store {
  /** The store's folder (absolute, symlinks resolved). */
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * Opens (creating) the store in `dir`.
   *
   * @throws {Error} when the folder cannot be made or is not a folder.
   */
  static async open(dir: string): Promise<Store> {
    if (typeof dir !== "string" || dir === "") {
      throw new TypeError("Store: give the store's folder");
    }
    await Deno.mkdir(join(dir, "inputs"), { recursive: true });
    await Deno.mkdir(join(dir, "outputs"), { recursive: true });
    return new Store(await Deno.realPath(dir));
  }

  /** The folder of all inputs. */
  get inputs(): string {
    return join(this.root, "inputs");
  }

  /**
   * Copies the folder `source` (or only its top-level entries `only`) into
   * the store, named by its content; returns its path relative to the
   * store's folder, `inputs/<sha-256>`. Staging the same content again
   * copies nothing.
   *
   * @throws {StagingError} when `source` is missing, or holds a symlink
   * that leads out of it.
   */
  async stage(source: string, only?: string[]): Promise<string> {
    let entries: Entry[];
    try {
      entries = await walk(source, only);
    } catch (e) {
      if (e instanceof StagingError) throw e;
      throw new StagingError(source, e instanceof Deno.errors.NotFound ? "no such folder" : `${e}`);
    }
    const missing = only?.find((name) => !entries.some((e) => e.rel === name));
    if (missing !== undefined) throw new StagingError(join(source, missing), "no such file");
    const lines: string[] = [];
    for (const e of entries) {
      const extra = e.kind === "file"
        ? await hex(await Deno.readFile(join(source, e.rel)))
        : e.target ?? "";
      lines.push(`${e.kind}\0${e.rel}\0${extra}`);
    }
    const name = await hex(new TextEncoder().encode(lines.join("\n")));
    const rel = `inputs/${name}`;
    const final = join(this.root, rel);
    if (await exists(final)) return rel;
    const staging = join(this.inputs, `.staging-${crypto.randomUUID()}`);
    try {
      await Deno.mkdir(staging);
      for (const e of entries) {
        const to = join(staging, e.rel);
        if (e.kind === "dir") await Deno.mkdir(to);
        else if (e.kind === "link") await Deno.symlink(e.target!, to);
        else await Deno.copyFile(join(source, e.rel), to);
      }
      // Whole or not at all: readers never see a half-copied input.
      await Deno.rename(staging, final);
    } catch (e) {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      if (!(await exists(final))) throw e;
      // Another submitter staged the same content meanwhile: theirs is ours.
    }
    return rel;
  }

  /**
   * Why `path` may not be read by a job, or undefined when it lies inside
   * the store's inputs once every symlink is resolved.
   *
   * @example
   * ```ts ignore
   * const problem = await store.outsideInputs("/mnt/store/inputs/ab12/../../etc");
   * ```
   */
  async outsideInputs(path: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await Deno.realPath(path);
    } catch {
      return `${path} does not exist in the store`;
    }
    return within(real, await Deno.realPath(this.inputs)) && real !== this.inputs
      ? undefined
      : `${path} leads outside the store's inputs (${real})`;
  }

  /**
   * The output folder of job `jobId` of queue `queue` (not created).
   *
   * @throws {TypeError} for a queue name or job id that cannot be a folder name.
   */
  outputDir(queue: string, jobId: string): string {
    if (!FOLDER_NAME.test(queue)) {
      throw new TypeError(`Store: not a queue name: ${JSON.stringify(queue)}`);
    }
    if (!FOLDER_NAME.test(jobId)) {
      throw new TypeError(`Store: not a job id: ${JSON.stringify(jobId)}`);
    }
    return join(this.root, "outputs", queue, jobId);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
