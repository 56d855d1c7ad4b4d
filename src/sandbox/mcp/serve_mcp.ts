/**
 * `oanix mcp`: an environment served to an MCP client over stdio. The
 * environment starts exactly as for `oanix run` (the same permission-mapped
 * child, limits and output folder), with no program: the client is the
 * agent. Its tools (read, write, edit, list, glob, grep, bash, task,
 * set_result, http_request) run in the child over the namespace; its
 * files are resources. When the client disconnects (or the session's time
 * is up) the run ends and is collected like any run.
 *
 * @module
 */

import process from "node:process";
import { describeValue } from "../../services/json_value.ts";
import type { Manifest } from "../manifest/manifest.ts";
import type { RunOptions, RunReport, ToolChannel } from "../runner/run_types.ts";
import { runSandboxed } from "../runner/runner.ts";
import { RESOURCE_LIST, RESOURCE_READ, toolsFor } from "../tools/tool_specs.ts";
import { VERSION } from "../cli/version.ts";
import { loadMcpSdk, type McpSdk, type McpServer } from "./mcp_sdk.ts";

/** A session's length when none is given: an hour. */
export const DEFAULT_SESSION_SECS = 3600;
/** The scheme of the resources' URIs: `oanix:///workspace/src/a.ts`. */
const SCHEME = "oanix://";

/**
 * Options of {@linkcode serveMcp}: a run's, and the session's.
 *
 * @example
 * ```ts
 * import type { McpOptions } from "@oanix/oanix";
 * const o: McpOptions = { outDir: "out/session", timeoutSecs: 1800 };
 * ```
 */
export interface McpOptions extends Pick<RunOptions, "outDir" | "apply" | "signal" | "onProgress"> {
  /** How long the session may last, in seconds (default an hour). Each call is bounded by the manifest's limits. */
  timeoutSecs?: number;
  /** Where the client's messages come from: a Node readable stream (default: this process's stdin). */
  input?: unknown;
  /** Where the answers go: a Node writable stream (default: this process's stdout). */
  output?: unknown;
}

/** Node's stream events, as far as they are used here. */
interface Emitter {
  once(event: string, listener: () => void): void;
}

function text(t: string, isError = false) {
  return { content: [{ type: "text", text: t }], ...(isError ? { isError: true } : {}) };
}

function instructionsFor(manifest: Manifest): string {
  const mounts = Object.entries(manifest.mounts)
    .map(([point, m]) => `${point} (${m.type}${"mode" in m && m.mode ? `, ${m.mode}` : ""})`);
  return `You work inside an OANIX environment: its namespace is all you can see or change ` +
    `(${mounts.join(", ")}). Paths are the environment's; relative ones start at /workspace. ` +
    `The bash tool runs OANIX's own shell over these files, never the host's. ` +
    `Changes to a cow workspace are kept until the session ends, then given to the user ` +
    `as a diff to review.${
      manifest.task ? " Read the task with the task tool; finish with set_result." : ""
    }`;
}

/** The MCP server over one session's tool channel. */
function mcpServer(sdk: McpSdk, manifest: Manifest, tools: ToolChannel): McpServer {
  const offered = toolsFor(manifest);
  const names = new Set(offered.map((t) => t.name));
  const server = new sdk.Server(
    { name: "oanix", version: VERSION },
    { capabilities: { tools: {}, resources: {} }, instructions: instructionsFor(manifest) },
  );
  server.setRequestHandler(sdk.schemas.listTools, () => ({
    tools: offered.map(({ name, description, inputSchema }) => ({
      name,
      description,
      inputSchema,
    })),
  }));
  server.setRequestHandler(sdk.schemas.callTool, async ({ params }) => {
    const name = String(params.name);
    if (!names.has(name)) return text(`no such tool: ${name}`, true);
    try {
      const answer = await tools.call(name, params.arguments ?? {});
      return text(answer.text, answer.isError);
    } catch (e) {
      return text(`the environment has ended: ${e instanceof Error ? e.message : e}`, true);
    }
  });
  server.setRequestHandler(sdk.schemas.listResources, async () => {
    const answer = await tools.call(RESOURCE_LIST, {});
    if (answer.isError) throw new Error(answer.text);
    return {
      resources: answer.text.split("\n").filter((p) => p !== "").map((path) => ({
        uri: `${SCHEME}${path}`,
        name: path,
        mimeType: "text/plain",
      })),
    };
  });
  server.setRequestHandler(sdk.schemas.readResource, async ({ params }) => {
    const uri = String(params.uri);
    if (!uri.startsWith(`${SCHEME}/`)) {
      throw new Error(`not a resource of this environment: ${uri}`);
    }
    const answer = await tools.call(RESOURCE_READ, { path: decodeURI(uri.slice(SCHEME.length)) });
    if (answer.isError) throw new Error(answer.text);
    return { contents: [{ uri, mimeType: "text/plain", text: answer.text }] };
  });
  return server;
}

/**
 * Serves `manifest`'s environment to an MCP client over stdio until the
 * client disconnects or the session's time is up; resolves with the run's
 * report (the output folder holds the changes and `changes.diff`; with
 * `apply`, a completed session's changes are written to the workspace).
 * Nothing but MCP messages is written to the output stream.
 *
 * @throws {RunRefusedError} when the manifest cannot run (it has a program,
 * a folder is missing, ...), listing every problem.
 * @throws {TypeError} for bad options.
 *
 * @example
 * ```ts ignore
 * import { loadManifest, serveMcp } from "@oanix/oanix";
 * const report = await serveMcp(await loadManifest("env.yaml"), { outDir: "out/mcp" });
 * console.error(report.outcome, report.changes.length);
 * ```
 */
export async function serveMcp(manifest: Manifest, options: McpOptions = {}): Promise<RunReport> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`serveMcp: options must be an object, got ${describeValue(options)}`);
  }
  const sdk = await loadMcpSdk();
  const input = (options.input ?? process.stdin) as Emitter;
  const output = options.output ?? process.stdout;
  let server: McpServer | undefined;
  const report = await runSandboxed(manifest, {
    ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
    ...(options.apply === undefined ? {} : { apply: options.apply }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    session: {
      timeoutSecs: options.timeoutSecs ?? DEFAULT_SESSION_SECS,
      onReady: (tools) => {
        server = mcpServer(sdk, manifest, tools);
        const transport = new sdk.StdioServerTransport(input, output);
        // The client is gone when its end of the input closes: the session ends with it.
        server.onclose = () => tools.end();
        const closed = () => void transport.close().catch(() => {});
        input.once("end", closed);
        input.once("close", closed);
        server.connect(transport).catch(() => tools.end());
      },
    },
  });
  await server?.close().catch(() => {});
  return report;
}
