/**
 * Worker processes for tests: each a real `deno` process (worker_main.ts,
 * or `oanix worker`), its stdout read line by line, stopped by the test
 * (SIGTERM, or SIGKILL for the fault tests) and always awaited.
 */

const REPO = new URL("../../", import.meta.url).pathname;

/** A worker process and what it said. */
export interface WorkerProcess {
  /** Its process id. */
  readonly pid: number;
  /** Its stdout, a line at a time (JSON events for worker_main.ts). */
  readonly lines: string[];
  /** Resolves once it said `line` matches `test` (or rejects when it exits first). */
  saw(test: (line: string) => boolean, ms?: number): Promise<string>;
  /** Sends a signal (if it still runs). */
  kill(signal: Deno.Signal): void;
  /** Waits for its end and for its streams; returns its exit code. */
  ended(): Promise<number>;
}

/** Starts `deno ARGS` from the repository's folder, its stdout read line by line. */
export function startDeno(args: string[]): WorkerProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let stderr = "";
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const readOut = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
    if (rest) lines.push(rest);
  })();
  const readErr = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr = (stderr + chunk).slice(-20_000);
    }
  })();
  return {
    pid: child.pid,
    lines,
    saw: async (test, ms = 60_000) => {
      const end = Date.now() + ms;
      for (;;) {
        const hit = lines.find(test);
        if (hit !== undefined) return hit;
        if (exited) throw new Error(`the process ended first; stderr:\n${stderr}`);
        if (Date.now() > end) throw new Error(`not seen within ${ms} ms; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    kill: (signal) => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    },
    ended: async () => {
      const s = await status;
      await Promise.all([readOut, readErr]);
      return s.code;
    },
  };
}

/** A worker_main.ts process on `url`, with short leases. */
export function startTestWorker(url: string, store: string, concurrency = 1): WorkerProcess {
  return startDeno([
    "run",
    "-A",
    "--config",
    "tests/deno.json",
    "tests/queue/worker_main.ts",
    url,
    store,
    String(concurrency),
  ]);
}

/** An `oanix worker` process, as a user starts it. */
export function startCliWorker(url: string, store: string, concurrency = 1): WorkerProcess {
  return startDeno([
    "run",
    "-A",
    "--config",
    "tests/deno.json",
    "cli.ts",
    "worker",
    "--queue",
    url,
    "--store",
    store,
    "--concurrency",
    String(concurrency),
  ]);
}
