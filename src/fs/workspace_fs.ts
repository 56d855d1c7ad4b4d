/**
 * WorkspaceFs: a real directory as a file service, with containment.
 *
 * @module
 */

import { FsError } from "./errors.ts";
import { type ResolvedOpenFlags, resolveOpenFlags, wantsMutation } from "./open_flags.ts";
import { climbsOut, relativePath } from "./link_targets.ts";
import { normalizePath, parentPath } from "./path.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "./types.ts";
import { fsErrorFromDeno } from "./workspace_errors.ts";
import { statFromInfo, WorkspaceHandle } from "./workspace_handle.ts";
import { type Located, WorkspaceResolver } from "./workspace_resolver.ts";
import { WorkspaceTimes, writeHostTimes } from "./workspace_times.ts";

/**
 * Options for a {@linkcode WorkspaceFs}.
 *
 * @example
 * ```ts
 * import type { WorkspaceFsOptions } from "@oanix/oanix";
 * const opts: WorkspaceFsOptions = { readOnly: true };
 * ```
 */
export interface WorkspaceFsOptions {
  /** Refuse every change with EROFS. Default false. */
  readOnly?: boolean;
}

/**
 * A real directory as a file service, through Deno's synchronous file APIs.
 *
 * **Containment is absolute**: nothing outside the root is read, written or
 * created. Paths are normalised first, so `..` never climbs above the root.
 * Every component is then checked with `lstat`, and a symlink is followed
 * only when its target (resolved against the real directory holding it)
 * lies inside the root's real path; otherwise the operation is EACCES.
 * Creating through a dangling symlink that points outside is EACCES and
 * creates nothing. Absolute symlink targets are followed only when they
 * point under the root's real path. Symlinks made through
 * {@linkcode WorkspaceFs.symlink} are written relative, and refused when
 * they would point outside.
 *
 * Read-only mode refuses every change (write, create, truncate, append,
 * mkdir, remove, rename, setTimes, lsetTimes, symlink, link) with EROFS.
 *
 * `stat` reports real sizes, modification times, inode numbers and link
 * counts. **The host file keeps its times to the millisecond**: Deno 2.9
 * (and `node:fs` in Deno) sets and reads whole milliseconds only. The
 * nanoseconds that `setTimes`/`lsetTimes` are given are remembered in
 * memory for this object's life (a {@linkcode WorkspaceTimes} of up to
 * 4096 files, keyed by device and inode, so a rename keeps them), and
 * `stat`, `lstat` and a handle's `stat` report them while the host file
 * still shows the milliseconds written; once anything else moves that
 * time (a write, an outside `utime`), the host's value is reported again.
 * A time left undefined keeps what `stat` reports. Hard links (`link`) are
 * made with the host's `link`, both names checked for containment;
 * `lsetTimes` sets a symlink's own times through `node:fs` `lutimesSync`.
 * Non-regular files (FIFOs, sockets, devices) cannot be opened (EACCES).
 *
 * Limits: the checks and the operation are two steps, so a *different*
 * process that swaps a directory for a symlink between them could race
 * them; opened files are re-checked by inode to narrow that window. POSIX
 * hosts only (Windows paths are not handled).
 *
 * @example
 * ```ts
 * import { readText, WorkspaceFs, writeText } from "@oanix/oanix";
 * const dir = Deno.makeTempDirSync();
 * const ws = new WorkspaceFs(dir);
 * writeText(ws, "/notes.txt", "hello");
 * console.log(readText(ws, "/notes.txt")); // "hello"
 * const ro = WorkspaceFs.readonly(dir);
 * console.log(ro.describe()); // { root: "/tmp/...", mode: "ro" }
 * try {
 *   ro.open("/../../../etc/passwd");
 * } catch (e) {
 *   console.log((e as Error).message); // "ENOENT: no such file or directory: /etc/passwd"
 * }
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class WorkspaceFs implements FileService {
  readonly kind: string = "workspace";
  #resolver: WorkspaceResolver;
  #readOnly: boolean;
  /** The nanosecond times this object set, which the host keeps as milliseconds. */
  #times = new WorkspaceTimes();

  /**
   * Wraps a real directory.
   *
   * @param dir the directory (a path or a `file:` URL); it must exist
   * @param options `{ readOnly }`
   * @throws {FsError} ENOENT when `dir` does not exist, ENOTDIR when it is
   * not a directory, EACCES when it cannot be read.
   */
  constructor(dir: string | URL, options: WorkspaceFsOptions = {}) {
    if (typeof dir !== "string" && !(dir instanceof URL)) {
      throw new TypeError(`WorkspaceFs: dir must be a path or a file URL, got ${typeof dir}`);
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("WorkspaceFs: options must be an object");
    }
    if (options.readOnly !== undefined && typeof options.readOnly !== "boolean") {
      throw new TypeError("WorkspaceFs: options.readOnly must be a boolean");
    }
    const shown = String(dir);
    let real: string;
    try {
      real = Deno.realPathSync(dir);
    } catch (e) {
      const err = fsErrorFromDeno(e, shown);
      throw new FsError(err.code, shown, "the workspace directory must exist");
    }
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(real);
    } catch (e) {
      throw fsErrorFromDeno(e, shown);
    }
    if (!info.isDirectory) {
      throw new FsError("ENOTDIR", shown, "the workspace must be a directory");
    }
    this.#resolver = new WorkspaceResolver(real);
    this.#readOnly = options.readOnly === true;
  }

  /**
   * A read-only WorkspaceFs over `dir`.
   *
   * @example
   * ```ts
   * import { WorkspaceFs } from "@oanix/oanix";
   * const dir = Deno.makeTempDirSync();
   * console.log(WorkspaceFs.readonly(dir).readOnly); // true
   * Deno.removeSync(dir);
   * ```
   */
  static readonly(dir: string | URL): WorkspaceFs {
    return new WorkspaceFs(dir, { readOnly: true });
  }

  /** The real path of the root directory on the host. */
  get root(): string {
    return this.#resolver.realRoot;
  }

  /** True when every change is refused. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** `{ root, mode }`, where mode is `"rw"` or `"ro"`. */
  describe(): { root: string; mode: "rw" | "ro" } {
    return { root: this.root, mode: this.#readOnly ? "ro" : "rw" };
  }

  #refuseIfReadOnly(path: string): void {
    if (this.#readOnly) {
      throw new FsError("EROFS", normalizePath(path), "the workspace is read-only");
    }
  }

  #locate(path: string, followLast: boolean): Located {
    return this.#resolver.locate(path, followLast);
  }

  #existing(path: string, followLast: boolean): Located & { info: Deno.FileInfo } {
    const loc = this.#locate(path, followLast);
    if (loc.info === undefined) throw new FsError("ENOENT", normalizePath(path));
    return loc as Located & { info: Deno.FileInfo };
  }

  #host<T>(path: string, op: () => T): T {
    try {
      return op();
    } catch (e) {
      throw fsErrorFromDeno(e, path);
    }
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    if (this.#readOnly && wantsMutation(f)) {
      throw new FsError("EROFS", p, "the workspace is read-only");
    }
    const loc = this.#locate(p, true);
    if (loc.info === undefined) return this.#create(p, loc, f);
    if (f.create && f.exclusive) throw new FsError("EEXIST", p);
    if (loc.info.isDirectory) throw new FsError("EISDIR", p);
    if (f.directory) throw new FsError("ENOTDIR", p);
    if (!loc.info.isFile) throw new FsError("EACCES", p, "not a regular file");
    const file = this.#host(p, () =>
      Deno.openSync(loc.host, {
        read: f.read || !f.write,
        write: f.write && !f.append,
        append: f.append,
        truncate: f.truncate,
      }));
    this.#checkSameFile(file, loc.info, p);
    return new WorkspaceHandle(p, file, f, this.#readOnly, this.#times);
  }

  #create(p: string, loc: Located, f: ResolvedOpenFlags): FileHandle {
    if (!f.create) throw new FsError("ENOENT", p);
    if (f.directory) throw new FsError("ENOENT", p, "no such directory");
    // createNew (O_EXCL) never follows a symlink that appears meanwhile.
    const file = this.#host(p, () =>
      Deno.openSync(loc.host, {
        read: f.read,
        write: true,
        append: f.append,
        createNew: true,
      }));
    if (f.write) return new WorkspaceHandle(p, file, f, this.#readOnly, this.#times);
    file.close();
    const reopened = this.#host(p, () => Deno.openSync(loc.host, { read: true }));
    return new WorkspaceHandle(p, reopened, f, this.#readOnly, this.#times);
  }

  /** Closes `file` and fails with EACCES unless it is the file that was checked. */
  #checkSameFile(file: Deno.FsFile, checked: Deno.FileInfo, p: string): void {
    let info: Deno.FileInfo;
    try {
      info = file.statSync();
    } catch (e) {
      file.close();
      throw fsErrorFromDeno(e, p);
    }
    if (info.ino !== checked.ino || info.dev !== checked.dev) {
      file.close();
      throw new FsError("EACCES", p, "the file changed while it was being opened");
    }
  }

  readdir(path: string): DirEntry[] {
    const p = normalizePath(path);
    const loc = this.#existing(p, true);
    if (!loc.info.isDirectory) throw new FsError("ENOTDIR", p);
    const out: DirEntry[] = [];
    this.#host(p, () => {
      for (const e of Deno.readDirSync(loc.host)) {
        out.push({ name: e.name, kind: e.isDirectory ? "dir" : e.isSymlink ? "symlink" : "file" });
      }
    });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stat(path: string): Stat {
    return this.#statOf(this.#existing(path, true).info);
  }

  lstat(path: string): Stat {
    return this.#statOf(this.#existing(path, false).info);
  }

  #statOf(info: Deno.FileInfo): Stat {
    return statFromInfo(info, this.#readOnly, this.#times);
  }

  mkdir(path: string): void {
    const p = normalizePath(path);
    this.#refuseIfReadOnly(p);
    const loc = this.#locate(p, false);
    if (loc.info !== undefined) throw new FsError("EEXIST", p);
    this.#host(p, () => Deno.mkdirSync(loc.host));
  }

  remove(path: string): void {
    const p = normalizePath(path);
    this.#refuseIfReadOnly(p);
    const loc = this.#existing(p, false);
    if (loc.path === "/") throw new FsError("EBUSY", p, "cannot remove the workspace root");
    this.#host(p, () => Deno.removeSync(loc.host));
    this.#forgetIfLastName(loc.info);
  }

  /** Drops the remembered times of a file whose last name just went. */
  #forgetIfLastName(info: Deno.FileInfo): void {
    if (info.isDirectory || (info.nlink ?? 1) <= 1) this.#times.forget(info);
  }

  rename(from: string, to: string): void {
    const a = normalizePath(from);
    const b = normalizePath(to);
    this.#refuseIfReadOnly(a);
    const src = this.#existing(a, false);
    const dst = this.#locate(b, false);
    if (src.path === "/" || dst.path === "/") {
      throw new FsError("EBUSY", a, "cannot rename the workspace root");
    }
    if (src.host === dst.host) return;
    this.#host(a, () => Deno.renameSync(src.host, dst.host));
    // The inode keeps its times under its new name; a replaced one may go.
    if (dst.info !== undefined && dst.info.ino !== src.info.ino) this.#forgetIfLastName(dst.info);
  }

  setTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    this.#setTimes(path, atimeNs, mtimeNs, true);
  }

  /**
   * Sets the times of a symlink itself (not of its target), through
   * `node:fs` `lutimesSync`; for other kinds, as `setTimes`.
   */
  lsetTimes(path: string, atimeNs?: bigint, mtimeNs?: bigint): void {
    this.#setTimes(path, atimeNs, mtimeNs, false);
  }

  #setTimes(
    path: string,
    atimeNs: bigint | undefined,
    mtimeNs: bigint | undefined,
    follow: boolean,
  ) {
    const p = normalizePath(path);
    this.#refuseIfReadOnly(p);
    for (const t of [atimeNs, mtimeNs]) {
      if (t !== undefined && typeof t !== "bigint") {
        throw new FsError("EINVAL", p, "times must be bigint nanoseconds");
      }
    }
    const loc = this.#existing(p, follow);
    // A time not given keeps what a stat reports now, nanoseconds included.
    const now = this.#statOf(loc.info);
    const atime = atimeNs ?? now.atimeNs ?? 0n;
    const mtime = mtimeNs ?? now.mtimeNs ?? 0n;
    this.#host(p, () => writeHostTimes(loc.host, loc.info.isSymlink, atime, mtime));
    this.#times.remember(loc.info, atime, mtime);
  }

  /**
   * Makes `newPath` a second name for the file or symlink at `existing`
   * (a final symlink is not followed, as in Linux `link(2)`). Both paths
   * are resolved inside the workspace first. EPERM for a directory, EEXIST
   * when `newPath` exists, EXDEV when the two are on different host file
   * systems, EACCES for a symlink whose relative target would climb out of
   * the workspace from the new name's directory.
   */
  link(existing: string, newPath: string): void {
    const a = normalizePath(existing);
    const b = normalizePath(newPath);
    this.#refuseIfReadOnly(b);
    const src = this.#existing(a, false);
    if (src.info.isDirectory) throw new FsError("EPERM", a, "cannot link a directory");
    const dst = this.#locate(b, false);
    if (dst.info !== undefined) throw new FsError("EEXIST", b);
    if (src.info.isSymlink) {
      // A relative target means something else from the new name's directory.
      const target = this.#host(a, () => Deno.readLinkSync(src.host));
      if (!target.startsWith("/") && climbsOut(parentPath(dst.path), target)) {
        throw new FsError("EACCES", b, "the link would point outside the workspace");
      }
    }
    this.#host(b, () => Deno.linkSync(src.host, dst.host));
  }

  /**
   * Creates a symlink. An absolute `target` is a workspace path, written
   * to disk relative to the link so the link also works on the host. A
   * relative target that climbs above the workspace root is EACCES.
   */
  symlink(target: string, path: string): void {
    const p = normalizePath(path);
    this.#refuseIfReadOnly(p);
    if (typeof target !== "string" || target === "" || target.includes("\0")) {
      throw new FsError("EINVAL", p, "bad symlink target");
    }
    const loc = this.#locate(p, false);
    if (loc.info !== undefined) throw new FsError("EEXIST", p);
    const dir = parentPath(loc.path);
    const onDisk = target.startsWith("/") ? relativePath(dir, normalizePath(target)) : target;
    if (!target.startsWith("/") && climbsOut(dir, target)) {
      throw new FsError("EACCES", p, "the symlink would point outside the workspace");
    }
    this.#host(p, () => Deno.symlinkSync(onDisk, loc.host));
  }

  /**
   * Reads a symlink. An absolute target inside the root is given as a
   * workspace path; other targets are returned as written.
   */
  readlink(path: string): string {
    const p = normalizePath(path);
    const loc = this.#existing(p, false);
    if (!loc.info.isSymlink) throw new FsError("EINVAL", p, "not a symlink");
    const target = this.#host(p, () => Deno.readLinkSync(loc.host));
    if (!target.startsWith("/")) return target;
    return this.#resolver.toWorkspacePath(normalizePath(target)) ?? target;
  }
}
