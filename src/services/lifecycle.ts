/**
 * Lifecycles with enforced transitions, shared by TaskFs and OanixEnv.
 *
 * @module
 */

/**
 * A lifecycle was asked to make a move it does not allow. The state is
 * left as it was.
 *
 * @example
 * ```ts
 * import { IllegalTransitionError, TaskFs } from "@oanix/oanix";
 * const task = new TaskFs({ id: "t1", type: "demo", description: "", input: null });
 * try {
 *   task.setCompleted(); // still pending
 * } catch (e) {
 *   if (e instanceof IllegalTransitionError) console.log(e.from, e.to); // "pending" "completed"
 * }
 * ```
 */
export class IllegalTransitionError extends Error {
  /** What refused the move, e.g. `task review-001`. */
  readonly subject: string;
  /** The state it was in (and still is). */
  readonly from: string;
  /** The state it was asked to go to. */
  readonly to: string;

  /**
   * Makes the error; the message says what was refused and what is allowed.
   *
   * @param subject what refused the move
   * @param from the current state
   * @param to the requested state
   * @param allowed the states `from` may go to
   */
  constructor(subject: string, from: string, to: string, allowed: readonly string[]) {
    const hint = allowed.length === 0
      ? `${from} is final`
      : `from ${from} it may only go to ${allowed.join(" or ")}`;
    super(`${subject}: cannot go from ${from} to ${to} (${hint})`);
    this.name = "IllegalTransitionError";
    this.subject = subject;
    this.from = from;
    this.to = to;
  }
}

/**
 * The moves a lifecycle allows: for each state, the states it may go to.
 *
 * @example
 * ```ts
 * import type { TransitionTable } from "./lifecycle.ts";
 * const table: TransitionTable<"on" | "off"> = { on: ["off"], off: ["on"] };
 * ```
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * Throws {@linkcode IllegalTransitionError} unless `table` allows `from` → `to`.
 *
 * @example
 * ```ts
 * import { checkTransition } from "./lifecycle.ts";
 * checkTransition("lamp", { on: ["off"], off: ["on"] }, "on", "off"); // fine
 * ```
 */
export function checkTransition<S extends string>(
  subject: string,
  table: TransitionTable<S>,
  from: S,
  to: S,
): void {
  const allowed = table[from];
  if (!allowed.includes(to)) throw new IllegalTransitionError(subject, from, to, allowed);
}
