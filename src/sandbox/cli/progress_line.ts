/**
 * The progress a person sees during `oanix run`: on a terminal one live
 * line (phase, elapsed time against the limit, counts), redrawn in place;
 * elsewhere a line per phase.
 *
 * @module
 */

import type { RunPhase, RunProgress } from "../runner/runner.ts";

const LABELS: Record<RunPhase, string> = {
  starting: "starting",
  running: "running",
  collecting: "collecting changes",
  applying: "applying changes",
  done: "done",
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One line of progress text.
 *
 * @example
 * ```ts
 * import { progressText } from "./progress_line.ts";
 * console.log(progressText({ phase: "running", elapsedMs: 1500, timeoutMs: 60000, events: 2, denials: 0, changes: 0 }));
 * // "[oanix] running 1.5 s / 60.0 s · 2 events · 0 denials · 0 changes"
 * ```
 */
export function progressText(p: RunProgress, elapsedMs = p.elapsedMs): string {
  return `[oanix] ${LABELS[p.phase]} ${seconds(elapsedMs)} / ${seconds(p.timeoutMs)} · ` +
    `${p.events} events · ${p.denials} denials · ${p.changes} changes`;
}

/**
 * Draws progress on `write`: on a terminal one line kept current (with a
 * ticking clock while running), otherwise a line at each new phase.
 */
export class ProgressLine {
  #write: (text: string) => void;
  #terminal: boolean;
  #last: RunProgress | undefined;
  #since = 0;
  #shown = "";
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Makes a progress line.
   *
   * @param write where the text goes (stderr)
   * @param terminal whether `write` is a terminal
   */
  constructor(write: (text: string) => void, terminal: boolean) {
    this.#write = write;
    this.#terminal = terminal;
  }

  /** Takes a progress report. */
  update(p: RunProgress): void {
    const newPhase = this.#last?.phase !== p.phase;
    this.#last = p;
    this.#since = performance.now() - p.elapsedMs;
    if (!this.#terminal) {
      if (newPhase && p.phase !== "done") this.#write(`${progressText(p)}\n`);
      return;
    }
    this.#draw();
    if (p.phase === "running" && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#draw(), 250);
    } else if (p.phase !== "running") this.#stopTimer();
  }

  /** Clears the line (before other text is written to the same terminal). */
  clear(): void {
    if (this.#terminal && this.#shown !== "") this.#write("\r\x1b[2K");
  }

  /** Draws the line again (after other text). */
  redraw(): void {
    if (this.#terminal && this.#shown !== "") this.#write(this.#shown);
  }

  /** Stops the clock and removes the line. */
  end(): void {
    this.#stopTimer();
    this.clear();
    this.#shown = "";
  }

  #draw(): void {
    if (this.#last === undefined) return;
    this.#shown = progressText(this.#last, performance.now() - this.#since);
    this.#write(`\r\x1b[2K${this.#shown}`);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
