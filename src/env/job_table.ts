/**
 * The Scheduler's records of its jobs: live ones (queued or running) by
 * id, finished ones in a bounded map (oldest forgotten first), and an
 * index by tag.
 *
 * @module
 */

import type { JobSpec } from "./job_spec.ts";
import type { JobInfo, JobState } from "./job_types.ts";

/** Everything the scheduler knows about one job. */
export interface JobRecord {
  id: string;
  spec: JobSpec;
  state: JobState;
  submittedAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  exitCode: number | undefined;
  error: string | undefined;
  timedOut: boolean | undefined;
  /** Being executed by `run()`, which releases its slot itself. */
  executing: boolean;
}

/** How a job ended. */
export type JobOutcome =
  | { state: "completed"; exitCode: number }
  | { state: "failed"; error: string; timedOut?: boolean }
  | { state: "cancelled"; error: string };

/**
 * Live and finished job records. Records keep one shape from birth (every
 * field present), which keeps the hot path fast at 100,000 jobs.
 */
export class JobTable {
  #maxRetained: number;
  #live = new Map<string, JobRecord>();
  #finished = new Map<string, JobRecord>();
  /**
   * Finished ids, oldest first from `#head`: the eviction order. (Taking the
   * Map's first key instead walks past every deleted entry each time, which
   * made draining cost more per job the more jobs had passed.)
   */
  #order: string[] = [];
  #head = 0;
  #tags = new Map<string, Set<string>>();
  /** Jobs finished in each way, ever. */
  readonly counts = { completed: 0, failed: 0, cancelled: 0 };

  constructor(maxRetained: number) {
    this.#maxRetained = maxRetained;
  }

  /** Finished records still kept. */
  get retainedCount(): number {
    return this.#finished.size;
  }

  /** Adds a queued job. */
  add(id: string, spec: JobSpec): JobRecord {
    const rec: JobRecord = {
      id,
      spec,
      state: "queued",
      submittedAt: Date.now(),
      startedAt: undefined,
      finishedAt: undefined,
      exitCode: undefined,
      error: undefined,
      timedOut: undefined,
      executing: false,
    };
    this.#live.set(id, rec);
    for (const t of spec.tags) {
      let ids = this.#tags.get(t);
      if (ids === undefined) this.#tags.set(t, ids = new Set());
      ids.add(id);
    }
    return rec;
  }

  /** A queued or running job. */
  live(id: string): JobRecord | undefined {
    return this.#live.get(id);
  }

  /** A finished job still kept. */
  finished(id: string): JobRecord | undefined {
    return this.#finished.get(id);
  }

  /** A live job of environment `envId`, if there is one. */
  liveInEnv(envId: string): JobRecord | undefined {
    for (const rec of this.#live.values()) if (rec.spec.envId === envId) return rec;
    return undefined;
  }

  /** Records how `rec` ended and moves it to the finished records. */
  finish(rec: JobRecord, outcome: JobOutcome): void {
    rec.state = outcome.state;
    rec.finishedAt = Date.now();
    if (outcome.state === "completed") rec.exitCode = outcome.exitCode;
    else rec.error = outcome.error;
    if (outcome.state === "failed" && outcome.timedOut) rec.timedOut = true;
    this.counts[outcome.state]++;
    this.#live.delete(rec.id);
    this.#finished.set(rec.id, rec);
    this.#order.push(rec.id);
    while (this.#finished.size > this.#maxRetained) this.#evictOldest();
  }

  #evictOldest(): void {
    const order = this.#order;
    const oldId = order[this.#head++];
    if (this.#head >= 1024 && this.#head * 2 >= order.length) {
      this.#order = order.slice(this.#head);
      this.#head = 0;
    }
    const old = this.#finished.get(oldId)!;
    this.#finished.delete(oldId);
    for (const t of old.spec.tags) {
      const ids = this.#tags.get(t);
      ids?.delete(oldId);
      if (ids?.size === 0) this.#tags.delete(t);
    }
  }

  /** A snapshot of a live or kept job. */
  info(id: string): JobInfo | undefined {
    const rec = this.#live.get(id) ?? this.#finished.get(id);
    return rec && snapshot(rec);
  }

  /** Snapshots of the known jobs with tag `t`, oldest first. */
  withTag(t: string): JobInfo[] {
    const ids = this.#tags.get(t);
    return ids === undefined ? [] : [...ids].map((id) => this.info(id)!);
  }
}

/** A JobInfo copy of `rec`, with only the fields that are set. */
export function snapshot(rec: JobRecord): JobInfo {
  const info: JobInfo = {
    id: rec.id,
    spec: rec.spec,
    state: rec.state,
    submittedAt: rec.submittedAt,
  };
  if (rec.startedAt !== undefined) info.startedAt = rec.startedAt;
  if (rec.finishedAt !== undefined) info.finishedAt = rec.finishedAt;
  if (rec.exitCode !== undefined) info.exitCode = rec.exitCode;
  if (rec.error !== undefined) info.error = rec.error;
  if (rec.timedOut !== undefined) info.timedOut = rec.timedOut;
  return info;
}
