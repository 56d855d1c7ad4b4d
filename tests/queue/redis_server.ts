/**
 * A real `redis-server` for a test: on 127.0.0.1, a free port, its data in
 * a temporary folder (append-only file on, so a restart loses nothing),
 * stopped and removed by the test itself. When Debian's redis-server is not
 * installed, tests that need it are skipped with a message, unless
 * OANIX_REQUIRE_REDIS=1 (CI), where they fail.
 */

/** Where `tools/setup_test.ts` installs it (TEST_PACKAGES). */
export const REDIS_SERVER = "/usr/bin/redis-server";

/** Whether redis-server is installed. */
export function redisInstalled(): boolean {
  try {
    return Deno.statSync(REDIS_SERVER).isFile;
  } catch {
    return false;
  }
}

const required = Deno.env.get("OANIX_REQUIRE_REDIS") === "1";
let told = false;

/**
 * `Deno.test` for a test that needs Redis: ignored (with one line saying
 * why) when redis-server is missing, unless Redis is required.
 */
export function redisTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  const missing = !redisInstalled();
  if (missing && !required && !told) {
    told = true;
    console.error(
      `oanix tests: ${REDIS_SERVER} is missing (apt-get install redis-server, or ` +
        `deno task setup-test as root); skipping the tests that need Redis`,
    );
  }
  Deno.test({
    name,
    ignore: missing && !required,
    fn: missing
      ? () => {
        throw new Error(`OANIX_REQUIRE_REDIS=1 but ${REDIS_SERVER} is missing`);
      }
      : fn,
  });
}

/** A running Redis, for one test. */
export interface RedisServer {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its data folder. */
  readonly dir: string;
  /** `redis://127.0.0.1:PORT/NAME`. */
  url(name: string): string;
  /** Stops it (SIGTERM: it writes its append-only file first) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function answersPing(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buf = new Uint8Array(64);
      const n = await conn.read(buf);
      return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

function spawn(port: number, dir: string): Deno.ChildProcess {
  return new Deno.Command(REDIS_SERVER, {
    args: [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--logfile",
      `${dir}/redis.log`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function ready(port: number, dir: string, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < 100; i++) {
    if (await answersPing(port)) return;
    if (exited) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = await Deno.readTextFile(`${dir}/redis.log`).catch(() => "");
  throw new Error(`redis-server did not start on port ${port}:\n${log.slice(-2000)}`);
}

/** Starts redis-server on a free port, in a fresh temporary folder. */
export async function startRedis(): Promise<RedisServer> {
  const dir = await Deno.makeTempDir({ prefix: "oanix-redis-" });
  let port = freePort();
  let child = spawn(port, dir);
  try {
    await ready(port, dir, child);
  } catch {
    // The free port was taken meanwhile: once more on another.
    child.kill("SIGKILL");
    await child.status;
    port = freePort();
    child = spawn(port, dir);
    await ready(port, dir, child);
  }
  const halt = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone already */ }
    await child.status;
  };
  return {
    port,
    dir,
    url: (name) => `redis://127.0.0.1:${port}/${name}`,
    restart: async () => {
      await halt();
      child = spawn(port, dir);
      await ready(port, dir, child);
    },
    stop: async () => {
      await halt();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
