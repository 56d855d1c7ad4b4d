/**
 * OanixEnv: a namespace with an identity and a lifecycle.
 *
 * @module
 */

import type { FileService } from "../fs/types.ts";
import type { Namespace, NamespaceDescription } from "../namespace/namespace.ts";
import { assertInteger, describeValue } from "../services/json_value.ts";
import { checkTransition } from "../services/lifecycle.ts";
import { LogsFs } from "../services/logs_fs.ts";
import { TaskFs } from "../services/task_fs.ts";
import type { TaskState } from "../services/task_status.ts";
import type { WasiRunOptions } from "../wasi/context.ts";
import { runWasi, type WasiRunResult, type WasmSource } from "../wasi/wasi_runtime.ts";
import {
  ENV_TRANSITIONS,
  type EnvState,
  type EnvStatus,
  type EnvStatusInfo,
  validateEnvStatus,
} from "./env_status.ts";
import { forkNamespace, type ForkOptions } from "./snapshot/namespace_fork.ts";

/**
 * An environment as plain data: the namespace's mounts, plus the id, the
 * creation time and the status.
 *
 * @example
 * ```ts
 * import { EnvBuilder, MemFs } from "@oanix/oanix";
 * const d = new EnvBuilder().withId("env-1").mount("/tmp", new MemFs()).build().describe();
 * console.log(JSON.stringify(d.status)); // {"state":"created"}
 * ```
 */
export interface EnvDescription extends NamespaceDescription {
  /** The environment's id. */
  id: string;
  /** When it was built, in milliseconds since the epoch. */
  createdAt: number;
  /** Its status. */
  status: EnvStatus;
}

/**
 * Where an environment stands, for one made again from a snapshot or by
 * a fork: when it was built and its status.
 *
 * @example
 * ```ts
 * import type { EnvSnapshotState } from "./oanix_env.ts";
 * const state: EnvSnapshotState = { createdAt: 0, status: { state: "running", startedAt: 5 } };
 * ```
 */
export interface EnvSnapshotState {
  /** When it was built, in milliseconds since the epoch. */
  createdAt: number;
  /** Its status. */
  status: EnvStatus;
}

/**
 * How an environment is forked: as a namespace (see
 * {@linkcode ForkOptions}), plus the fork's id.
 *
 * @example
 * ```ts
 * import type { EnvForkOptions } from "./oanix_env.ts";
 * const opts: EnvForkOptions = { id: "trial-7", share: ["/cache"] };
 * ```
 */
export interface EnvForkOptions extends ForkOptions {
  /** The fork's id; by default the parent's with `-fork-N` added (N = 1, 2, ...). */
  id?: string;
}

/**
 * An agent environment: a {@linkcode Namespace} with an id, a creation
 * time and a lifecycle (created → running → completed(exit code) or
 * failed(error)). An illegal move throws
 * {@linkcode IllegalTransitionError} and changes nothing.
 *
 * When a {@linkcode TaskFs} is mounted at `/task`, the task follows the
 * environment: `setRunning()` sets it running, `setCompleted(0)` completes
 * it, and `setCompleted(n)` for n ≠ 0 or `setFailed(e)` fail it. Both
 * moves are checked before either is made; a task already in the target
 * state is left as it is; a task in a conflicting state (completed by hand
 * while the environment goes on running, say) makes the environment's move
 * throw, and nothing changes.
 *
 * Make one with {@linkcode EnvBuilder}.
 *
 * @example
 * ```ts
 * import { EnvBuilder, MemFs, TaskFs } from "@oanix/oanix";
 * const task = new TaskFs({ id: "t1", type: "demo", description: "", input: null });
 * const env = new EnvBuilder().mount("/task", task).mount("/tmp", new MemFs()).build();
 * env.setRunning();
 * console.log(task.status().status); // "running"
 * env.setCompleted(0);
 * console.log(env.isFinished(), task.status().status); // true "completed"
 * ```
 */
export class OanixEnv {
  /** The environment's id. */
  readonly id: string;
  /** The namespace the agent sees. */
  readonly namespace: Namespace;
  /** When it was built, in milliseconds since the epoch. */
  readonly createdAt: number;
  #status: EnvStatus = { state: "created" };
  #forks = 0;

  /**
   * Makes an environment in state `created` (prefer {@linkcode EnvBuilder}),
   * or, given `state`, one that stands where a saved one stood (for
   * snapshots and forks).
   *
   * @param id a non-empty id
   * @param namespace the namespace
   * @param state when it was built and its status; by default now and `created`
   * @throws {TypeError} for an empty id, a namespace that is not one, or a bad state.
   */
  constructor(id: string, namespace: Namespace, state?: EnvSnapshotState) {
    if (typeof id !== "string" || id.trim() === "") {
      throw new TypeError(`OanixEnv: id must be a non-empty string, got ${describeValue(id)}`);
    }
    if (
      namespace === null || typeof namespace !== "object" || typeof namespace.mounts !== "function"
    ) {
      throw new TypeError(
        `OanixEnv: namespace must be a Namespace, got ${describeValue(namespace)}`,
      );
    }
    this.id = id;
    this.namespace = namespace;
    this.createdAt = Date.now();
    if (state !== undefined) {
      if (state === null || typeof state !== "object") {
        throw new TypeError("OanixEnv: state must be an object");
      }
      if (typeof state.createdAt !== "number" || !Number.isFinite(state.createdAt)) {
        throw new TypeError("OanixEnv: state.createdAt must be milliseconds since the epoch");
      }
      this.createdAt = state.createdAt;
      this.#status = validateEnvStatus(state.status, "OanixEnv: state.status");
    }
  }

  /**
   * A new environment that starts where this one is now, independent of
   * it: its namespace is forked (see {@linkcode forkNamespace}: copy-on-write
   * and in-memory trees in constant time whatever they hold, the task and
   * the logs copied, read-only services shared, anything else shared or
   * replaced as the options say), its status is this one's, and it is
   * built now. This environment goes on unchanged. Forking a prepared
   * environment a thousand times costs a few milliseconds (see
   * docs/snapshots.md).
   *
   * @throws {TypeError} for a mount that cannot be forked (name it in
   * `share` or give a service in `mounts`), or a bad id.
   *
   * @example
   * ```ts
   * import { CowFs, EnvBuilder, MapFs, readText, TaskFs, writeText } from "@oanix/oanix";
   * const prepared = new EnvBuilder()
   *   .withId("bench")
   *   .mount("/task", new TaskFs({ id: "t1", type: "fix", description: "", input: null }))
   *   .mount("/workspace", new CowFs(MapFs.fromObject({ "/main.ts": "bug" })))
   *   .build();
   * const trials = [1, 2, 3].map(() => prepared.fork());
   * writeText(trials[0].namespace, "/workspace/main.ts", "fixed");
   * console.log(trials[0].id, readText(trials[1].namespace, "/workspace/main.ts")); // "bench-fork-1" "bug"
   * ```
   */
  fork(options: EnvForkOptions = {}): OanixEnv {
    if (options === null || typeof options !== "object") {
      throw new TypeError("OanixEnv.fork: options must be an object");
    }
    const { id, ...nsOptions } = options;
    if (id !== undefined && (typeof id !== "string" || id.trim() === "")) {
      throw new TypeError(`OanixEnv.fork: id must be a non-empty string, got ${describeValue(id)}`);
    }
    const namespace = forkNamespace(this.namespace, nsOptions);
    const forkId = id ?? `${this.id}-fork-${++this.#forks}`;
    return new OanixEnv(forkId, namespace, { createdAt: Date.now(), status: this.status() });
  }

  /** The current status (a copy). */
  status(): EnvStatus {
    return { ...this.#status };
  }

  /** The status with times, duration and mount points. */
  statusInfo(): EnvStatusInfo {
    const s = this.#status;
    const info: EnvStatusInfo = {
      id: this.id,
      state: s.state,
      createdAt: this.createdAt,
      mounts: this.namespace.mounts().map((m) => m.path),
    };
    if (s.state !== "created") info.startedAt = s.startedAt;
    if (s.state === "running") info.durationMs = Date.now() - s.startedAt;
    if (s.state === "completed" || s.state === "failed") {
      info.finishedAt = s.finishedAt;
      info.durationMs = s.finishedAt - s.startedAt;
    }
    if (s.state === "completed") info.exitCode = s.exitCode;
    if (s.state === "failed") info.error = s.error;
    return info;
  }

  /** True while running. */
  isRunning(): boolean {
    return this.#status.state === "running";
  }

  /** True once completed or failed. */
  isFinished(): boolean {
    return this.#status.state === "completed" || this.#status.state === "failed";
  }

  /** The service mounted exactly at `path`, if any. */
  mounted(path: string): FileService | undefined {
    const r = this.namespace.resolve(path);
    return r !== undefined && r.path === "/" && r.mountPoint === path ? r.service : undefined;
  }

  /** The TaskFs mounted at `/task`, if any. */
  task(): TaskFs | undefined {
    const svc = this.mounted("/task");
    return svc instanceof TaskFs ? svc : undefined;
  }

  /** The LogsFs mounted at `/logs`, if any. */
  logs(): LogsFs | undefined {
    const svc = this.mounted("/logs");
    return svc instanceof LogsFs ? svc : undefined;
  }

  /**
   * Created → running; a pending task at `/task` starts running too.
   *
   * @throws {IllegalTransitionError} from any other state, or when the task cannot follow.
   */
  setRunning(): void {
    this.#move("running", "running", (t) => t.setRunning(), () => ({
      state: "running",
      startedAt: Date.now(),
    }));
  }

  /**
   * Running → completed with `exitCode`. The task at `/task` completes when
   * the code is 0 and fails (`exited with code n`) otherwise.
   *
   * @throws {TypeError} when `exitCode` is not an integer.
   * @throws {IllegalTransitionError} from any state but running, or when the task cannot follow.
   */
  setCompleted(exitCode: number): void {
    assertInteger(exitCode, "OanixEnv.setCompleted: exitCode");
    const ok = exitCode === 0;
    this.#move(
      "completed",
      ok ? "completed" : "failed",
      (t) => (ok ? t.setCompleted() : t.setFailed(`exited with code ${exitCode}`)),
      (startedAt) => ({ state: "completed", exitCode, startedAt, finishedAt: Date.now() }),
    );
  }

  /**
   * Running → failed with `error`; the task at `/task` fails with it too.
   *
   * @throws {TypeError} when `error` is not a string.
   * @throws {IllegalTransitionError} from any state but running, or when the task cannot follow.
   */
  setFailed(error: string): void {
    if (typeof error !== "string") {
      throw new TypeError(
        `OanixEnv.setFailed: error must be a string, got ${describeValue(error)}`,
      );
    }
    this.#move(
      "failed",
      "failed",
      (t) => t.setFailed(error),
      (startedAt) => ({ state: "failed", error, startedAt, finishedAt: Date.now() }),
    );
  }

  #move(
    to: EnvState,
    taskTo: TaskState,
    moveTask: (task: TaskFs) => void,
    next: (startedAt: number) => EnvStatus,
  ): void {
    checkTransition(`environment ${this.id}`, ENV_TRANSITIONS, this.#status.state, to);
    const task = this.task();
    const taskFollows = task !== undefined && task.status().status !== taskTo;
    if (taskFollows) task.checkMove(taskTo);
    const startedAt = this.#status.state === "running" ? this.#status.startedAt : 0;
    const status = next(startedAt);
    if (taskFollows) moveTask(task);
    this.#status = status;
  }

  /** The namespace's mounts, the id, the creation time and the status, as plain data. */
  describe(): EnvDescription {
    return {
      ...this.namespace.describe(),
      id: this.id,
      createdAt: this.createdAt,
      status: this.status(),
    };
  }

  /**
   * Runs a WASI command module against this environment's namespace (see
   * {@linkcode WasiRuntime.run}). The lifecycle is left to the caller.
   *
   * @example
   * ```ts ignore
   * import { EnvBuilder, MemFs } from "@oanix/oanix";
   * const env = new EnvBuilder().mount("/tmp", new MemFs()).build();
   * const { exitCode, stdoutText } = await env.runWasi(await Deno.readFile("hello.wasm"));
   * ```
   */
  runWasi(module: WasmSource, options?: WasiRunOptions): Promise<WasiRunResult> {
    return runWasi(this.namespace, module, options);
  }
}
