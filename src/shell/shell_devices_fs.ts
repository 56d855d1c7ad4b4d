/**
 * The few device files a shell script expects, served by the shell itself
 * rather than the namespace: `/dev/null`, and the two files each
 * top-level command's output is appended to (`STREAM_PATHS`).
 *
 * @module
 */

import type { FileService } from "../fs/types.ts";
import { NamespaceShellFs, type NamespaceShellFsOptions } from "./namespace_shell_fs.ts";
import { STREAM_PATHS } from "./output_streams.ts";
import { bytesOf, encodingOf } from "./shell_encoding.ts";
import type { ShellEncodingOption, ShellFileStat } from "./shell_fs_types.ts";

/**
 * Receives the bytes of one output stream, in order.
 *
 * @example
 * ```ts
 * import type { OutputSink } from "./shell_devices_fs.ts";
 * const chunks: Uint8Array[] = [];
 * const sink: OutputSink = (c) => chunks.push(c);
 * ```
 */
export type OutputSink = (chunk: Uint8Array) => void;

const DEV_NULL = "/dev/null";
const discard: OutputSink = () => {};

/**
 * A {@linkcode NamespaceShellFs} that also serves `/dev/null` (writes
 * vanish, reads are empty) and the two output stream files (appends go to
 * the sinks). Every other path is the namespace's.
 *
 * @example
 * ```ts
 * import { MemFs } from "@oanix/oanix";
 * import { ShellDevicesFs } from "./shell_devices_fs.ts";
 * const fs = new ShellDevicesFs(new MemFs(), { stdout: () => {}, stderr: () => {} });
 * await fs.writeFile("/dev/null", "gone");
 * console.log(await fs.readFile("/dev/null")); // ""
 * ```
 */
export class ShellDevicesFs extends NamespaceShellFs {
  #devices: Map<string, OutputSink>;

  /**
   * Makes the file system: the namespace, plus the devices.
   *
   * @param namespace the namespace the shell sees
   * @param sinks where standard output and error go
   * @param options see {@linkcode NamespaceShellFsOptions}
   * @throws {TypeError} as NamespaceShellFs does, or when a sink is not a function.
   */
  constructor(
    namespace: FileService,
    sinks: { stdout: OutputSink; stderr: OutputSink },
    options: NamespaceShellFsOptions = {},
  ) {
    super(namespace, options);
    if (typeof sinks?.stdout !== "function" || typeof sinks?.stderr !== "function") {
      throw new TypeError("ShellDevicesFs: sinks.stdout and sinks.stderr must be functions");
    }
    this.#devices = new Map([
      [DEV_NULL, discard],
      [STREAM_PATHS.stdout, sinks.stdout],
      [STREAM_PATHS.stderr, sinks.stderr],
    ]);
  }

  /** Writes to a device; false when `path` is not one. */
  #write(path: string, content: string | Uint8Array, options: ShellEncodingOption): boolean {
    const sink = this.#devices.get(path);
    if (sink === undefined) return false;
    const bytes = bytesOf(content, encodingOf(options));
    if (bytes.length > 0) sink(bytes);
    return true;
  }

  #stat(): ShellFileStat {
    return {
      isFile: true,
      isDirectory: false,
      isSymbolicLink: false,
      mode: 0o666,
      size: 0,
      mtime: new Date(0),
    };
  }

  override async appendFile(
    path: string,
    content: string | Uint8Array,
    options?: ShellEncodingOption,
  ) {
    if (!this.#write(path, content, options)) await super.appendFile(path, content, options);
  }

  override async writeFile(
    path: string,
    content: string | Uint8Array,
    options?: ShellEncodingOption,
  ) {
    if (!this.#write(path, content, options)) await super.writeFile(path, content, options);
  }

  override async readFile(path: string, options?: ShellEncodingOption): Promise<string> {
    return this.#devices.has(path) ? "" : await super.readFile(path, options);
  }

  override async readFileBuffer(path: string): Promise<Uint8Array> {
    return this.#devices.has(path) ? new Uint8Array(0) : await super.readFileBuffer(path);
  }

  override async exists(path: string): Promise<boolean> {
    return this.#devices.has(path) || await super.exists(path);
  }

  override async stat(path: string): Promise<ShellFileStat> {
    return this.#devices.has(path) ? this.#stat() : await super.stat(path);
  }

  override async lstat(path: string): Promise<ShellFileStat> {
    return this.#devices.has(path) ? this.#stat() : await super.lstat(path);
  }
}
