/**
 * An OANIX namespace as just-bash's file system: every read, write,
 * listing and rename a shell command makes goes through the namespace, so
 * CowFs, read-only mounts and capability files behave exactly as they do
 * for WASI and module agents.
 *
 * @module
 */

import { FsError, isFsError } from "../fs/errors.ts";
import { writeFile } from "../fs/file_io.ts";
import type { FileService, Stat } from "../fs/types.ts";
import { describeValue } from "../services/json_value.ts";
import { bytesOf, encodingOf, textOf } from "./shell_encoding.ts";
import type { ShellDirent, ShellEncodingOption, ShellFileStat } from "./shell_fs_types.ts";
import { realPath, resolveShellPath } from "./shell_paths.ts";
import { copyTree, makeDirs, moveTree, removeTree } from "./shell_tree.ts";
import { readWhole } from "./waiting_read.ts";

const APPEND = Object.freeze({ write: true, create: true, append: true });
/** How long the shell may run on without letting the event loop in (executors, timers). */
const BREATHE_EVERY_MS = 20;

/**
 * Options for a {@linkcode NamespaceShellFs}.
 *
 * @example
 * ```ts
 * import type { NamespaceShellFsOptions } from "./namespace_shell_fs.ts";
 * const opts: NamespaceShellFsOptions = { signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface NamespaceShellFsOptions {
  /**
   * Ends every wait (a capability response not there yet) and refuses every
   * later operation with its reason: give the run's signal, so nothing
   * outlives the script.
   */
  signal?: AbortSignal;
}

function modeOf(st: Stat): number {
  // The namespace keeps no permission bits: files count as executable, so
  // `chmod +x s.sh && ./s.sh` works; what cannot be changed has no write bits.
  if (st.kind === "symlink") return 0o777;
  return st.readOnly ? 0o555 : 0o755;
}

function fsStatOf(st: Stat): ShellFileStat {
  return {
    isFile: st.kind === "file",
    isDirectory: st.kind === "dir",
    isSymbolicLink: st.kind === "symlink",
    mode: modeOf(st),
    size: st.size,
    mtime: new Date(st.mtime),
    ...(st.ino === undefined ? {} : { ino: st.ino }),
  };
}

/**
 * just-bash's `IFileSystem` over an OANIX {@linkcode FileService} (a
 * Namespace, usually): pass it as `new Bash({ fs })`. Nothing is kept here: every call is a namespace
 * call, made when just-bash makes it. Errors are the namespace's
 * `FsError`s, whose messages start with the code (`ENOENT: ...`) as
 * just-bash's commands expect.
 *
 * - Reads of files that are not ready (`/cap/http/responses/ID.json`
 *   before the executor answers) wait through the handle's
 *   `whenReadable()`, as a WASI program's blocking read does.
 * - There are no permission bits: files report mode 0755 (0555 when
 *   read-only), `chmod` changes nothing (EROFS on what cannot be changed),
 *   `utimes` sets times where the service keeps them.
 * - `getAllPaths()` is empty: the tree is not walked up front.
 * - Unlike just-bash's own file systems it writes no `/bin` stubs and no
 *   `/dev` or `/proc` files: the namespace is exactly what was mounted.
 *
 * @example
 * ```ts
 * import { Bash } from "npm:just-bash@3.4.2";
 * import { MemFs, Namespace, readText } from "@oanix/oanix";
 * import { NamespaceShellFs } from "./namespace_shell_fs.ts";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const bash = new Bash({ fs: new NamespaceShellFs(ns), cwd: "/tmp", defenseInDepth: false });
 * await bash.exec("echo hello > greeting.txt");
 * console.log(readText(ns, "/tmp/greeting.txt")); // "hello\n"
 * ```
 */
export class NamespaceShellFs {
  #fs: FileService;
  #signal: AbortSignal | undefined;
  #breathedAt = performance.now();

  /**
   * Makes the adapter; it keeps nothing but the namespace and the signal.
   *
   * @param namespace the namespace (any FileService) the shell sees
   * @param options see {@linkcode NamespaceShellFsOptions}
   * @throws {TypeError} when `namespace` is not a FileService or the signal not an AbortSignal.
   */
  constructor(namespace: FileService, options: NamespaceShellFsOptions = {}) {
    if (
      namespace === null || typeof namespace !== "object" ||
      typeof namespace.open !== "function" || typeof namespace.readdir !== "function" ||
      typeof namespace.stat !== "function"
    ) {
      throw new TypeError(
        `NamespaceShellFs: expected a FileService or Namespace, got ${describeValue(namespace)}`,
      );
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `NamespaceShellFs: options must be an object, got ${describeValue(options)}`,
      );
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TypeError(
        `NamespaceShellFs: signal must be an AbortSignal, got ${describeValue(options.signal)}`,
      );
    }
    this.#fs = namespace;
    this.#signal = options.signal;
  }

  /** The namespace the shell sees (the very instance given). */
  get namespace(): FileService {
    return this.#fs;
  }

  /**
   * Before each operation: refuses once the run is over, and now and then
   * lets the event loop run (just-bash's own awaits resolve at once, so a
   * busy script would otherwise hold it until it ends).
   */
  async #enter(): Promise<FileService> {
    this.#signal?.throwIfAborted();
    if (performance.now() - this.#breathedAt > BREATHE_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.#breathedAt = performance.now();
      this.#signal?.throwIfAborted();
    }
    return this.#fs;
  }

  /** Reads a whole file as text in `options`' encoding (UTF-8 by default). */
  async readFile(path: string, options?: ShellEncodingOption): Promise<string> {
    const encoding = encodingOf(options);
    return textOf(await readWhole(await this.#enter(), path, this.#signal), encoding);
  }

  /** Reads a whole file as bytes. */
  async readFileBuffer(path: string): Promise<Uint8Array> {
    return await readWhole(await this.#enter(), path, this.#signal);
  }

  /** Creates or replaces a file. */
  async writeFile(
    path: string,
    content: string | Uint8Array,
    options?: ShellEncodingOption,
  ): Promise<void> {
    const bytes = bytesOf(content, encodingOf(options));
    writeFile(await this.#enter(), path, bytes);
  }

  /** Appends to a file, creating it when missing. */
  async appendFile(
    path: string,
    content: string | Uint8Array,
    options?: ShellEncodingOption,
  ): Promise<void> {
    const bytes = bytesOf(content, encodingOf(options));
    const h = (await this.#enter()).open(path, APPEND);
    let written = false;
    try {
      for (let at = 0; at < bytes.length;) {
        const n = h.write(bytes.subarray(at));
        if (n <= 0) throw new FsError("EIO", path, "write made no progress");
        at += n;
      }
      written = true;
    } finally {
      if (written) h.close();
      else {
        try {
          h.close();
        } catch { /* the write's error is the one to report */ }
      }
    }
  }

  /** True when `path` exists (following symlinks); false for any refusal too. */
  async exists(path: string): Promise<boolean> {
    const fs = await this.#enter();
    try {
      fs.stat(path);
      return true;
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }

  /** Status, following symlinks. */
  async stat(path: string): Promise<ShellFileStat> {
    return fsStatOf((await this.#enter()).stat(path));
  }

  /** Status of the path itself. */
  async lstat(path: string): Promise<ShellFileStat> {
    const fs = await this.#enter();
    return fsStatOf(fs.lstat === undefined ? fs.stat(path) : fs.lstat(path));
  }

  /** Creates a directory; with `recursive`, its missing parents too. */
  async mkdir(path: string, options?: { recursive?: boolean }): Promise<void> {
    const fs = await this.#enter();
    if (options?.recursive) makeDirs(fs, path);
    else fs.mkdir(path);
  }

  /** The names in a directory. */
  async readdir(path: string): Promise<string[]> {
    return (await this.#enter()).readdir(path).map((e) => e.name);
  }

  /** The entries of a directory with their kinds. */
  async readdirWithFileTypes(path: string): Promise<ShellDirent[]> {
    return (await this.#enter()).readdir(path).map((e) => ({
      name: e.name,
      isFile: e.kind === "file",
      isDirectory: e.kind === "dir",
      isSymbolicLink: e.kind === "symlink",
    }));
  }

  /** Removes a file or empty directory; `recursive` removes a tree, `force` ignores ENOENT. */
  async rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void> {
    const fs = await this.#enter();
    try {
      if (options?.recursive) removeTree(fs, path);
      else fs.remove(path);
    } catch (e) {
      if (!(options?.force && isFsError(e, "ENOENT"))) throw e;
    }
  }

  /** Copies a file, or with `recursive` a directory tree. */
  async cp(src: string, dest: string, options?: { recursive?: boolean }): Promise<void> {
    const fs = await this.#enter();
    await copyTree(fs, src, dest, { recursive: options?.recursive === true, signal: this.#signal });
  }

  /** Renames; across mounts, copies and then removes the original. */
  async mv(src: string, dest: string): Promise<void> {
    await moveTree(await this.#enter(), src, dest, this.#signal);
  }

  /** `path` made absolute against `base`, normalised (`..` stops at `/`). */
  resolvePath(base: string, path: string): string {
    return resolveShellPath(base, path);
  }

  /** Always empty: the tree is not walked up front. */
  getAllPaths(): string[] {
    return [];
  }

  /** Changes nothing (no permission bits); ENOENT when missing, EROFS when unchangeable. */
  async chmod(path: string, _mode: number): Promise<void> {
    if ((await this.#enter()).stat(path).readOnly) {
      throw new FsError("EROFS", path, "cannot change it");
    }
  }

  /** Creates a symlink at `linkPath` to `target` (ENOTSUP where the service has none). */
  async symlink(target: string, linkPath: string): Promise<void> {
    const fs = await this.#enter();
    if (fs.symlink === undefined) throw new FsError("ENOTSUP", linkPath, "no symlinks here");
    fs.symlink(target, linkPath);
  }

  /** Makes `newPath` a second name for `existingPath` (ENOTSUP where the service has none). */
  async link(existingPath: string, newPath: string): Promise<void> {
    const fs = await this.#enter();
    if (fs.link === undefined) throw new FsError("ENOTSUP", newPath, "no hard links here");
    fs.link(existingPath, newPath);
  }

  /** A symlink's target as stored. */
  async readlink(path: string): Promise<string> {
    const fs = await this.#enter();
    if (fs.readlink === undefined) throw new FsError("EINVAL", path, "not a symlink");
    return fs.readlink(path);
  }

  /** The path with every symlink resolved as its service resolves it. */
  async realpath(path: string): Promise<string> {
    return realPath(await this.#enter(), path);
  }

  /** Sets the times where the service keeps them (elsewhere it only checks the path exists). */
  async utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    const fs = await this.#enter();
    const ns = (d: Date) => {
      const ms = d instanceof Date ? d.getTime() : NaN;
      if (!Number.isFinite(ms)) throw new FsError("EINVAL", path, "not a valid time");
      return BigInt(Math.trunc(ms)) * 1_000_000n;
    };
    if (fs.setTimes === undefined) {
      fs.stat(path);
      return;
    }
    try {
      fs.setTimes(path, ns(atime), ns(mtime));
    } catch (e) {
      if (!isFsError(e, "ENOTSUP")) throw e;
      fs.stat(path);
    }
  }
}
