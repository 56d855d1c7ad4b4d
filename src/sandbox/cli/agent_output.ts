/**
 * The agent's output as the CLI shows it: every line behind a prefix the
 * agent cannot print at the start of a line of ours ("│ "), and control
 * characters shown, not obeyed (an escape sequence cannot move the cursor,
 * recolour the screen or forge a line of OANIX's own).
 *
 * @module
 */

// deno-lint-ignore no-control-regex -- control characters are what it finds
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g;

/** A control character in caret notation (`^[` for escape), or `\u0085` form above 0x7f. */
function shown(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
  if (code === 0x7f) return "^?";
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text with its control characters made visible (newlines and tabs stay).
 *
 * @example
 * ```ts
 * import { neutralize } from "./agent_output.ts";
 * console.log(neutralize("\x1b[2Jhi\r\n")); // "^[[2Jhi^M\n"
 * ```
 */
export function neutralize(text: string): string {
  return text.replace(CONTROL, shown);
}

/** The prefix of every line of agent output on the terminal. */
export const AGENT_PREFIX = "│ ";

/**
 * Formats agent output a chunk at a time: a prefix at the start of every
 * line (chunks may end mid-line), control characters neutralized.
 *
 * @example
 * ```ts
 * import { AgentOutput } from "./agent_output.ts";
 * const out = new AgentOutput();
 * console.log(out.format("one\ntw") + out.format("o\n")); // "│ one\n│ two\n"
 * ```
 */
export class AgentOutput {
  #atLineStart = true;

  /** The text to write for `chunk`. */
  format(chunk: string): string {
    if (chunk === "") return "";
    const text = neutralize(chunk);
    let out = this.#atLineStart ? AGENT_PREFIX : "";
    out += text.replace(/\n(?=.)/gs, `\n${AGENT_PREFIX}`);
    this.#atLineStart = text.endsWith("\n");
    return out;
  }

  /** Whether the last chunk ended its line. */
  get atLineStart(): boolean {
    return this.#atLineStart;
  }
}
