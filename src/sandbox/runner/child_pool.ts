/**
 * Children started ahead of their runs, for a host that runs many (a
 * benchmark, a worker): each waits, its runtime loaded and its workers
 * started, for the bootstrap of one run. No wall is weakened: a child is
 * started with exactly the grant of the runs it may serve (children are
 * kept apart by their command line, which holds the grant), serves one run
 * and exits; nothing survives between runs but the code they share.
 *
 * @module
 */

import type { ChildCommand } from "./child_command.ts";
import { spawnChild, type SpawnedChild } from "./child_session.ts";

/**
 * Options for a {@linkcode ChildPool}.
 *
 * @example
 * ```ts
 * import type { ChildPoolOptions } from "@oanix/oanix";
 * const opts: ChildPoolOptions = { size: 2 };
 * ```
 */
export interface ChildPoolOptions {
  /**
   * Children kept ready, in all (default 2): after a run of one kind takes
   * a child, one of that kind is started; past the size, the longest-waiting
   * children of other kinds are stopped.
   */
  size?: number;
}

/**
 * How a pool has served.
 *
 * @example
 * ```ts
 * import type { ChildPoolStats } from "@oanix/oanix";
 * const s: ChildPoolStats = { started: 3, takenReady: 2, idle: 1 };
 * ```
 */
export interface ChildPoolStats {
  /** Children started, in all. */
  started: number;
  /** Runs served by a child that was already waiting. */
  takenReady: number;
  /** Children waiting now. */
  idle: number;
}

/**
 * A pool of children started ahead of their runs. Give it to
 * `runSandboxed` (`RunOptions.pool`) and close it when done.
 *
 * @example
 * ```ts ignore
 * import { ChildPool, loadManifest, runSandboxed } from "@oanix/oanix";
 * const pool = new ChildPool({ size: 2 });
 * const manifest = await loadManifest("env.yaml");
 * try {
 *   for (let i = 0; i < 10; i++) await runSandboxed(manifest, { pool, outDir: `out/${i}` });
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class ChildPool {
  readonly #size: number;
  readonly #ready = new Map<string, SpawnedChild[]>();
  readonly #starting = new Set<Promise<void>>();
  readonly #retiring = new Set<Promise<void>>();
  #closed = false;
  #stats = { started: 0, takenReady: 0 };

  /**
   * Makes an empty pool.
   *
   * @param options how many children to keep ready per kind of run
   * @throws {TypeError} for a size that is not an integer from 1
   */
  constructor(options: ChildPoolOptions = {}) {
    const size = options.size ?? 2;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new TypeError(`ChildPool: size must be an integer ≥ 1, got ${String(size)}`);
    }
    this.#size = size;
  }

  /** How the pool has served so far. */
  stats(): ChildPoolStats {
    return { ...this.#stats, idle: this.#idleCount() };
  }

  /**
   * A child for a run whose command line (minus its per-run parts) is
   * `key`: one that is waiting when there is one, else a new one; then the
   * pool starts replacements up to its size. `make` prepares a command.
   *
   * @throws {Error} once the pool is closed.
   */
  async take(key: string, make: () => Promise<ChildCommand>): Promise<SpawnedChild> {
    if (this.#closed) throw new Error("ChildPool: the pool is closed");
    const list = this.#ready.get(key) ?? [];
    this.#ready.set(key, list);
    let child = list.shift();
    while (child !== undefined && child.exited) {
      await retire(child);
      child = list.shift();
    }
    if (child !== undefined) this.#stats.takenReady++;
    else {
      child = spawnChild(await make());
      this.#stats.started++;
    }
    this.#refill(key, make);
    return child;
  }

  #refill(key: string, make: () => Promise<ChildCommand>): void {
    const list = this.#ready.get(key)!;
    const wanted = Math.min(1, this.#size - list.length);
    // Room for it, from the children of other kinds that have waited longest.
    while (wanted > 0 && this.#idleCount() + this.#starting.size >= this.#size) {
      const oldest = this.#oldestElsewhere(key);
      if (oldest === undefined) return;
      const retiring: Promise<void> = retire(oldest).finally(() => {
        this.#retiring.delete(retiring);
      });
      this.#retiring.add(retiring);
    }
    for (let i = 0; i < wanted; i++) {
      const starting: Promise<void> = make().then((cmd) => {
        this.#starting.delete(starting);
        const child = spawnChild(cmd);
        this.#stats.started++;
        if (this.#closed) return retire(child);
        list.push(child);
      }, () => {
        this.#starting.delete(starting);
      });
      this.#starting.add(starting);
    }
  }

  #idleCount(): number {
    let n = 0;
    for (const list of this.#ready.values()) n += list.length;
    return n;
  }

  /** Takes the longest-waiting child of another kind than `key` off its list. */
  #oldestElsewhere(key: string): SpawnedChild | undefined {
    let best: { list: SpawnedChild[]; child: SpawnedChild } | undefined;
    for (const [k, list] of this.#ready) {
      if (k === key || list.length === 0) continue;
      if (best === undefined || list[0].startedAt < best.child.startedAt) {
        best = { list, child: list[0] };
      }
    }
    best?.list.shift();
    return best?.child;
  }

  /** Stops every waiting child and removes its folders; the pool takes nothing more. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#starting, ...this.#retiring]);
    const idle = [...this.#ready.values()].flat();
    this.#ready.clear();
    await Promise.all(idle.map(retire));
  }
}

/** Ends a child that never served a run, and removes its folders. */
async function retire(child: SpawnedChild): Promise<void> {
  try {
    child.process.kill("SIGKILL");
  } catch { /* already gone */ }
  await child.process.status;
  await Promise.all([
    child.process.stdin.abort().catch(() => {}),
    child.process.stdout.cancel().catch(() => {}),
    child.process.stderr.cancel().catch(() => {}),
  ]);
  await child.cmd.cleanup();
}
