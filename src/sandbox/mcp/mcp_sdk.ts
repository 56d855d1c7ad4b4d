/**
 * The Model Context Protocol's official SDK, loaded when `oanix mcp` first
 * needs it: its package (and its dependencies) stays out of the library's
 * module graph and lock, which most users never need. Only the parts used
 * here are typed.
 *
 * @module
 */

/** The SDK's version this package is tested with. */
export const MCP_SDK = "npm:@modelcontextprotocol/sdk@1.32.2";

/** A request as the SDK hands it to a handler. */
export interface McpRequest {
  /** The request's parameters. */
  params: Record<string, unknown>;
}

/** A transport: the SDK's stdio one here. */
export interface McpTransport {
  /** Closes it (the server's `onclose` then runs). */
  close(): Promise<void>;
}

/** The SDK's low-level server. */
export interface McpServer {
  /** Answers one kind of request. */
  setRequestHandler(schema: unknown, handler: (request: McpRequest) => unknown): void;
  /** Serves over `transport`. */
  connect(transport: McpTransport): Promise<void>;
  /** Stops serving. */
  close(): Promise<void>;
  /** Called when the connection closes. */
  onclose?: () => void;
  /** Called on a protocol error. */
  onerror?: (error: Error) => void;
}

/** What `oanix mcp` takes from the SDK. */
export interface McpSdk {
  /** The low-level server. */
  Server: new (
    info: { name: string; version: string },
    options: { capabilities: Record<string, unknown>; instructions?: string },
  ) => McpServer;
  /** The stdio transport over a Node readable and writable stream. */
  StdioServerTransport: new (stdin?: unknown, stdout?: unknown) => McpTransport;
  /** The request schemas the handlers are for. */
  schemas: {
    listTools: unknown;
    callTool: unknown;
    listResources: unknown;
    readResource: unknown;
  };
}

let loading: Promise<McpSdk> | undefined;

/**
 * Loads the SDK (fetched from npm on first use, like any `npm:` import).
 *
 * @throws when it cannot be loaded (offline on first use, say), saying so.
 *
 * @example
 * ```ts ignore
 * const sdk = await loadMcpSdk();
 * const server = new sdk.Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
 * ```
 */
export function loadMcpSdk(): Promise<McpSdk> {
  // Computed specifiers: the package joins the graph only when this runs.
  const load = (path: string) => import([MCP_SDK, path].join("/"));
  return loading ??= Promise.all([
    load("server/index.js"),
    load("server/stdio.js"),
    load("types.js"),
  ]).then(([server, stdio, types]) => ({
    Server: server.Server,
    StdioServerTransport: stdio.StdioServerTransport,
    schemas: {
      listTools: types.ListToolsRequestSchema,
      callTool: types.CallToolRequestSchema,
      listResources: types.ListResourcesRequestSchema,
      readResource: types.ReadResourceRequestSchema,
    },
  })).catch((e) => {
    loading = undefined;
    throw new Error(
      `cannot load the MCP SDK (${MCP_SDK}): ${e instanceof Error ? e.message : e}`,
    );
  });
}
