/**
 * What a JS/TS agent module receives: its namespace and the file helpers
 * bound to it, so an agent needs no imports (a sandboxed agent may read
 * only its own file).
 *
 * @module
 */

import { readFile, readJson, readText, writeFile, writeText } from "../../fs/file_io.ts";
import type { Namespace } from "../../namespace/namespace.ts";
import type { FileService } from "../../fs/types.ts";
import type { AgentShellResult } from "./agent_host.ts";

/**
 * Options of an agent's `env.shell(script, options)`.
 *
 * @example
 * ```ts
 * import type { AgentShellOptions } from "@oanix/oanix";
 * const o: AgentShellOptions = { cwd: "/workspace", args: ["a.txt"] };
 * ```
 */
export interface AgentShellOptions {
  /** The working directory (default `/workspace` when mounted, else `/`). */
  cwd?: string;
  /** Variables for the script. */
  env?: Record<string, string>;
  /** `$1`, `$2`, ... */
  args?: string[];
  /** Standard input. */
  stdin?: string;
}

/**
 * The environment an agent module's default export is called with.
 *
 * @example
 * ```ts
 * import type { AgentEnvironment } from "@oanix/oanix";
 * export default function agent(env: AgentEnvironment) {
 *   const spec = env.readJson("/task/spec.json");
 *   env.writeText("/task/result.json", JSON.stringify({ seen: spec }));
 * }
 * ```
 */
export interface AgentEnvironment {
  /**
   * The namespace: the agent's whole world. In the sandbox it is a proxy
   * over the worker's RPC with the same methods.
   */
  namespace: FileService;
  /** The program's arguments. */
  args: string[];
  /** The program's environment variables (never the host's). */
  env: Record<string, string>;
  /** Reads a whole file of the namespace. */
  readFile(path: string): Uint8Array;
  /** Reads a whole file of the namespace as text. */
  readText(path: string): string;
  /** Reads and parses a JSON file of the namespace. */
  readJson(path: string): unknown;
  /** Creates or replaces a file of the namespace. */
  writeFile(path: string, data: Uint8Array | string): void;
  /** Creates or replaces a file of the namespace with text. */
  writeText(path: string, text: string): void;
  /**
   * Runs a bash script with OANIX's shell over the namespace (never the
   * host), blocking until it ends. Present only for a sandboxed agent whose
   * manifest says `program.with_shell: true`; bounded by the program's
   * shell limits and the run's time.
   */
  shell?: (script: string, options?: AgentShellOptions) => AgentShellResult;
}

/**
 * The environment for an agent over `namespace`.
 *
 * @example
 * ```ts
 * import { agentEnvironment, MemFs, Namespace } from "@oanix/oanix";
 * const ns = Namespace.builder().mount("/tmp", new MemFs()).build();
 * const env = agentEnvironment(ns, [], {});
 * env.writeText("/tmp/a.txt", "hi");
 * console.log(env.readText("/tmp/a.txt")); // "hi"
 * ```
 */
export function agentEnvironment(
  namespace: Namespace,
  args: string[],
  env: Record<string, string>,
): AgentEnvironment {
  return {
    namespace,
    args,
    env,
    readFile: (path) => readFile(namespace, path),
    readText: (path) => readText(namespace, path),
    readJson: (path) => readJson(namespace, path),
    writeFile: (path, data) => writeFile(namespace, path, data),
    writeText: (path, text) => writeText(namespace, path, text),
  };
}
