/**
 * A real Nostr relay for tests: `@nostr-relay/core` in-process, served
 * over WebSocket by `Deno.serve` on 127.0.0.1 (port 0), with an in-memory
 * event repository.
 */

import { NostrRelay } from "@nostr-relay/core";
import { EventRepository } from "@nostr-relay/common";
import { type Filter, matchFilter } from "nostr-tools/filter";
import type { NostrEvent } from "nostr-tools/pure";
import { closeAll } from "./sockets.ts";

class MemoryRepository extends EventRepository {
  events = new Map<string, NostrEvent>();
  isSearchSupported(): boolean {
    return false;
  }
  upsert(event: NostrEvent) {
    const isDuplicate = this.events.has(event.id);
    this.events.set(event.id, event);
    return { isDuplicate };
  }
  find(filter: Filter): NostrEvent[] {
    const out = [...this.events.values()].filter((e) => matchFilter(filter, e));
    out.sort((a, b) => b.created_at - a.created_at);
    return filter.limit === undefined ? out : out.slice(0, filter.limit);
  }
  destroy(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestRelay {
  /** `ws://127.0.0.1:PORT/` */
  url: string;
  /** Every stored event. */
  stored(): NostrEvent[];
  /** Client sockets accepted so far. */
  accepted(): number;
  /** Client sockets open now. */
  open(): number;
  /** Raw messages received from clients, for protocol checks. */
  received: unknown[][];
  /** Resolves once a received message satisfies `match`. */
  receivedMatching(match: (m: unknown[]) => boolean, ms?: number): Promise<void>;
  /** Closes every client socket (the clients should reconnect). */
  dropAll(): Promise<void>;
  close(): Promise<void>;
}

/** `refuse` returns a reason to refuse an event (the relay answers OK false). */
export function startRelay(
  options: { refuse?: (event: NostrEvent) => string | undefined } = {},
): TestRelay {
  const repo = new MemoryRepository();
  const relay = new NostrRelay(repo, {
    filterResultCacheTtl: 0,
    eventHandlingResultCacheTtl: 0,
    logLevel: 3,
  });
  const refuse = options.refuse;
  if (refuse !== undefined) {
    relay.register({
      beforeHandleEvent(event: NostrEvent) {
        const why = refuse(event);
        return why === undefined ? { canHandle: true } : { canHandle: false, message: why };
      },
    });
  }
  const received: unknown[][] = [];
  const watchers = new Set<() => void>();
  let accepted = 0;
  const sockets = new Map<WebSocket, Promise<void>>();
  const work = new Set<Promise<unknown>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (req.headers.get("upgrade") !== "websocket") return new Response("relay", { status: 426 });
    const { socket, response } = Deno.upgradeWebSocket(req);
    const client = socket as unknown as Parameters<typeof relay.handleConnection>[0];
    accepted++;
    sockets.set(
      socket,
      new Promise<void>((r) => socket.addEventListener("close", () => r(), { once: true })),
    );
    socket.onopen = () => relay.handleConnection(client);
    socket.onclose = () => {
      sockets.delete(socket);
      relay.handleDisconnect(client);
    };
    socket.onmessage = (e) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (!Array.isArray(msg)) return;
      received.push(msg);
      for (const w of [...watchers]) w();
      // deno-lint-ignore no-explicit-any
      const p = relay.handleMessage(client, msg as any).catch(() => {});
      work.add(p);
      p.finally(() => work.delete(p));
    };
    return response;
  });
  return {
    url: `ws://127.0.0.1:${server.addr.port}/`,
    stored: () => [...repo.events.values()],
    accepted: () => accepted,
    open: () => sockets.size,
    received,
    receivedMatching: (match, ms = 3000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!received.some(match)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error("timed out waiting for a relay message"));
        }, ms);
        watchers.add(check);
        check();
      }),
    dropAll: () => closeAll(sockets, 1012, "restart"),
    close: async () => {
      await closeAll(sockets, 1001, "relay going away");
      await Promise.all(work);
      await server.shutdown();
      await relay.destroy();
    },
  };
}
