/**
 * The Scheduler: a priority queue of jobs over registered environments,
 * which can also run them.
 *
 * @module
 */

import { assertInteger, describeValue } from "../services/json_value.ts";
import { resolveShellLimits, type ShellLimits } from "../shell/shell_limits.ts";
import { JobQueue } from "./job_queue.ts";
import { JobSpec } from "./job_spec.ts";
import { superviseJob } from "./job_supervisor.ts";
import { type JobOutcome, type JobRecord, JobTable, snapshot } from "./job_table.ts";
import type {
  CustomJobHandler,
  JobInfo,
  ScheduledJob,
  SchedulerOptions,
  SchedulerStatus,
  WasiRunner,
} from "./job_types.ts";
import { OanixEnv } from "./oanix_env.ts";
import type { QueueEvent } from "./queue/queue_backend.ts";
import { RemoteJobs } from "./queue/remote_jobs.ts";
import { wasiJobRunner } from "./wasi_job_runner.ts";

function positiveInt(value: unknown, what: string, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(
      `${what} must be an integer ≥ ${min}, got ${
        typeof value === "number" ? value : describeValue(value)
      }`,
    );
  }
  return value;
}

/**
 * A priority job queue over registered environments. Higher priority goes
 * first, FIFO among equals (a binary heap keyed by priority and sequence
 * number). At most `maxConcurrent` jobs run at once.
 *
 * Drive it by hand (`next()`, then `complete(id, code)` or `fail(id, err)`),
 * or let `await run()` execute every queued job, with up to
 * `maxConcurrent` in flight, until the queue is empty and nothing runs:
 *
 * - **custom** jobs call the handler registered with `handle(name, fn)`;
 * - **wasi** jobs run through the WASI runtime ({@linkcode wasiJobRunner}
 *   by default; another hook with the `wasiRunner` option or
 *   `setWasiRunner`); with the hook removed they fail with "WASI runtime
 *   not available";
 * - **script** jobs run a bash script inside the job's namespace, through
 *   the shell (`runShell`, just-bash): it sees the namespace and nothing
 *   else, in `/workspace` when there is one, with the job's variables,
 *   bounded by `scriptLimits`. Output goes to the LogsFs at `/logs` when
 *   there is one. They need no permission;
 * - **hostScript** jobs run `sh -c COMMAND` in a host subprocess whose
 *   working directory is the root of the read-write WorkspaceFs mounted at
 *   `/workspace` (anything else there, a CowFs included, is refused, as
 *   the command would change the real directory). The environment is
 *   cleared but for PATH and the job's variables. They need
 *   `{ allowScripts: true }` and `--allow-run`. **The subprocess is not
 *   confined by the namespace or by Deno permissions.**
 *
 * A job's timeout ends it as failed (`timedOut: true`): its signal aborts
 * (handlers and script jobs stop), a host script's whole process group is
 * killed. A cancelled running job is aborted the same way.
 *
 * Finished jobs are kept for `result(id)` and `jobsWithTag` up to
 * `maxRetainedResults` (oldest forgotten first), so memory stays flat
 * however many jobs pass through. The counts in `status()` are kept forever.
 *
 * Its queue is in memory by default. Given a shared one (`queue`: a
 * `QueueBackend`, such as BullMQ on Redis), `submit()` enqueues there and
 * `run()` takes jobs from there, its own and other Schedulers', running each
 * with the environment of that id registered here, until the queue has
 * nothing waiting, delayed or running anywhere. Jobs then carry data (a
 * WASI module as a path). `next()` is refused (leases are taken by `run()`);
 * a job submitted here and run elsewhere stays queued here until it ends.
 *
 * @example
 * ```ts
 * import { EnvBuilder, JobKind, JobSpec, MemFs, Scheduler } from "@oanix/oanix";
 * const scheduler = Scheduler.withMaxConcurrent(4);
 * const envId = scheduler.registerEnv(new EnvBuilder().mount("/tmp", new MemFs()).build());
 * scheduler.handle("greet", (job) => (job.spec.kind.type === "custom" ? 0 : 1));
 * scheduler.submit(new JobSpec(envId, JobKind.custom("greet")).withPriority(10).tag("urgent"));
 * await scheduler.run();
 * console.log(scheduler.status().completedCount); // 1
 *
 * // Or by hand, as in the seed:
 * const id = scheduler.submit(new JobSpec(envId, JobKind.script("echo hello")));
 * const job = scheduler.next();
 * if (job) scheduler.complete(job.id, 0);
 * console.log(scheduler.result(id)?.state); // "completed"
 * ```
 */
export class Scheduler {
  #max: number;
  #wasiRunner: WasiRunner | undefined;
  #allowScripts: boolean;
  #scriptLimits: ShellLimits;
  #maxRetained: number;
  #graceMs: number;
  #envs = new Map<string, OanixEnv>();
  #handlers = new Map<string, CustomJobHandler>();
  #queue = new JobQueue();
  #jobs: JobTable;
  #controllers = new Map<string, AbortController>();
  #seq = 0;
  #queued = 0;
  #slots = 0;
  #wake: (() => void) | undefined;
  #draining = false;
  #remote: RemoteJobs | undefined;
  /** Job ids on a shared queue: unique to this scheduler. */
  #prefix = "";

  /**
   * Makes an empty scheduler.
   *
   * @param options see {@linkcode SchedulerOptions}
   * @throws {TypeError} naming the bad option.
   */
  constructor(options: SchedulerOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Scheduler: options must be an object, got ${describeValue(options)}`);
    }
    this.#max = positiveInt(options.maxConcurrent ?? 4, "Scheduler: maxConcurrent", 1);
    this.#maxRetained = positiveInt(
      options.maxRetainedResults ?? 10_000,
      "Scheduler: maxRetainedResults",
      0,
    );
    this.#graceMs = positiveInt(options.abortGraceMs ?? 1000, "Scheduler: abortGraceMs", 0);
    this.#jobs = new JobTable(this.#maxRetained);
    if (options.allowScripts !== undefined && typeof options.allowScripts !== "boolean") {
      throw new TypeError("Scheduler: allowScripts must be a boolean");
    }
    this.#allowScripts = options.allowScripts === true;
    this.#scriptLimits = resolveShellLimits(options.scriptLimits, "Scheduler: scriptLimits");
    // The WASI runtime is the default hook; `wasiRunner: undefined` given explicitly opts out.
    this.setWasiRunner("wasiRunner" in options ? options.wasiRunner : wasiJobRunner());
    if (options.queue !== undefined) {
      if (typeof options.queue?.lease !== "function") {
        throw new TypeError(
          `Scheduler: queue must be a QueueBackend, got ${describeValue(options.queue)}`,
        );
      }
      this.#remote = new RemoteJobs(options.queue, (e) => this.#onQueueEvent(e));
      this.#prefix = `${crypto.randomUUID().slice(0, 8)}-`;
    }
  }

  /**
   * A scheduler running at most `n` jobs at once.
   *
   * @example
   * ```ts
   * import { Scheduler } from "@oanix/oanix";
   * console.log(Scheduler.withMaxConcurrent(2).maxConcurrent); // 2
   * ```
   */
  static withMaxConcurrent(n: number): Scheduler {
    return new Scheduler({ maxConcurrent: n });
  }

  /** The most jobs running at once. */
  get maxConcurrent(): number {
    return this.#max;
  }

  /**
   * Sets (or, with undefined, removes) the hook that runs WASI jobs.
   *
   * @throws {TypeError} when `runner` is not a function.
   */
  setWasiRunner(runner: WasiRunner | undefined): void {
    if (runner !== undefined && typeof runner !== "function") {
      throw new TypeError(`Scheduler: wasiRunner must be a function, got ${describeValue(runner)}`);
    }
    this.#wasiRunner = runner;
  }

  /**
   * Registers the handler for custom jobs named `name` (replacing any).
   *
   * @throws {TypeError} for an empty name or a handler that is not a function.
   */
  handle(name: string, handler: CustomJobHandler): this {
    if (typeof name !== "string" || name.trim() === "") {
      throw new TypeError(
        `Scheduler.handle: name must be a non-empty string, got ${describeValue(name)}`,
      );
    }
    if (typeof handler !== "function") {
      throw new TypeError(`Scheduler.handle: the handler for "${name}" must be a function`);
    }
    this.#handlers.set(name, handler);
    return this;
  }

  /**
   * Registers an environment; returns its id.
   *
   * @throws {TypeError} when `env` is not an OanixEnv.
   * @throws {Error} when an environment with that id is registered already.
   */
  registerEnv(env: OanixEnv): string {
    if (!(env instanceof OanixEnv)) {
      throw new TypeError(`Scheduler.registerEnv: expected an OanixEnv, got ${describeValue(env)}`);
    }
    if (this.#envs.has(env.id)) {
      throw new Error(`Scheduler.registerEnv: an environment "${env.id}" is registered already`);
    }
    this.#envs.set(env.id, env);
    return env.id;
  }

  /**
   * Forgets an environment.
   *
   * @throws {Error} when it is unknown or still has queued or running jobs.
   */
  unregisterEnv(id: string): void {
    if (!this.#envs.has(id)) throw new Error(`Scheduler.unregisterEnv: no environment "${id}"`);
    const rec = this.#jobs.liveInEnv(id);
    if (rec !== undefined) {
      throw new Error(
        `Scheduler.unregisterEnv: environment "${id}" still has job ${rec.id} (${rec.state})`,
      );
    }
    this.#envs.delete(id);
  }

  /** The registered environment with this id. */
  env(id: string): OanixEnv | undefined {
    return this.#envs.get(id);
  }

  /**
   * Queues a job; returns its id (`job-1`, `job-2`, ...).
   *
   * @throws {TypeError} when `spec` is not a JobSpec.
   * @throws {Error} when its environment is not registered (on the
   * in-memory queue; on a shared one, the Scheduler that takes it fails it).
   */
  submit(spec: JobSpec): string {
    if (!(spec instanceof JobSpec)) {
      throw new TypeError(`Scheduler.submit: expected a JobSpec, got ${describeValue(spec)}`);
    }
    // On a shared queue, another Scheduler may hold the environment.
    if (this.#remote === undefined && !this.#envs.has(spec.envId)) {
      throw new Error(
        `Scheduler.submit: no environment "${spec.envId}" is registered (use registerEnv)`,
      );
    }
    const seq = ++this.#seq;
    const id = `job-${this.#prefix}${seq}`;
    this.#remote?.enqueue(id, spec, (error) => this.#endQueued(id, { state: "failed", error }));
    this.#jobs.add(id, spec);
    if (this.#remote === undefined) this.#queue.push({ priority: spec.priority, seq, id });
    this.#queued++;
    this.#wakeUp();
    return id;
  }

  /**
   * Takes the next job (highest priority, oldest first) and marks it
   * running, or returns undefined when the queue is empty or
   * `maxConcurrent` jobs are running.
   */
  next(): ScheduledJob | undefined {
    if (this.#remote) throw new Error("Scheduler.next: with a shared queue, run() takes the jobs");
    if (this.#slots >= this.#max) return undefined;
    for (;;) {
      const entry = this.#queue.pop();
      if (entry === undefined) return undefined;
      const rec = this.#jobs.live(entry.id);
      if (rec?.state !== "queued") continue; // cancelled while queued
      return this.#start(rec);
    }
  }

  #start(rec: JobRecord): ScheduledJob {
    rec.state = "running";
    rec.startedAt = Date.now();
    this.#queued--;
    this.#slots++;
    return Object.freeze({ id: rec.id, spec: rec.spec });
  }

  #running(id: string, fn: string): JobRecord {
    const rec = this.#jobs.live(id);
    if (rec === undefined) {
      const done = this.#jobs.finished(id);
      throw new Error(
        done
          ? `Scheduler.${fn}: job ${id} is already ${done.state}`
          : `Scheduler.${fn}: no job "${id}"`,
      );
    }
    if (rec.state !== "running") {
      throw new Error(`Scheduler.${fn}: job ${id} is ${rec.state}, not running`);
    }
    if (rec.executing) {
      throw new Error(`Scheduler.${fn}: job ${id} is being run by run(), which finishes it`);
    }
    return rec;
  }

  /**
   * Marks a running job (taken with `next()`) completed with `exitCode`.
   *
   * @throws {TypeError} when `exitCode` is not an integer.
   * @throws {Error} when the job is unknown, not running, or being run by `run()`.
   */
  complete(id: string, exitCode: number): void {
    assertInteger(exitCode, "Scheduler.complete: exitCode");
    this.#finish(this.#running(id, "complete"), { state: "completed", exitCode });
  }

  /**
   * Marks a running job (taken with `next()`) failed with `error`.
   *
   * @throws {TypeError} when `error` is not a string.
   * @throws {Error} when the job is unknown, not running, or being run by `run()`.
   */
  fail(id: string, error: string): void {
    if (typeof error !== "string") {
      throw new TypeError(`Scheduler.fail: error must be a string, got ${describeValue(error)}`);
    }
    this.#finish(this.#running(id, "fail"), { state: "failed", error });
  }

  /**
   * Cancels a queued or running job (a running one run by `run()` is
   * aborted). Returns false when the job had already finished.
   *
   * @throws {Error} for an unknown id.
   */
  cancel(id: string): boolean {
    const rec = this.#jobs.live(id);
    if (rec === undefined) {
      if (this.#jobs.finished(id)) return false;
      throw new Error(`Scheduler.cancel: no job "${id}"`);
    }
    if (rec.state === "queued") this.#remote?.cancel(id);
    this.#finish(rec, { state: "cancelled", error: "cancelled" });
    this.#controllers.get(id)?.abort(new DOMException(`job ${id} was cancelled`, "AbortError"));
    return true;
  }

  /** Ends a job still queued here (submitted here, run or refused elsewhere). */
  #endQueued(id: string, outcome: JobOutcome): void {
    const rec = this.#jobs.live(id);
    if (rec?.state === "queued") this.#finish(rec, outcome);
  }

  #onQueueEvent(e: QueueEvent): void {
    if (e.type === "completed") {
      const code = (e.result as { exitCode?: unknown } | null)?.exitCode;
      this.#endQueued(e.id, {
        state: "completed",
        exitCode: Number.isSafeInteger(code) ? code as number : 0,
      });
    } else if (e.type === "failed") this.#endQueued(e.id, { state: "failed", error: e.reason });
    else if (e.type === "cancelled") {
      this.#endQueued(e.id, { state: "cancelled", error: "cancelled" });
    }
  }

  #finish(rec: JobRecord, outcome: JobOutcome): void {
    if (rec.state === "queued") this.#queued--;
    else if (!rec.executing) this.#slots--;
    this.#jobs.finish(rec, outcome);
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** A snapshot of a job in any state, or undefined when unknown or forgotten. */
  job(id: string): JobInfo | undefined {
    return this.#jobs.info(id);
  }

  /**
   * A finished job's outcome, or undefined while it is queued or running,
   * or once it is forgotten (beyond `maxRetainedResults`).
   */
  result(id: string): JobInfo | undefined {
    const rec = this.#jobs.finished(id);
    return rec && snapshot(rec);
  }

  /** The known jobs (queued, running, or finished and retained) with tag `t`, oldest first. */
  jobsWithTag(t: string): JobInfo[] {
    return this.#jobs.withTag(t);
  }

  /** Counts and load. */
  status(): SchedulerStatus {
    return {
      queuedCount: this.#queued,
      runningCount: this.#slots,
      completedCount: this.#jobs.counts.completed,
      failedCount: this.#jobs.counts.failed,
      cancelledCount: this.#jobs.counts.cancelled,
      submittedCount: this.#seq,
      retainedCount: this.#jobs.retainedCount,
      maxConcurrent: this.#max,
      envCount: this.#envs.size,
    };
  }

  /**
   * Runs queued jobs, up to `maxConcurrent` at once, until the queue is
   * empty and no job holds a slot (jobs submitted meanwhile are run too;
   * jobs taken by hand with `next()` are waited for). Resolves with the
   * final status; a job's failure fails the job, not `run()`.
   *
   * @throws {Error} when `run()` is already in progress.
   */
  async run(): Promise<SchedulerStatus> {
    if (this.#draining) throw new Error("Scheduler.run: already running");
    this.#draining = true;
    try {
      if (this.#remote) {
        await this.#remote.drain(this.#max, (id, spec) => this.#runLeased(id, spec));
      } else {
        for (;;) {
          for (let job = this.next(); job !== undefined; job = this.next()) void this.#execute(job);
          if (this.#queued === 0 && this.#slots === 0) break;
          await new Promise<void>((resolve) => (this.#wake = resolve));
        }
      }
    } finally {
      this.#draining = false;
      this.#wake = undefined;
    }
    return this.status();
  }

  /** Runs a job leased from the shared queue (submitted here or elsewhere). */
  async #runLeased(id: string, spec: JobSpec): Promise<JobOutcome | undefined> {
    if (!this.#envs.has(spec.envId)) {
      const outcome: JobOutcome = {
        state: "failed",
        error: `no environment "${spec.envId}" is registered with the Scheduler that took the job`,
      };
      this.#endQueued(id, outcome);
      return outcome;
    }
    let rec = this.#jobs.live(id);
    if (rec === undefined) {
      rec = this.#jobs.add(id, spec); // another Scheduler's: known here from now on
      this.#queued++;
    }
    if (rec.state !== "queued") return undefined;
    return await this.#execute(this.#start(rec));
  }

  async #execute(job: ScheduledJob): Promise<JobOutcome | undefined> {
    const rec = this.#jobs.live(job.id)!;
    rec.executing = true;
    const controller = new AbortController();
    this.#controllers.set(job.id, controller);
    const deps = {
      handlers: this.#handlers,
      wasiRunner: this.#wasiRunner,
      allowScripts: this.#allowScripts,
      scriptLimits: this.#scriptLimits,
    };
    const env = this.#envs.get(job.spec.envId)!;
    const outcome = await superviseJob(job, env, deps, controller, this.#graceMs);
    this.#controllers.delete(job.id);
    if (outcome !== undefined && rec.state === "running") this.#finish(rec, outcome);
    rec.executing = false;
    this.#slots--;
    this.#wakeUp();
    return outcome;
  }
}
