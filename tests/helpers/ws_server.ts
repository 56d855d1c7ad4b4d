import { closeAll } from "./sockets.ts";

/**
 * A real WebSocket test server on 127.0.0.1 (port 0).
 *
 * - `/echo`: sends back every message with its kind (text or binary)
 * - `/close-after?n=N`: echoes N messages, then closes with 4000 "bye"
 * - `/hang`: never answers the upgrade (for connect timeouts)
 */
export interface TestWsServer {
  origin: string;
  /** Sockets accepted so far. */
  accepted: () => number;
  /** Sockets open right now (server side). */
  open: () => number;
  /** Closes every server-side socket (for reconnect tests). */
  dropAll(): Promise<void>;
  close(): Promise<void>;
}

export function startWsServer(): TestWsServer {
  let accepted = 0;
  const sockets = new Map<WebSocket, Promise<void>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/hang") {
      await new Promise<void>((r) =>
        req.signal.addEventListener("abort", () => r(), { once: true })
      );
      return new Response("gave up", { status: 408 });
    }
    if (req.headers.get("upgrade") !== "websocket") return new Response("ws only", { status: 400 });
    const { socket, response } = Deno.upgradeWebSocket(req);
    accepted++;
    const limit = url.pathname === "/close-after" ? Number(url.searchParams.get("n") ?? "1") : -1;
    let seen = 0;
    sockets.set(
      socket,
      new Promise<void>((r) => socket.addEventListener("close", () => r(), { once: true })),
    );
    socket.addEventListener("close", () => sockets.delete(socket));
    socket.onmessage = (e) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(e.data);
      if (limit >= 0 && ++seen >= limit) socket.close(4000, "bye");
    };
    return response;
  });
  const port = server.addr.port;
  return {
    origin: `ws://127.0.0.1:${port}`,
    accepted: () => accepted,
    open: () => sockets.size,
    dropAll: () => closeAll(sockets, 1012, "restart"),
    close: async () => {
      await closeAll(sockets, 1001, "server going away");
      await server.shutdown();
    },
  };
}
