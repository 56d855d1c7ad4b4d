/**
 * TaskFs: a task's assignment, status and result as files.
 *
 * @module
 */

import { BufferHandle } from "../fs/buffer_handle.ts";
import { ByteBuffer } from "../fs/byte_buffer.ts";
import { FsError } from "../fs/errors.ts";
import { resolveOpenFlags } from "../fs/open_flags.ts";
import { normalizePath } from "../fs/path.ts";
import { nowNs, nsToMs } from "../fs/time.ts";
import type { DirEntry, FileHandle, FileService, OpenFlags, Stat } from "../fs/types.ts";
import { flatListing, flatName, flatReaddirCheck, flatRootStat } from "./flat_dir.ts";
import { describeValue, type JsonValue } from "./json_value.ts";
import { checkTransition } from "./lifecycle.ts";
import { type TaskMeta, type TaskSpec, validateTaskMeta, validateTaskSpec } from "./task_spec.ts";
import {
  TASK_TRANSITIONS,
  type TaskState,
  type TaskStatus,
  validateTaskStatus,
} from "./task_status.ts";

const SPEC = "spec.json";
const META = "meta.json";
const STATUS = "status";
const RESULT = "result.json";
const FIXED = [SPEC, META, STATUS];
const INO: Record<string, number> = { [SPEC]: 2, [META]: 3, [STATUS]: 4, [RESULT]: 5 };

const decoder = new TextDecoder();

/**
 * Everything a {@linkcode TaskFs} holds, as plain data: what
 * {@linkcode TaskFs.exportState} gives and {@linkcode TaskFs.fromState}
 * takes (snapshots and forks are made of it).
 *
 * @example
 * ```ts
 * import { TaskFs } from "@oanix/oanix";
 * const state = new TaskFs({ id: "t1", type: "demo", description: "", input: null }).exportState();
 * console.log(state.status, state.result); // { status: "pending" } undefined
 * ```
 */
export interface TaskFsState {
  /** The assignment. */
  spec: TaskSpec;
  /** The metadata, defaults filled in. */
  meta: TaskMeta;
  /** When the TaskFs was made, in nanoseconds (the times of spec.json and meta.json). */
  createdAtNs: bigint;
  /** The status. */
  status: TaskStatus;
  /** When the status last changed, in nanoseconds. */
  statusAtNs: bigint;
  /** `/result.json`, when the agent wrote one: its bytes and time. */
  result?: { bytes: Uint8Array; mtimeNs: bigint };
}

function checkNs(value: unknown, what: string): bigint {
  if (typeof value !== "bigint" || value < 0n) {
    throw new TypeError(`TaskFs.fromState: ${what} must be bigint nanoseconds ≥ 0`);
  }
  return value;
}

function prettyJson(value: unknown): ByteBuffer {
  return ByteBuffer.from(JSON.stringify(value, null, 2) + "\n");
}

/**
 * A task as files, mounted by convention at `/task`:
 *
 * | file | access | content |
 * |---|---|---|
 * | `/spec.json` | read-only | the {@linkcode TaskSpec}, pretty-printed |
 * | `/meta.json` | read-only | the {@linkcode TaskMeta}, pretty-printed |
 * | `/status` | read-only | compact {@linkcode TaskStatus} JSON, e.g. `{"status":"pending"}` |
 * | `/result.json` | read-write | what the agent wrote; listed once it exists |
 *
 * Writing a read-only file is EROFS. The agent may create, rewrite and
 * remove `/result.json` until the task finishes; from then on it is frozen
 * (opening it for writing is EROFS; handles already open can still write).
 * The bytes are stored as written; {@linkcode TaskFs.result} parses them.
 *
 * The host drives the status: pending → running → completed or failed. An
 * illegal move throws {@linkcode IllegalTransitionError} and changes nothing.
 *
 * @example
 * ```ts
 * import { readJson, TaskFs, writeText } from "@oanix/oanix";
 * const task = new TaskFs(
 *   { id: "review-001", type: "code-review", description: "Review auth", input: { files: ["src/auth.rs"] } },
 *   { tags: ["auth"], timeout_secs: 300 },
 * );
 * task.setRunning();
 * console.log(readJson(task, "/spec.json")); // { id: "review-001", ... }
 * writeText(task, "/result.json", '{"issues":0}');
 * task.setCompleted();
 * console.log(task.result()); // { issues: 0 }
 * ```
 */
export class TaskFs implements FileService {
  readonly kind: string = "task";
  #spec: Readonly<TaskSpec>;
  #meta: Readonly<TaskMeta>;
  #specBytes: ByteBuffer;
  #metaBytes: ByteBuffer;
  #createdNs: bigint;
  #status: TaskStatus = { status: "pending" };
  #statusBytes: ByteBuffer;
  #statusNs: bigint;
  #result: { buffer: ByteBuffer; mtimeNs: bigint } | undefined;

  /**
   * Makes a pending task. Both arguments are checked and copied.
   *
   * @param spec the assignment; every field is required
   * @param meta metadata; missing fields take the defaults of {@linkcode TaskMeta}
   * @throws {TypeError} naming the first missing or ill-typed field
   */
  constructor(spec: TaskSpec, meta?: Partial<TaskMeta>) {
    this.#spec = validateTaskSpec(spec, "TaskFs: spec");
    this.#createdNs = nowNs();
    this.#meta = validateTaskMeta(meta, Math.floor(nsToMs(this.#createdNs)), "TaskFs: meta");
    this.#specBytes = prettyJson(this.#spec);
    this.#metaBytes = prettyJson(this.#meta);
    this.#statusNs = this.#createdNs;
    this.#statusBytes = ByteBuffer.from(JSON.stringify(this.#status));
  }

  /**
   * Makes a TaskFs from JSON text (a string or UTF-8 bytes), as found in a
   * `spec.json` and a `meta.json`.
   *
   * @throws {SyntaxError} when either text is not JSON, saying which.
   * @throws {TypeError} as the constructor does.
   *
   * @example
   * ```ts
   * import { TaskFs } from "@oanix/oanix";
   * const task = TaskFs.fromJson(
   *   '{"id":"t1","type":"demo","description":"say hi","input":null}',
   *   '{"tags":["demo"]}',
   * );
   * console.log(task.spec.type, task.meta.tags); // "demo" ["demo"]
   * ```
   */
  static fromJson(spec: string | Uint8Array, meta?: string | Uint8Array): TaskFs {
    return new TaskFs(
      parseJsonText(spec, "spec") as unknown as TaskSpec,
      meta === undefined ? undefined : parseJsonText(meta, "meta") as Partial<TaskMeta>,
    );
  }

  /**
   * Everything the task holds, as plain data (copies).
   *
   * @example
   * ```ts
   * import { TaskFs, writeText } from "@oanix/oanix";
   * const task = new TaskFs({ id: "t1", type: "demo", description: "", input: null });
   * task.setRunning();
   * writeText(task, "/result.json", "{}");
   * const state = task.exportState();
   * console.log(state.status.status, state.result?.bytes.length); // "running" 2
   * ```
   */
  exportState(): TaskFsState {
    const state: TaskFsState = {
      spec: this.#spec,
      meta: this.#meta,
      createdAtNs: this.#createdNs,
      status: this.status(),
      statusAtNs: this.#statusNs,
    };
    const r = this.#result;
    if (r !== undefined) state.result = { bytes: r.buffer.copy(), mtimeNs: r.mtimeNs };
    return state;
  }

  /**
   * A TaskFs holding `state` (as {@linkcode TaskFs.exportState} gives it),
   * every field checked and copied.
   *
   * @throws {TypeError} naming the first bad field.
   *
   * @example
   * ```ts
   * import { TaskFs } from "@oanix/oanix";
   * const task = new TaskFs({ id: "t1", type: "demo", description: "", input: null });
   * task.setRunning();
   * console.log(TaskFs.fromState(task.exportState()).status().status); // "running"
   * ```
   */
  static fromState(state: TaskFsState): TaskFs {
    if (state === null || typeof state !== "object") {
      throw new TypeError("TaskFs.fromState: state must be an object");
    }
    const createdNs = checkNs(state.createdAtNs, "createdAtNs");
    const statusNs = checkNs(state.statusAtNs, "statusAtNs");
    const status = validateTaskStatus(state.status, "TaskFs.fromState: status");
    const meta = validateTaskMeta(state.meta, 0, "TaskFs.fromState: meta");
    if (state.meta === undefined || state.meta.created_at === undefined) {
      throw new TypeError("TaskFs.fromState: meta.created_at is missing");
    }
    const r = state.result;
    if (r !== undefined && (r === null || !(r.bytes instanceof Uint8Array))) {
      throw new TypeError("TaskFs.fromState: result.bytes must be a Uint8Array");
    }
    const resultNs = r === undefined ? 0n : checkNs(r.mtimeNs, "result.mtimeNs");
    const task = new TaskFs(state.spec, meta);
    task.#createdNs = createdNs;
    task.#status = status;
    task.#statusNs = statusNs;
    task.#statusBytes = ByteBuffer.from(JSON.stringify(status));
    if (r !== undefined) task.#result = { buffer: new ByteBuffer(r.bytes), mtimeNs: resultNs };
    return task;
  }

  /**
   * An independent copy of the task as it is now (status and result
   * included), for a forked environment.
   *
   * @example
   * ```ts
   * import { TaskFs } from "@oanix/oanix";
   * const task = new TaskFs({ id: "t1", type: "demo", description: "", input: null });
   * const copy = task.fork();
   * copy.setRunning();
   * console.log(task.status().status, copy.status().status); // "pending" "running"
   * ```
   */
  fork(): TaskFs {
    return TaskFs.fromState(this.exportState());
  }

  /** The assignment (frozen). */
  get spec(): Readonly<TaskSpec> {
    return this.#spec;
  }

  /** The metadata, defaults filled in (frozen). */
  get meta(): Readonly<TaskMeta> {
    return this.#meta;
  }

  /** The current status, as `/status` serves it (a copy). */
  status(): TaskStatus {
    return { ...this.#status };
  }

  /** True once the task is completed or failed. */
  isFinished(): boolean {
    return this.#status.status === "completed" || this.#status.status === "failed";
  }

  /**
   * Pending → running.
   *
   * @throws {IllegalTransitionError} from any other state.
   */
  setRunning(): void {
    this.#move({ status: "running", started_at: Date.now() });
  }

  /**
   * Running → completed.
   *
   * @throws {IllegalTransitionError} from any other state.
   */
  setCompleted(): void {
    this.#move({ status: "completed", finished_at: Date.now() });
  }

  /**
   * Running → failed, with a reason.
   *
   * @throws {TypeError} when `error` is not a string.
   * @throws {IllegalTransitionError} from any state but running.
   */
  setFailed(error: string): void {
    if (typeof error !== "string") {
      throw new TypeError(`TaskFs.setFailed: error must be a string, got ${describeValue(error)}`);
    }
    this.#move({ status: "failed", finished_at: Date.now(), error });
  }

  /**
   * Throws unless the task may go to `to` (used to keep an environment and
   * its task in step before changing either).
   *
   * @throws {IllegalTransitionError} when the move is not allowed.
   */
  checkMove(to: TaskState): void {
    checkTransition(`task ${this.#spec.id}`, TASK_TRANSITIONS, this.#status.status, to);
  }

  #move(next: TaskStatus): void {
    this.checkMove(next.status);
    this.#status = next;
    this.#statusNs = nowNs();
    this.#statusBytes = ByteBuffer.from(JSON.stringify(next));
  }

  /** True when `/result.json` exists. */
  hasResult(): boolean {
    return this.#result !== undefined;
  }

  /** A copy of the bytes of `/result.json`, or undefined when there is none. */
  resultBytes(): Uint8Array | undefined {
    return this.#result?.buffer.copy();
  }

  /**
   * `/result.json` parsed, or undefined when the agent wrote none.
   *
   * @throws {FsError} EINVAL naming `/result.json` when it is not JSON.
   */
  result(): JsonValue | undefined {
    if (this.#result === undefined) return undefined;
    const text = decoder.decode(this.#result.buffer.view());
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new FsError("EINVAL", "/" + RESULT, `malformed JSON: ${(e as Error).message}`);
    }
  }

  #has = (name: string): boolean =>
    FIXED.includes(name) || (name === RESULT && this.#result !== undefined);

  #fixedBytes(name: string): ByteBuffer {
    return name === SPEC ? this.#specBytes : name === META ? this.#metaBytes : this.#statusBytes;
  }

  open(path: string, flags?: OpenFlags): FileHandle {
    const p = normalizePath(path);
    const f = resolveOpenFlags(flags, p);
    const name = flatName(p, (n) => this.#has(n) || n === RESULT);
    if (name === "") throw new FsError(f.create && f.exclusive ? "EEXIST" : "EISDIR", p);
    if (f.directory) throw new FsError(this.#has(name) ? "ENOTDIR" : "ENOENT", p);
    if (name !== RESULT) {
      if (f.create && f.exclusive) throw new FsError("EEXIST", p);
      if (f.write || f.truncate) throw new FsError("EROFS", p, `${name} is read-only`);
      const buffer = this.#fixedBytes(name);
      return new BufferHandle({
        path: p,
        buffer,
        readable: true,
        writable: false,
        stat: () => this.#fileStat(name),
      });
    }
    return this.#openResult(p, f);
  }

  #openResult(p: string, f: ReturnType<typeof resolveOpenFlags>): FileHandle {
    if (this.#result === undefined && !f.create) throw new FsError("ENOENT", p);
    if (this.#result !== undefined && f.create && f.exclusive) throw new FsError("EEXIST", p);
    if ((f.write || this.#result === undefined) && this.isFinished()) {
      throw new FsError(
        "EROFS",
        p,
        `task is ${this.#status.status}; ${RESULT} can no longer change`,
      );
    }
    if (this.#result === undefined) this.#result = { buffer: new ByteBuffer(), mtimeNs: nowNs() };
    const result = this.#result;
    if (f.truncate && result.buffer.size > 0) {
      result.buffer.truncate(0);
      result.mtimeNs = nowNs();
    }
    return new BufferHandle({
      path: p,
      buffer: result.buffer,
      readable: f.read,
      writable: f.write,
      append: f.append,
      stat: () => this.#fileStat(RESULT),
      onChange: () => {
        result.mtimeNs = nowNs();
      },
    });
  }

  #fileStat(name: string): Stat {
    if (name === RESULT) {
      const r = this.#result;
      const mtimeNs = r?.mtimeNs ?? this.#createdNs;
      return {
        kind: "file",
        size: r?.buffer.size ?? 0,
        mtime: nsToMs(mtimeNs),
        readOnly: this.isFinished(),
        ino: INO[RESULT],
        mtimeNs,
      };
    }
    const mtimeNs = name === STATUS ? this.#statusNs : this.#createdNs;
    return {
      kind: "file",
      size: this.#fixedBytes(name).size,
      mtime: nsToMs(mtimeNs),
      readOnly: true,
      ino: INO[name],
      mtimeNs,
    };
  }

  readdir(path: string): DirEntry[] {
    flatReaddirCheck(flatName(path, this.#has));
    return flatListing(this.#result ? [...FIXED, RESULT] : FIXED);
  }

  stat(path: string): Stat {
    const name = flatName(path, this.#has);
    return name === "" ? flatRootStat(this.#createdNs, this.isFinished()) : this.#fileStat(name);
  }

  mkdir(path: string): void {
    const p = normalizePath(path);
    if (p.indexOf("/", 1) !== -1) flatName(p, this.#has);
    if (p === "/" || this.#has(p.slice(1))) throw new FsError("EEXIST", p);
    throw new FsError("EROFS", p, "TaskFs has a fixed set of files");
  }

  remove(path: string): void {
    const p = normalizePath(path);
    const name = flatName(p, this.#has);
    if (name === "") throw new FsError("EBUSY", p, "cannot remove the root");
    if (name !== RESULT) throw new FsError("EROFS", p, `${name} is read-only`);
    if (this.isFinished()) {
      throw new FsError(
        "EROFS",
        p,
        `task is ${this.#status.status}; ${RESULT} can no longer change`,
      );
    }
    this.#result = undefined;
  }

  rename(from: string, to: string): void {
    flatName(from, this.#has);
    normalizePath(to);
    throw new FsError("EROFS", normalizePath(from), "TaskFs files have fixed names");
  }

  describe(): Record<string, unknown> {
    return { task_id: this.#spec.id, task_type: this.#spec.type, status: this.#status.status };
  }
}

function parseJsonText(text: string | Uint8Array, what: string): unknown {
  let s: string;
  if (typeof text === "string") s = text;
  else if (text instanceof Uint8Array) s = decoder.decode(text);
  else {
    throw new TypeError(
      `TaskFs.fromJson: ${what} must be JSON text (a string or Uint8Array), got ${typeof text}`,
    );
  }
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new SyntaxError(`TaskFs.fromJson: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}
