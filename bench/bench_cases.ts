/**
 * Shared by the file-service benches: workloads as lists of cases, run as
 * `deno bench` groups (the first case of each is the baseline) or, under
 * `deno run`, interleaved round by round with the median ratio printed.
 *
 * @module
 */

/** One way to run a workload: `prepare` (untimed) gives what `run` (timed) works on. */
export interface Case<T = unknown> {
  /** The case's name in the report. */
  name: string;
  /** Builds what one timed run needs; not timed. */
  prepare(): T;
  /** The timed work (a method, so cases of every state type fit one list). */
  run(state: T): void;
}

/** A named list of cases; the first is the baseline. */
export type Workload = [group: string, cases: Case[]];

/** A case that needs no preparation. */
export function plain(name: string, run: () => void): Case<undefined> {
  return { name, prepare: () => undefined, run };
}

/**
 * Registers every case as a `Deno.bench`, one group per workload, the
 * first case as the group's baseline.
 */
export function registerBenches(
  workloads: readonly Workload[],
  options: { n?: number; warmup?: number } = {},
): void {
  for (const [group, cases] of workloads) {
    cases.forEach((c, i) => {
      Deno.bench({
        name: c.name,
        group,
        baseline: i === 0,
        ...options,
        fn: (b) => {
          const state = c.prepare();
          b.start();
          c.run(state);
          b.end();
        },
      });
    });
  }
}

/** Milliseconds of one timed run of `c` (its preparation untimed). */
function timeOnce(c: Case): number {
  const state = c.prepare();
  const t = performance.now();
  c.run(state);
  return performance.now() - t;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

/**
 * Runs each workload's cases back to back for `rounds` rounds (after 3
 * warm-up rounds), so load from elsewhere hits them alike, and prints each
 * case's median ratio to the baseline: steadier than `deno bench`'s
 * averages on a busy machine. `only` keeps the workloads whose name
 * contains it.
 */
export function runInterleaved(
  workloads: readonly Workload[],
  rounds: number,
  only?: string,
  unit = "the baseline",
): void {
  for (const [group, cases] of workloads) {
    if (only !== undefined && !group.includes(only)) continue;
    const ratios: number[][] = cases.map(() => []);
    const base: number[] = [];
    for (let round = 0; round < rounds + 3; round++) {
      const times = cases.map(timeOnce);
      if (round < 3) continue;
      times.forEach((t, i) => ratios[i].push(t / times[0]));
      base.push(times[0]);
    }
    console.log(`${group} (${cases[0].name}: ${(median(base) * 1000).toFixed(0)} µs)`);
    cases.forEach((c, i) => {
      if (i > 0) console.log(`  ${median(ratios[i]).toFixed(2)}x ${unit}: ${c.name}`);
    });
  }
}
