/**
 * A real HTTP test server on 127.0.0.1 (port 0), with the endpoints the
 * HttpFs/HttpExecutor specifications need. Counts hits per key on the
 * server side, so retries are observed where they happen.
 */

export interface TestHttpServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Hits per key (endpoint-defined). */
  hits: Map<string, number>;
  /** Headers of every request, in order, for credential checks. */
  seenHeaders: Headers[];
  /** The URL of every request, in order. */
  seenUrls: string[];
  /** The bodies `/echo` received, as text, in order. */
  seenBodies: string[];
  /** The most requests the server handled at once. */
  maxConcurrent: () => number;
  /** Bytes the `/stream` endpoint has produced so far, over all its requests. */
  streamed: () => number;
  /** How many `/stream` bodies the client cancelled before their end. */
  streamsCancelled: () => number;
  /** Resolves at the next cancel of a `/stream` body (for `until`). */
  nextStreamCancel: (signal?: AbortSignal) => Promise<void>;
  close(): Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Deterministic bytes 0..255 repeated, for the large binary endpoint. */
export function patternBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** The pattern repeats every 256 bytes, so one block serves every aligned chunk. */
const PATTERN_BLOCK = patternBytes(64 * 1024);

/**
 * A stream of `n` pattern bytes, made on demand (`pull`) in 64 KiB chunks,
 * so that neither side holds more than a chunk; `onChunk` counts them.
 */
export function patternStream(
  n: number,
  onChunk: (bytes: number) => void = () => {},
  onCancel: () => void = () => {},
): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= n) return c.close();
      const len = Math.min(PATTERN_BLOCK.length, n - sent);
      c.enqueue(PATTERN_BLOCK.slice(0, len));
      sent += len;
      onChunk(len);
    },
    cancel: onCancel,
  }, { highWaterMark: 0 });
}

/**
 * Checks that `body` is `patternBytes(size)` chunk by chunk, without
 * holding it: the number of bytes, and the offset of the first byte that
 * differs (-1 when none does).
 */
export async function checkPattern(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<{ bytes: number; firstMismatch: number }> {
  let at = 0;
  let firstMismatch = -1;
  for await (const chunk of body) {
    if (firstMismatch === -1) {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== ((at + i) * 31 + 7 & 0xff)) {
          firstMismatch = at + i;
          break;
        }
      }
    }
    at += chunk.length;
  }
  return { bytes: at, firstMismatch };
}

/**
 * Endpoints:
 * - `/echo`: JSON of method, path, headers and the body (text and base64)
 * - `/echo-bin`: the request body bytes, streamed back as application/octet-stream
 * - `/echo-chunked?chunk=N`: records the request body (in `seenBodies`) and sends it back in
 *   chunks of N bytes, without a Content-Length
 * - `/sink`: reads the request body as it comes and answers JSON
 *   `{bytes, firstMismatch}` against `patternBytes` (see `checkPattern`)
 * - `/stream?bytes=N&length=1`: N pattern bytes made on demand (chunked;
 *   with `length=1`, a Content-Length is sent)
 * - `/slow?ms=N`: answers after N ms
 * - `/flaky/KEY`: 503 twice per KEY, then 200
 * - `/retry-after/KEY?s=S&status=429`: S as Retry-After once per KEY, then 200
 * - `/status/CODE/KEY`: always CODE
 * - `/large?bytes=N`: N bytes of `patternBytes`
 * - `/redirect?to=URL&status=302`: a redirect
 * - `/ok?wait=MS`: "ok" (after MS milliseconds)
 */
export function startHttpServer(): TestHttpServer {
  const hits = new Map<string, number>();
  const seenHeaders: Headers[] = [];
  const seenUrls: string[] = [];
  const seenBodies: string[] = [];
  let active = 0;
  let maxActive = 0;
  let streamed = 0;
  let cancelled = 0;
  const cancelWaiters = new Set<() => void>();
  const nextStreamCancel = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        cancelWaiters.delete(done);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        cancelWaiters.delete(done);
        reject(signal!.reason);
      };
      cancelWaiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  const hit = (key: string) => {
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    return n;
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      return await handle(req);
    } finally {
      active--;
    }
  });
  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const parts = url.pathname.split("/").filter(Boolean);
    seenHeaders.push(new Headers(req.headers));
    seenUrls.push(req.url);
    switch (parts[0]) {
      case "ok":
        hit("ok");
        if (url.searchParams.has("wait")) {
          await sleep(Number(url.searchParams.get("wait")), req.signal);
        }
        return new Response("ok");
      case "echo": {
        hit("echo");
        const bytes = new Uint8Array(await req.arrayBuffer());
        seenBodies.push(new TextDecoder().decode(bytes));
        return Response.json({
          method: req.method,
          path: url.pathname + url.search,
          headers: Object.fromEntries(req.headers),
          body: new TextDecoder().decode(bytes),
          bodyBase64: bytes.toBase64(),
        });
      }
      case "echo-bin":
        return new Response(req.body, { headers: { "content-type": "application/octet-stream" } });
      case "echo-chunked": {
        const bytes = new Uint8Array(await req.arrayBuffer());
        seenBodies.push(new TextDecoder().decode(bytes));
        const size = Number(url.searchParams.get("chunk") ?? "1000");
        let at = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(c) {
            if (at >= bytes.length) return c.close();
            c.enqueue(bytes.slice(at, at += size));
          },
        });
        return new Response(body, { headers: { "content-type": "application/octet-stream" } });
      }
      case "sink":
        return Response.json(await checkPattern(req.body ?? new ReadableStream()));
      case "stream": {
        const n = Number(url.searchParams.get("bytes") ?? "0");
        const headers: Record<string, string> = { "content-type": "application/octet-stream" };
        if (url.searchParams.get("length") === "1") headers["content-length"] = String(n);
        const body = patternStream(n, (k) => (streamed += k), () => {
          cancelled++;
          for (const w of [...cancelWaiters]) w();
        });
        return new Response(body, { headers });
      }
      case "slow": {
        hit("slow");
        await sleep(Number(url.searchParams.get("ms") ?? "1000"), req.signal);
        return new Response("slow done");
      }
      case "flaky": {
        const n = hit(`flaky/${parts[1]}`);
        return n <= 2 ? new Response("try again", { status: 503 }) : new Response("finally");
      }
      case "retry-after": {
        const n = hit(`retry-after/${parts[1]}`);
        if (n === 1) {
          return new Response("slow down", {
            status: Number(url.searchParams.get("status") ?? "429"),
            headers: { "retry-after": url.searchParams.get("s") ?? "1" },
          });
        }
        return new Response("thanks for waiting");
      }
      case "status": {
        hit(`status/${parts[1]}/${parts[2] ?? ""}`);
        return new Response(`status ${parts[1]}`, { status: Number(parts[1]) });
      }
      case "large": {
        const n = Number(url.searchParams.get("bytes") ?? "1048576");
        return new Response(patternBytes(n), {
          headers: { "content-type": "application/octet-stream" },
        });
      }
      case "redirect":
        hit("redirect");
        return new Response(null, {
          status: Number(url.searchParams.get("status") ?? "302"),
          headers: { location: url.searchParams.get("to")! },
        });
      default:
        return new Response("not found", { status: 404 });
    }
  }
  const port = server.addr.port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    seenHeaders,
    seenUrls,
    seenBodies,
    maxConcurrent: () => maxActive,
    streamed: () => streamed,
    streamsCancelled: () => cancelled,
    nextStreamCancel,
    close: () => server.shutdown(),
  };
}

/**
 * A TCP server that reads a request and then drops the connection without
 * answering: the client sees a connection reset / closed before a response.
 */
export function startResetServer(): {
  origin: string;
  connections: () => number;
  close(): Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let count = 0;
  const open = new Set<Promise<void>>();
  const loop = (async () => {
    for await (const conn of listener) {
      count++;
      const p = (async () => {
        try {
          await conn.read(new Uint8Array(4096));
        } catch { /* ignore */ }
        try {
          conn.close();
        } catch { /* ignore */ }
      })();
      open.add(p);
      p.finally(() => open.delete(p));
    }
  })().catch(() => {});
  return {
    origin: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    connections: () => count,
    close: async () => {
      listener.close();
      await loop;
      await Promise.all(open);
    },
  };
}

/** A loopback port with nothing listening (connection refused). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
